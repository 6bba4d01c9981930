import Foundation

/// Where a resident's concern (Anliegen) stands: neu → in Prüfung → weitergeleitet → in Bearbeitung → erledigt,
/// or abgelehnt, or zusammengeführt into a duplicate. Every step is public with a note in plain language.
public enum ConcernStatus: String, Codable, CaseIterable, Sendable {
    case new
    case reviewing
    case forwarded
    case inProgress = "in-progress"
    case done
    case rejected
    case merged

    /// The steps allowed from each status; everything else is refused. A concern may skip ahead (a small wish is
    /// done at once) but never go back, except that a rejected or finished concern can be reviewed again when
    /// somebody shows it is not settled. A merged concern lives on in the one it was merged into, so it stays.
    public static let transitions: [ConcernStatus: Set<ConcernStatus>] = [
        .new: [.reviewing, .forwarded, .inProgress, .done, .rejected, .merged],
        .reviewing: [.forwarded, .inProgress, .done, .rejected, .merged],
        .forwarded: [.inProgress, .done, .rejected, .merged],
        .inProgress: [.forwarded, .done, .rejected, .merged],
        .done: [.reviewing],
        .rejected: [.reviewing],
        .merged: [],
    ]

    public var next: [ConcernStatus] { Self.allCases.filter { Self.transitions[self, default: []].contains($0) } }

    public func canMove(to target: ConcernStatus) -> Bool { Self.transitions[self, default: []].contains(target) }

    /// Open311 knows only open and closed.
    public var isOpen: Bool { ![.done, .rejected, .merged].contains(self) }

    public var open311Status: String { isOpen ? "open" : "closed" }

    /// The finer status as Klarschiff's CitySDK extension names it (`extended_attributes.detailed_status`).
    public var detailedStatus: String {
        switch self {
        case .new, .reviewing: "RECEIVED"
        case .forwarded, .inProgress: "IN_PROCESS"
        case .done: "PROCESSED"
        case .rejected, .merged: "REJECTED"
        }
    }

    public static func matching(detailedStatus: String) -> [ConcernStatus] {
        allCases.filter { $0.detailedStatus == detailedStatus.uppercased() }
    }
}

/// How a concern reached the neighbourhood management.
public enum ConcernSource: String, Codable, CaseIterable, Sendable {
    /// The public form.
    case online
    /// Sprechstunde in the neighbourhood office.
    case consultation
    case phone
    /// The activating survey (Befragung).
    case survey
    case tenantAssembly = "tenant-assembly"
    /// A contact of the contact log.
    case contact
    case email
    /// A client of the Open311 interface.
    case open311

    /// The sources staff choose from when they enter a concern on behalf of a resident.
    public static let staffEntered: [ConcernSource] = [.consultation, .phone, .survey, .tenantAssembly, .contact, .email]
}

/// How much text a concern may carry, and what a rate limit allows.
public enum ConcernRules {
    public static let maximumTitle = 120
    public static let maximumDescription = 5000
    public static let maximumNote = 2000
    public static let maximumAddress = 200
    public static let maximumName = 120

    /// Concerns one address may submit within `window` (a household or the office's computer may send a few).
    public static let submissionsPerWindow = 5
    /// Supports one address may give within `window`.
    public static let supportsPerWindow = 30
    public static let window: TimeInterval = 60 * 60

    /// Whether one more action is allowed after `recent` within the window.
    public static func allows(recent: Int, limit: Int) -> Bool { recent < limit }

    /// A point in the district: plausible WGS84 coordinates, as text from a form or an API client.
    public static func coordinates(latitude: String, longitude: String) -> (latitude: Double, longitude: Double)? {
        let lat = Double(latitude.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "."))
        let long = Double(longitude.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "."))
        guard let lat, let long, (-90...90).contains(lat), (-180...180).contains(long), lat.isFinite, long.isFinite else { return nil }
        return (lat, long)
    }

    /// A service code for Open311: lower-case letters, digits and dashes.
    public static func isServiceCode(_ code: String) -> Bool {
        !code.isEmpty && code.count <= 40 && code.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }
}

/// What moderation changed in a concern's public text, for the author's e-mail and the history.
public struct ModerationChange: Equatable, Sendable {
    public var titleChanged: Bool
    public var descriptionChanged: Bool
    public var personalDataHidden: Bool

    public init(before: (title: String, description: String), after: (title: String, description: String), personalDataHidden: Bool) {
        titleChanged = before.title != after.title
        descriptionChanged = before.description != after.description
        self.personalDataHidden = personalDataHidden
    }

    public var isEmpty: Bool { !titleChanged && !descriptionChanged && !personalDataHidden }
}
