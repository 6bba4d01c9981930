import Foundation

/// The OParl 1.1 objects Quartier serves, as the JSON schemas of the standard describe them.
/// Optional properties left nil are not written.
enum OParl {
    static let version = "https://schema.oparl.org/1.1/"

    static func type(_ name: String) -> String { version + name }

    struct System: Encodable {
        let id: String
        var type = OParl.type("System")
        var oparlVersion = OParl.version
        let body: String
        let name: String
        let website: String
        let vendor = "https://github.com/quartier"
        let product = "https://github.com/quartier/quartier"
        let license = "https://creativecommons.org/licenses/by/4.0/"
        let created: String
        let modified: String
    }

    struct Body: Encodable {
        let id: String
        var type = OParl.type("Body")
        let system: String
        let name: String
        let shortName: String
        let website: String
        let organization: String
        let person: String
        let meeting: String
        let paper: String
        let membership: String
        let agendaItem: String
        let legislativeTermList: String
        let legislativeTerm: [LegislativeTerm]
        let classification = "Quartiersmanagement"
        let created: String
        let modified: String
    }

    struct LegislativeTerm: Encodable {
        let id: String
        var type = OParl.type("LegislativeTerm")
        let body: String
        let name: String
        let startDate: String
        let endDate: String
        let created: String
        let modified: String
    }

    struct Organization: Encodable {
        let id: String
        var type = OParl.type("Organization")
        let body: String?
        let name: String?
        let membership: [String]?
        let meeting: String?
        let organizationType: String?
        let classification: String?
        let memberCount: Int?
        let votingMemberCount: Int?
        let created: String
        let modified: String
        let deleted: Bool?
    }

    struct Person: Encodable {
        let id: String
        var type = OParl.type("Person")
        let body: String
        let name: String
        let familyName: String
        let givenName: String
        let membership: [Membership]
        let created: String
        let modified: String
    }

    struct Membership: Encodable {
        let id: String
        var type = OParl.type("Membership")
        let person: String?
        let organization: String
        let role: String
        let votingRight: Bool
        let startDate: String?
        let endDate: String?
        let created: String
        let modified: String
    }

    struct Meeting: Encodable {
        let id: String
        var type = OParl.type("Meeting")
        let name: String?
        let meetingState: String?
        let cancelled: Bool?
        let start: String?
        let end: String?
        let location: Location?
        let organization: [String]?
        let agendaItem: [AgendaItem]?
        let web: String?
        let created: String
        let modified: String
        let deleted: Bool?
    }

    struct Location: Encodable {
        let id: String
        var type = OParl.type("Location")
        let description: String
        let created: String
        let modified: String
    }

    struct AgendaItem: Encodable {
        let id: String
        var type = OParl.type("AgendaItem")
        let meeting: String
        let number: String
        let order: Int
        let name: String
        let `public`: Bool
        let result: String?
        let resolutionText: String?
        let auxiliaryFile: [File]?
        let created: String
        let modified: String
    }

    struct File: Encodable {
        let id: String
        var type = OParl.type("File")
        let name: String
        let fileName: String
        let mimeType: String
        let size: Int
        let sha512Checksum: String
        let accessUrl: String
        let downloadUrl: String
        let agendaItem: [String]
        let created: String
        let modified: String
    }

    struct List<Item: Encodable>: Encodable {
        struct Pagination: Encodable {
            let totalElements: Int
            let elementsPerPage: Int
            let currentPage: Int
            let totalPages: Int
        }

        struct Links: Encodable {
            let first: String
            let last: String
            let prev: String?
            let next: String?
            let `self`: String
        }

        let data: [Item]
        let pagination: Pagination
        let links: Links
    }

    struct Error: Encodable {
        var type = OParl.type("Error")
        let message: String
    }
}
