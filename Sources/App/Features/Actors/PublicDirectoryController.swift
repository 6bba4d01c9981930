import Fluent
import QuartierCore
import SQLKit
import Vapor

/// "Einrichtungen im Stadtteil": the public directory of organisations, showing only what each organisation
/// allows, and contact persons only with their valid consent to publish their name.
struct PublicDirectoryController: RouteCollection {
    static let perPage = 20

    struct Entry: Encodable {
        let name: String
        let kind: String
        let address: [String]?
        let phone: String?
        let email: String?
        let website: String?
        let description: [[String]]?
        let topics: [String]
        let people: [String]
    }

    struct Content: Encodable {
        let entries: [Entry]
        let pagination: PaginationContext
        let kinds: [SelectOption]
        let options: TopicOptions
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.publicDirectory, use: index)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let filter = try req.query.decode(DirectoryFilter.self)
        let publicFilter = DirectoryFilter(typ: filter.typ, thema: filter.thema, seite: filter.seite)
        func base() -> QueryBuilder<Organisation> {
            OrganisationController.filtered(publicFilter, on: req.db).filter(\.$isPublic == true)
        }
        let window = PageWindow(page: filter.page, perPage: Self.perPage, total: try await base().count())
        let organisations = try await base().with(\.$topics).sort(\.$name).range(window.offset..<(window.offset + window.perPage)).all()
        let ids = try organisations.map { try $0.requireID() }
        let now = Date()
        let today = CalendarDate.today(now: now)
        let functions = ids.isEmpty ? [] : try await PersonFunction.query(on: req.db).filter(\.$organisation.$id ~~ ids)
            .filter("person_id", in: Consent.holders(of: .namePublished, now: now))
            .with(\.$person).all()
        let entries = try organisations.map { organisation in
            let shown = organisation.publicFieldSet
            let id = try organisation.requireID()
            let address = [organisation.street, [organisation.postalCode, organisation.city].filter { !$0.isEmpty }.joined(separator: " ")].filter { !$0.isEmpty }
            return Entry(
                name: organisation.name, kind: req.t("organisation.kind.\(organisation.kind.rawValue)"),
                address: shown.contains(.address) && !address.isEmpty ? address : nil,
                phone: shown.contains(.phone) && !organisation.phone.isEmpty ? organisation.phone : nil,
                email: shown.contains(.email) && !organisation.email.isEmpty ? organisation.email : nil,
                website: shown.contains(.website) && !organisation.website.isEmpty ? organisation.website : nil,
                description: shown.contains(.description) && !organisation.description.isEmpty ? PlainText.paragraphs(organisation.description) : nil,
                topics: organisation.topics.map(\.name).sorted(),
                people: functions.filter { $0.$organisation.id == id && $0.period.isCurrent(at: today) }.map { "\($0.person.displayName) (\($0.title))" }.sorted()
            )
        }
        var query: [String: String] = [:]
        query["typ"] = filter.typ.flatMap { $0.isEmpty ? nil : $0 }
        query["thema"] = filter.thema.flatMap { $0.isEmpty ? nil : $0 }
        let content = Content(
            entries: entries,
            pagination: PaginationContext(window, baseURL: SiteURL.publicDirectory.path, req: req, query: query),
            kinds: OrganisationController.kindOptions(req, selected: filter.typ),
            options: try await TopicOptions.load(on: req.db, selectedTopic: filter.topicID, selectedField: nil)
        )
        return try await req.renderPage("actors/public-directory", title: req.t("directory.title"), content)
    }
}
