import Fluent
import QuartierCore
import Vapor

/// Admins issue API keys to Open311 clients (a city's app, a district portal) and revoke them. A key is shown once,
/// when it is issued; only its hash is stored.
struct Open311KeyController: RouteCollection {
    struct Row: Encodable {
        let name: String
        let hint: String
        let created: String
        let revoked: String?
        let revokeURL: String
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let newKey: String?
        let errors: [String]
        let actionURL: String
        let endpoint: String
    }

    struct KeyForm: Content {
        var name: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(RequireRole(role: .admin))
        admin.get(.open311Keys, use: index)
        admin.post(.open311Keys, use: issue)
        admin.post(.open311KeyRevoke(id: ":id"), use: revoke)
    }

    private func page(_ req: Request, newKey: String?, errors: [String], status: HTTPStatus) async throws -> Response {
        let keys = try await Open311Key.query(on: req.db).sort(\.$createdAt, .descending).limit(200).all()
        let content = IndexContent(
            rows: try keys.map { key in
                Row(name: key.name, hint: key.hint, created: key.createdAt.map { BerlinTime.dateTime($0, req.language) } ?? "",
                    revoked: key.revokedAt.map { BerlinTime.dateTime($0, req.language) }, revokeURL: SiteURL.open311KeyRevoke(id: try key.requireID().uuidString).path)
            },
            newKey: newKey, errors: errors, actionURL: SiteURL.open311Keys.path, endpoint: SiteURL.open311(resource: "").absolute(req.settings)
        )
        let response = try await req.renderPage("concerns/api-keys", title: req.t("concerns.keys.title"), content, status: status, withForms: true)
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        try await page(req, newKey: nil, errors: [], status: .ok)
    }

    @Sendable
    func issue(req: Request) async throws -> Response {
        let name = (try req.content.decode(KeyForm.self).name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 120 else { return try await page(req, newKey: nil, errors: [req.t("concerns.keys.error_name")], status: .badRequest) }
        let secret = Registration.newToken()
        let key = Open311Key(name: name, key: secret)
        try await key.create(on: req.db)
        try await req.audit(.create, key, before: nil)
        return try await page(req, newKey: secret, errors: [], status: .ok)
    }

    @Sendable
    func revoke(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let key = try await Open311Key.find(id, on: req.db) else { throw Abort(.notFound) }
        if key.revokedAt == nil {
            let before = key.auditSnapshot
            key.revokedAt = Date()
            try await key.save(on: req.db)
            try await req.audit(.update, key, before: before)
        }
        req.flash("concerns.keys.revoked", key.name)
        return req.redirect(to: SiteURL.open311Keys.path)
    }
}
