import Fluent
import QuartierCore
import Vapor

/// Admins read the audit log, newest first, optionally for one kind of record.
struct AuditController: RouteCollection {
    static let perPage = 30

    struct Row: Encodable {
        let time: String
        let machineTime: String
        let actor: String
        let action: String
        let entity: String
        let entityID: String
        let changes: [FieldChange]
    }

    struct IndexContent: Encodable {
        let entries: [Row]
        let pagination: PaginationContext
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RequireRole(role: .admin)).get(.adminAudit, use: index)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let type = try? req.query.get(String.self, at: "art")
        func base() -> QueryBuilder<AuditEntry> {
            let query = AuditEntry.query(on: req.db)
            return type.map { query.filter(\.$entityType == $0) } ?? query
        }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await base().count())
        let entries = try await base().sort(\.$createdAt, .descending).range(window.offset..<(window.offset + window.perPage)).all()
        let rows = entries.map { entry in
            Row(time: entry.createdAt.map { BerlinTime.dateTime($0, req.language) } ?? "",
                machineTime: entry.createdAt.map(BerlinTime.machineReadable) ?? "",
                actor: entry.actorEmail, action: req.t("audit.action.\(entry.action.rawValue)"),
                entity: req.t("audit.type.\(entry.entityType)"), entityID: entry.entityID, changes: entry.decodedChanges)
        }
        let content = IndexContent(entries: rows, pagination: PaginationContext(window, baseURL: SiteURL.adminAudit.path, req: req,
                                                                                query: type.map { ["art": $0] } ?? [:]))
        return try await req.renderPage("backoffice/audit", title: req.t("audit.title"), content)
    }
}
