import Fluent
import QuartierCore
import Vapor

/// Failed logins per account and per client address, kept in the database so that every instance sees them.
final class LoginAttempt: Model, @unchecked Sendable {
    static let schema = "login_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "failures") var failures: Int
    @OptionalField(key: "last_failure_at") var lastFailureAt: Date?

    init() {}

    init(key: String) {
        self.key = key
        self.failures = 0
    }

    static func accountKey(_ email: String) -> String { "account:" + User.normalized(email: email) }
    static func addressKey(_ address: String) -> String { "address:" + address }

    static func decision(for key: String, policy: LoginThrottle, on database: any Database, now: Date = Date()) async throws -> LoginThrottle.Decision {
        guard let attempt = try await LoginAttempt.query(on: database).filter(\.$key == key).first() else { return .allowed }
        return policy.decision(failures: attempt.failures, lastFailure: attempt.lastFailureAt, now: now)
    }

    static func recordFailure(for key: String, policy: LoginThrottle, on database: any Database, now: Date = Date()) async throws {
        let attempt = try await LoginAttempt.query(on: database).filter(\.$key == key).first() ?? LoginAttempt(key: key)
        attempt.failures = policy.activeFailures(attempt.failures, lastFailure: attempt.lastFailureAt, now: now) + 1
        attempt.lastFailureAt = now
        try await attempt.save(on: database)
    }

    static func reset(_ key: String, on database: any Database) async throws {
        try await LoginAttempt.query(on: database).filter(\.$key == key).delete()
    }
}

struct CreateLoginAttempt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LoginAttempt.schema)
            .id()
            .field("key", .string, .required)
            .field("failures", .int, .required)
            .field("last_failure_at", .datetime)
            .unique(on: "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LoginAttempt.schema).delete()
    }
}
