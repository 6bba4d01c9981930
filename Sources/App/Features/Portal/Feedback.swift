import Fluent
import Vapor

/// A message sent through the feedback form of the accessibility statement: a barrier somebody met.
final class Feedback: Model, @unchecked Sendable {
    static let schema = "feedback_messages"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "name") var name: String?
    @OptionalField(key: "email") var email: String?
    @Field(key: "message") var message: String
    @Field(key: "language") var language: String
    @OptionalField(key: "handled_at") var handledAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(name: String?, email: String?, message: String, language: String) {
        self.name = name
        self.email = email
        self.message = message
        self.language = language
    }
}

extension Feedback: Auditable {
    static let auditType = "feedback"

    var auditSnapshot: [String: String] {
        var snapshot = ["message": message, "language": language]
        snapshot["name"] = name
        snapshot["email"] = email
        snapshot["handled_at"] = handledAt.map { ISO8601DateFormatter().string(from: $0) }
        return snapshot
    }
}

struct CreateFeedback: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Feedback.schema)
            .id()
            .field("name", .string)
            .field("email", .string)
            .field("message", .string, .required)
            .field("language", .string, .required)
            .field("handled_at", .datetime)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Feedback.schema).delete()
    }
}
