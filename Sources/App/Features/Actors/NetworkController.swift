import Fluent
import QuartierCore
import SQLKit
import Vapor

/// "Who connects whom": organisations and the people who act in them or met them, as an SVG drawn on the server
/// and, with the same information, as a list ordered by how many connections each actor has.
struct NetworkController: RouteCollection {
    /// The most connected organisations are drawn; a graph of thousands of nodes helps nobody.
    static let maximumOrganisations = 40
    static let maximumLinks = 240

    struct Entry: Encodable {
        let label: String
        let kind: String
        let href: String?
        let neighbours: [String]
    }

    struct Content: Encodable {
        let imageURL: String
        let entries: [Entry]
        let summary: String
        let options: TopicOptions
    }

    struct Filter: Codable {
        var thema: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.network, use: page)
        staff.get(.networkImage, use: image)
    }

    /// Current functions and the contacts of the last twelve months, limited to the most connected organisations.
    static func graph(_ req: Request, topic: UUID?) async throws -> (nodes: [NetworkNode], edges: [NetworkEdge]) {
        guard let sql = req.db as? any SQLDatabase else { return ([], []) }
        var ranking = sql.select().column("organisation_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "links")
            .from(PersonFunction.schema).where("valid_until", .is, SQLLiteral.null)
        if let topic {
            ranking = ranking.where(SQLColumn("organisation_id"), .in, SQLSubquery.select {
                $0.column("organisation_id").from(OrganisationTopic.schema).where("topic_id", .equal, topic)
            })
        }
        let rows = try await ranking.groupBy("organisation_id").orderBy(SQLColumn("links"), SQLDirection.descending).limit(maximumOrganisations).all()
        let organisationIDs = try rows.map { try $0.decode(column: "organisation_id", as: UUID.self) }
        guard !organisationIDs.isEmpty else { return ([], []) }
        let organisations = try await Organisation.query(on: req.db).filter(\.$id ~~ organisationIDs).all()
        let functions = try await PersonFunction.query(on: req.db).filter(\.$organisation.$id ~~ organisationIDs)
            .filter(\.$until == nil).with(\.$person).limit(maximumLinks).all()
        let since = CalendarDate.monthsBefore(12, CalendarDate.today())
        let recent = try await Contact.query(on: req.db).filter(\.$happenedOn >= since)
            .filter("id", in: SQLSubquery.select { $0.column("contact_id").from(ContactOrganisation.schema).where("organisation_id", .in, organisationIDs) })
            .with(\.$persons).with(\.$organisations).sort(\.$happenedOn, .descending).limit(maximumLinks).all()

        var nodes: [String: NetworkNode] = [:]
        var edges: [NetworkEdge] = []
        var seen = Set<String>()
        for organisation in organisations {
            let id = try organisation.requireID().uuidString
            nodes["o" + id] = NetworkNode(id: "o" + id, label: organisation.name, kind: .organisation, href: SiteURL.organisation(id: id).path)
        }
        func link(_ person: Person, _ organisationID: UUID, _ label: String) throws {
            let personKey = "p" + (try person.requireID().uuidString), organisationKey = "o" + organisationID.uuidString
            guard nodes[organisationKey] != nil, seen.insert(personKey + organisationKey).inserted else { return }
            nodes[personKey] = NetworkNode(id: personKey, label: person.displayName, kind: .person, href: SiteURL.person(id: try person.requireID().uuidString).path)
            edges.append(NetworkEdge(from: personKey, to: organisationKey, label: label))
        }
        for function in functions { try link(function.person, function.$organisation.id, function.title) }
        for contact in recent {
            for person in contact.persons {
                for organisation in contact.organisations { try link(person, try organisation.requireID(), req.t("network.met")) }
            }
        }
        return (Array(nodes.values), edges)
    }

    @Sendable
    func page(req: Request) async throws -> Response {
        let filter = try req.query.decode(Filter.self)
        let topic = filter.thema.flatMap(UUID.init(uuidString:))
        let (nodes, edges) = try await Self.graph(req, topic: topic)
        let brokers = NetworkSVG.brokers(nodes: nodes, edges: edges)
        let content = Content(
            imageURL: SiteURL.networkImage.path + (topic.map { "?thema=" + $0.uuidString } ?? ""),
            entries: brokers.filter { !$0.neighbours.isEmpty }.map { broker in
                Entry(label: broker.node.label, kind: req.t("network.kind.\(broker.node.kind.rawValue)"), href: broker.node.href,
                      neighbours: broker.neighbours.map(\.label))
            },
            summary: req.t("network.summary", String(nodes.filter { $0.kind == .organisation }.count), String(nodes.filter { $0.kind == .person }.count), String(edges.count)),
            options: try await TopicOptions.load(on: req.db, selectedTopic: topic, selectedField: nil)
        )
        return try await req.renderPage("actors/network", title: req.t("network.title"), content)
    }

    @Sendable
    func image(req: Request) async throws -> Response {
        let topic = try req.query.decode(Filter.self).thema.flatMap(UUID.init(uuidString:))
        let (nodes, edges) = try await Self.graph(req, topic: topic)
        let layout = NetworkLayout.compute(nodes: nodes, edges: edges)
        let legend = Dictionary(uniqueKeysWithValues: NetworkNode.Kind.allCases.map { ($0, req.t("network.kind.\($0.rawValue)")) })
        let svg = NetworkSVG.render(nodes: nodes, edges: edges, layout: layout, title: req.t("network.title"),
                                    summary: req.t("network.summary", String(nodes.filter { $0.kind == .organisation }.count),
                                                   String(nodes.filter { $0.kind == .person }.count), String(edges.count)),
                                    legend: legend)
        let response = Response(status: .ok, body: .init(string: svg))
        response.headers.replaceOrAdd(name: .contentType, value: "image/svg+xml; charset=utf-8")
        return response
    }
}
