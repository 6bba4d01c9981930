import Fluent
import SQLKit
import QuartierCore
import Vapor

/// One change to a record made by a person with an account: who, when, which record, what changed.
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    enum Action: String, Codable, Sendable {
        case create, update, delete
    }

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_email") var actorEmail: String
    @Enum(key: "action") var action: Action
    @Field(key: "entity_type") var entityType: String
    @Field(key: "entity_id") var entityID: String
    @Field(key: "changes") var changes: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(actorID: UUID?, actorEmail: String, action: Action, entityType: String, entityID: String, changes: [FieldChange]) throws {
        self.actorID = actorID
        self.actorEmail = actorEmail
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.changes = String(decoding: try JSONEncoder().encode(changes), as: UTF8.self)
    }

    var decodedChanges: [FieldChange] {
        (try? JSONDecoder().decode([FieldChange].self, from: Data(changes.utf8))) ?? []
    }
}

/// A record whose changes go to the audit log.
protocol Auditable: Model where IDValue == UUID {
    static var auditType: String { get }
    /// Fields shown only as changed, never with their values.
    static var auditRedacted: Set<String> { get }
    var auditSnapshot: [String: String] { get }
}

extension Auditable {
    static var auditRedacted: Set<String> { [] }
}

extension Request {
    /// Writes what changed in `model` since `before` (nil for a new record) to the audit log.
    /// Nothing is written when nothing changed.
    func audit<M: Auditable>(_ action: AuditEntry.Action, _ model: M, before: [String: String]?, on database: (any Database)? = nil) async throws {
        let after = action == .delete ? [:] : model.auditSnapshot
        let changes = AuditDiff.changes(before: before ?? [:], after: after, redacted: M.auditRedacted)
        guard !changes.isEmpty || action == .delete else { return }
        let actor = currentUser
        let entry = try AuditEntry(
            actorID: actor?.id,
            actorEmail: actor?.email ?? "system",
            action: action,
            entityType: M.auditType,
            entityID: model.id?.uuidString ?? "",
            changes: changes
        )
        try await entry.save(on: database ?? db)
    }
}

struct CreateAuditEntry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let action = try await database.enum("audit_action").case("create").case("update").case("delete").create()
        try await database.schema(AuditEntry.schema)
            .id()
            .field("actor_id", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("actor_email", .string, .required)
            .field("action", action, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string, .required)
            .field("changes", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: "audit_entries_created_at").on(AuditEntry.schema).column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema).delete()
        try await database.enum("audit_action").delete()
    }
}
