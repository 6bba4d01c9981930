import Fluent
import QuartierCore
import Vapor

/// Topics and the field of action (Handlungsfeld) each belongs to, so that actors and contacts count per field.
struct TopicController: RouteCollection {
    static let perPage = 40

    struct Row: Encodable {
        let name: String
        let action: String
        let fields: [SelectOption]
    }

    struct Content: Encodable {
        let rows: [Row]
        let fields: [String]
        let pagination: PaginationContext
        let fieldAction: String
        let errors: [String]
    }

    struct TopicForm: Codable {
        var field: String?
    }

    struct FieldForm: Codable {
        var name: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.topics, use: index)
        staff.post(.topic(id: ":id"), use: assign)
        staff.post(.fieldsOfAction, use: addField)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        try await page(req, errors: [], status: .ok)
    }

    private func page(_ req: Request, errors: [String], status: HTTPStatus) async throws -> Response {
        let fields = try await FieldOfAction.query(on: req.db).sort(\.$position).all()
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await Topic.query(on: req.db).count())
        let topics = try await Topic.query(on: req.db).sort(\.$name).range(window.offset..<(window.offset + window.perPage)).all()
        let rows = try topics.map { topic in
            Row(name: topic.name, action: SiteURL.topic(id: try topic.requireID().uuidString).path,
                fields: [SelectOption(value: "", label: req.t("topics.no_field"), selected: topic.$fieldOfAction.id == nil)]
                    + (try fields.map { .init(value: try $0.requireID().uuidString, label: $0.name, selected: $0.id == topic.$fieldOfAction.id) }))
        }
        let content = Content(rows: rows, fields: fields.map(\.name), pagination: PaginationContext(window, baseURL: SiteURL.topics.path, req: req),
                              fieldAction: SiteURL.fieldsOfAction.path, errors: errors)
        return try await req.renderPage("actors/topics", title: req.t("topics.title"), content, status: status, withForms: true)
    }

    @Sendable
    func assign(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let topic = try await Topic.find(id, on: req.db) else { throw Abort(.notFound) }
        let form = try req.content.decode(TopicForm.self)
        let fieldID = form.field.flatMap(UUID.init(uuidString:))
        if let fieldID, try await FieldOfAction.find(fieldID, on: req.db) == nil { throw Abort(.notFound) }
        let before = topic.auditSnapshot
        topic.$fieldOfAction.id = fieldID
        try await topic.save(on: req.db)
        try await req.audit(.update, topic, before: before)
        req.flash("topics.saved", topic.name)
        return req.redirect(to: SiteURL.topics.path)
    }

    @Sendable
    func addField(req: Request) async throws -> Response {
        let name = (try req.content.decode(FieldForm.self).name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String] = []
        if name.isEmpty || name.count > 100 { errors.append(req.t("fields.error.name")) }
        if try await FieldOfAction.query(on: req.db).filter(\.$name == name).count() > 0 { errors.append(req.t("fields.error.exists")) }
        guard errors.isEmpty else { return try await page(req, errors: errors, status: .badRequest) }
        let position = (try await FieldOfAction.query(on: req.db).max(\.$position) ?? -1) + 1
        let field = FieldOfAction(name: name, position: position)
        try await field.save(on: req.db)
        try await req.audit(.create, field, before: nil)
        req.flash("fields.saved", name)
        return req.redirect(to: SiteURL.topics.path)
    }
}

extension Topic: Auditable {
    static let auditType = "topic"

    var auditSnapshot: [String: String] {
        var snapshot = ["name": name]
        snapshot["field_of_action"] = $fieldOfAction.id?.uuidString
        return snapshot
    }
}

extension FieldOfAction: Auditable {
    static let auditType = "field_of_action"

    var auditSnapshot: [String: String] { ["name": name, "position": String(position)] }
}
