import Crypto
import Fluent
import QuartierCore
import SQLKit
import Vapor

/// A category residents choose for a concern (an Open311 service), mapped to a field of action of the ISEK.
final class ConcernCategory: Model, @unchecked Sendable {
    static let schema = "concern_categories"

    @ID(key: .id) var id: UUID?
    /// The Open311 `service_code`.
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @OptionalParent(key: "field_of_action_id") var fieldOfAction: FieldOfAction?
    @Field(key: "position") var position: Int
    @Field(key: "is_active") var isActive: Bool

    init() {}

    init(code: String, name: String, description: String, fieldOfActionID: UUID?, position: Int) {
        self.id = UUID()
        self.code = code
        self.name = name
        self.description = description
        self.$fieldOfAction.id = fieldOfActionID
        self.position = position
        self.isActive = true
    }
}

extension ConcernCategory: Auditable {
    static let auditType = "concern_category"

    var auditSnapshot: [String: String] {
        var snapshot = ["code": code, "name": name, "description": description, "position": String(position), "is_active": String(isActive)]
        snapshot["field_of_action"] = $fieldOfAction.id?.uuidString
        return snapshot
    }
}

/// A resident's need or wish (Anliegen). The title and description are kept as the author wrote them; moderation
/// writes the public text beside them. A concern is public once staff published it and, where the author gave an
/// e-mail address, she confirmed it.
final class Concern: Model, @unchecked Sendable {
    static let schema = "concerns"

    @ID(key: .id) var id: UUID?
    @Parent(key: "category_id") var category: ConcernCategory
    @Field(key: "status") var status: ConcernStatus
    @Field(key: "source") var source: ConcernSource
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    @Field(key: "public_title") var publicTitle: String
    @Field(key: "public_description") var publicDescription: String
    @Field(key: "address") var address: String
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @Field(key: "locale") var locale: String
    @Field(key: "submitter_name") var submitterName: String
    @Field(key: "submitter_email") var submitterEmail: String
    /// The author agreed to get an e-mail at each step.
    @Field(key: "wants_updates") var wantsUpdates: Bool
    /// The author's personal link: confirmation and her status page.
    @Field(key: "token") var token: String
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @OptionalField(key: "published_at") var publishedAt: Date?
    /// Published and, with an e-mail address, confirmed: what the public pages and Open311 filter on.
    @Field(key: "is_public") var isPublic: Bool
    @Field(key: "support_count") var supportCount: Int
    /// Raised by every status change inside its transaction (`Database.withRowLock`), so that two staff members
    /// changing the same concern at once queue up and the second sees the first one's step.
    @Field(key: "lock_version") var lockVersion: Int
    @Field(key: "status_note") var statusNote: String
    @Field(key: "status_changed_at") var statusChangedAt: Date
    @OptionalParent(key: "merged_into_id") var mergedInto: Concern?
    @OptionalParent(key: "responsible_organisation_id") var responsibleOrganisation: Organisation?
    @OptionalParent(key: "responsible_committee_id") var responsibleCommittee: Committee?
    @OptionalParent(key: "project_id") var project: Project?
    @OptionalParent(key: "agenda_item_id") var agendaItem: AgendaItem?
    @OptionalParent(key: "contact_id") var contact: Contact?
    @OptionalParent(key: "event_id") var event: Event?
    @OptionalField(key: "api_key_id") var apiKeyID: UUID?
    /// A keyed hash of the sender's address, for the rate limit; never the address itself.
    @Field(key: "client_hash") var clientHash: String
    @OptionalField(key: "photo_id") var photoID: UUID?
    @OptionalField(key: "photo_mime") var photoMime: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(categoryID: UUID, source: ConcernSource, title: String, description: String, address: String, latitude: Double?, longitude: Double?,
         locale: Language, submitterName: String, submitterEmail: String, wantsUpdates: Bool, clientHash: String) {
        self.id = UUID()
        self.$category.id = categoryID
        self.status = .new
        self.source = source
        self.title = title
        self.description = description
        self.publicTitle = title
        self.publicDescription = description
        self.address = address
        self.latitude = latitude
        self.longitude = longitude
        self.locale = locale.rawValue
        self.submitterName = submitterName
        self.submitterEmail = submitterEmail
        self.wantsUpdates = wantsUpdates
        self.token = Registration.newToken()
        self.isPublic = false
        self.supportCount = 0
        self.lockVersion = 0
        self.statusNote = ""
        self.statusChangedAt = Date()
        self.clientHash = clientHash
    }

    var readerLanguage: Language { Language(rawValue: locale) ?? .de }
    var needsConfirmation: Bool { !submitterEmail.isEmpty && confirmedAt == nil }
    var hasPlace: Bool { latitude != nil && longitude != nil }

    /// Recomputes `isPublic` after publishing, confirming or hiding.
    func refreshVisibility() {
        isPublic = publishedAt != nil && !needsConfirmation
    }

    /// The keyed hash of a client address for the rate limits.
    static func clientHash(_ req: Request) -> String {
        let address = req.remoteAddress?.ipAddress ?? "unknown"
        let key = SymmetricKey(data: Data(req.settings.secret.utf8))
        return HMAC<SHA256>.authenticationCode(for: Data(("concern|" + address).utf8), using: key).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}

extension Concern: Auditable {
    static let auditType = "concern"
    static let auditRedacted: Set<String> = ["submitter_email", "submitter_name"]

    var auditSnapshot: [String: String] {
        var snapshot = ["status": status.rawValue, "source": source.rawValue, "title": title, "public_title": publicTitle,
                        "public_description": publicDescription, "address": address, "is_public": String(isPublic),
                        "submitter_email": submitterEmail, "submitter_name": submitterName, "wants_updates": String(wantsUpdates),
                        "category": $category.id.uuidString]
        snapshot["merged_into"] = $mergedInto.id?.uuidString
        snapshot["responsible_organisation"] = $responsibleOrganisation.id?.uuidString
        snapshot["responsible_committee"] = $responsibleCommittee.id?.uuidString
        snapshot["project"] = $project.id?.uuidString
        snapshot["agenda_item"] = $agendaItem.id?.uuidString
        return snapshot
    }
}

/// One step of a concern's public timeline: a status change with its note, or publication, merge, agenda, project.
final class ConcernStep: Model, @unchecked Sendable {
    static let schema = "concern_steps"

    enum Kind: String, Codable, CaseIterable, Sendable {
        case submitted, confirmed, published, status, agenda, project, moderated
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "concern_id") var concern: Concern
    @Field(key: "kind") var kind: Kind
    @OptionalField(key: "status") var status: ConcernStatus?
    @Field(key: "note") var note: String
    /// Whether residents see the step on the public page (the confirmation of an address is staff business).
    @Field(key: "is_public") var isPublic: Bool
    @Field(key: "actor_email") var actorEmail: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(concernID: UUID, kind: Kind, status: ConcernStatus? = nil, note: String, isPublic: Bool = true, actor: String, at date: Date = Date()) {
        self.id = UUID()
        self.$concern.id = concernID
        self.kind = kind
        self.status = status
        self.note = note
        self.isPublic = isPublic
        self.actorEmail = actor
        self.createdAt = date
    }
}

/// A moderation of a concern's public text: the text before and after and the reason the author is told.
final class ConcernModeration: Model, @unchecked Sendable {
    static let schema = "concern_moderations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "concern_id") var concern: Concern
    @Field(key: "actor_email") var actorEmail: String
    @Field(key: "before_title") var beforeTitle: String
    @Field(key: "before_description") var beforeDescription: String
    @Field(key: "after_title") var afterTitle: String
    @Field(key: "after_description") var afterDescription: String
    @Field(key: "personal_data_hidden") var personalDataHidden: Bool
    @Field(key: "reason") var reason: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(concernID: UUID, actor: String, before: (String, String), after: (String, String), personalDataHidden: Bool, reason: String) {
        self.id = UUID()
        self.$concern.id = concernID
        self.actorEmail = actor
        self.beforeTitle = before.0
        self.beforeDescription = before.1
        self.afterTitle = after.0
        self.afterDescription = after.1
        self.personalDataHidden = personalDataHidden
        self.reason = reason
        self.createdAt = Date()
    }
}

/// A resident's support (+1): once per browser and, where given, once per e-mail address.
final class ConcernSupport: Model, @unchecked Sendable {
    static let schema = "concern_supports"

    @ID(key: .id) var id: UUID?
    @Parent(key: "concern_id") var concern: Concern
    @Field(key: "browser_key") var browserKey: String
    @Field(key: "email") var email: String
    @Field(key: "client_hash") var clientHash: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(concernID: UUID, browserKey: String, email: String, clientHash: String) {
        self.id = UUID()
        self.$concern.id = concernID
        self.browserKey = browserKey
        self.email = email
        self.clientHash = clientHash
        self.createdAt = Date()
    }
}

/// A key with which an Open311 client may submit concerns. Only a hash is stored; admins issue and revoke keys.
final class Open311Key: Model, @unchecked Sendable {
    static let schema = "open311_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "key_hash") var keyHash: String
    /// The key's last characters, so that admins can tell keys apart.
    @Field(key: "hint") var hint: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(name: String, key: String) {
        self.id = UUID()
        self.name = name
        self.keyHash = Self.hash(key)
        self.hint = String(key.suffix(4))
    }

    static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

extension Open311Key: Auditable {
    static let auditType = "open311_key"

    var auditSnapshot: [String: String] {
        var snapshot = ["name": name, "hint": hint]
        snapshot["revoked_at"] = revokedAt.map { ISO8601DateFormatter().string(from: $0) }
        return snapshot
    }
}

struct CreateConcerns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ConcernCategory.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("field_of_action_id", .uuid, .references(FieldOfAction.schema, "id", onDelete: .setNull))
            .field("position", .int, .required)
            .field("is_active", .bool, .required)
            .unique(on: "code")
            .create()
        try await database.schema(Open311Key.schema)
            .id()
            .field("name", .string, .required)
            .field("key_hash", .string, .required)
            .field("hint", .string, .required)
            .field("revoked_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "key_hash")
            .create()
        try await database.schema(Concern.schema)
            .id()
            .field("category_id", .uuid, .required, .references(ConcernCategory.schema, "id", onDelete: .restrict))
            .field("status", .string, .required)
            .field("source", .string, .required)
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("public_title", .string, .required)
            .field("public_description", .string, .required)
            .field("address", .string, .required)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("locale", .string, .required)
            .field("submitter_name", .string, .required)
            .field("submitter_email", .string, .required)
            .field("wants_updates", .bool, .required)
            .field("token", .string, .required)
            .field("confirmed_at", .datetime)
            .field("published_at", .datetime)
            .field("is_public", .bool, .required)
            .field("support_count", .int, .required)
            .field("lock_version", .int, .required)
            .field("status_note", .string, .required)
            .field("status_changed_at", .datetime, .required)
            .field("merged_into_id", .uuid, .references(Concern.schema, "id", onDelete: .setNull))
            .field("responsible_organisation_id", .uuid, .references(Organisation.schema, "id", onDelete: .setNull))
            .field("responsible_committee_id", .uuid, .references(Committee.schema, "id", onDelete: .setNull))
            .field("project_id", .uuid, .references(Project.schema, "id", onDelete: .setNull))
            .field("agenda_item_id", .uuid, .references(AgendaItem.schema, "id", onDelete: .setNull))
            .field("contact_id", .uuid, .references(Contact.schema, "id", onDelete: .setNull))
            .field("event_id", .uuid, .references(Event.schema, "id", onDelete: .setNull))
            .field("api_key_id", .uuid, .references(Open311Key.schema, "id", onDelete: .setNull))
            .field("client_hash", .string, .required)
            .field("photo_id", .uuid)
            .field("photo_mime", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "token")
            .create()
        try await database.schema(ConcernStep.schema)
            .id()
            .field("concern_id", .uuid, .required, .references(Concern.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("status", .string)
            .field("note", .string, .required)
            .field("is_public", .bool, .required)
            .field("actor_email", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(ConcernModeration.schema)
            .id()
            .field("concern_id", .uuid, .required, .references(Concern.schema, "id", onDelete: .cascade))
            .field("actor_email", .string, .required)
            .field("before_title", .string, .required)
            .field("before_description", .string, .required)
            .field("after_title", .string, .required)
            .field("after_description", .string, .required)
            .field("personal_data_hidden", .bool, .required)
            .field("reason", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(ConcernSupport.schema)
            .id()
            .field("concern_id", .uuid, .required, .references(Concern.schema, "id", onDelete: .cascade))
            .field("browser_key", .string, .required)
            .field("email", .string, .required)
            .field("client_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "concern_id", "browser_key")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        // The public list filters by status, category or both and sorts by newest or most supported; each of these
        // indexes answers one shape of that query from the index alone, so a page stays fast with a city's concerns.
        for statement in [
            "CREATE INDEX concerns_public_created ON concerns (is_public, created_at, id)",
            "CREATE INDEX concerns_public_status_created ON concerns (is_public, status, created_at, id)",
            "CREATE INDEX concerns_public_category_created ON concerns (is_public, category_id, created_at, id)",
            "CREATE INDEX concerns_public_status_category_created ON concerns (is_public, status, category_id, created_at, id)",
            "CREATE INDEX concerns_public_support ON concerns (is_public, support_count, created_at, id)",
            "CREATE INDEX concerns_status_created ON concerns (status, created_at)",
            "CREATE INDEX concerns_client_created ON concerns (client_hash, created_at)",
            "CREATE INDEX concerns_submitter_email ON concerns (submitter_email)",
            "CREATE INDEX concerns_merged_into ON concerns (merged_into_id)",
            "CREATE INDEX concern_steps_concern ON concern_steps (concern_id, created_at)",
            "CREATE INDEX concern_moderations_concern ON concern_moderations (concern_id, created_at)",
            "CREATE INDEX concern_supports_client ON concern_supports (client_hash, created_at)",
            "CREATE UNIQUE INDEX concern_supports_email ON concern_supports (concern_id, email) WHERE email <> ''",
        ] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [ConcernSupport.schema, ConcernModeration.schema, ConcernStep.schema, Concern.schema, Open311Key.schema, ConcernCategory.schema] {
            try await database.schema(schema).delete()
        }
    }
}
