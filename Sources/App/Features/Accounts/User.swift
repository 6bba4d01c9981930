import Fluent
import QuartierCore
import Vapor

/// A person with an account: the neighbourhood management (admin), colleagues (staff) and committee members (member).
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Enum(key: "role") var role: Role
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "is_active") var isActive: Bool
    @OptionalField(key: "last_login_at") var lastLoginAt: Date?
    /// The person in the directory this account belongs to: a committee member sees that person's committees and tasks.
    @OptionalField(key: "person_id") var personID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, email: String, name: String, role: Role, passwordHash: String, isActive: Bool = true) {
        self.id = id
        self.email = User.normalized(email: email)
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.isActive = isActive
    }

    static func normalized(email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    static let minimumPasswordLength = 10
}

extension User: ModelSessionAuthenticatable {}

extension User: Auditable {
    static let auditType = "user"
    static let auditRedacted: Set<String> = ["password"]

    var auditSnapshot: [String: String] {
        [
            "email": email,
            "name": name,
            "role": role.rawValue,
            "active": String(isActive),
            "password": passwordHash,
            "person": personID?.uuidString ?? "",
        ]
    }
}

struct CreateUser: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let role = try await database.enum("role")
            .case("admin").case("staff").case("member")
            .create()
        try await database.schema(User.schema)
            .id()
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("role", role, .required)
            .field("password_hash", .string, .required)
            .field("is_active", .bool, .required)
            .field("last_login_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).delete()
        try await database.enum("role").delete()
    }
}

extension Request {
    /// The logged-in, active user, if any.
    var currentUser: User? {
        guard let user = auth.get(User.self), user.isActive else { return nil }
        return user
    }
}
