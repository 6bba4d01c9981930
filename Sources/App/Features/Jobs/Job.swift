import Fluent
import SQLKit
import Vapor

/// A unit of background work in the database, so that it survives restarts and several instances share it.
/// A runner leases a job before running it; an expired lease (a crashed runner) lets another runner take it over.
final class Job: Model, @unchecked Sendable {
    static let schema = "jobs"

    enum State: String, Codable, Sendable {
        case queued, done, failed
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "payload") var payload: String
    @Enum(key: "state") var state: State
    @Field(key: "attempts") var attempts: Int
    @Field(key: "run_at") var runAt: Date
    @OptionalField(key: "lease_token") var leaseToken: String?
    @OptionalField(key: "lease_until") var leaseUntil: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(kind: String, payload: String, runAt: Date = Date()) {
        self.kind = kind
        self.payload = payload
        self.state = .queued
        self.attempts = 0
        self.runAt = runAt
    }
}

struct CreateJob: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let state = try await database.enum("job_state").case("queued").case("done").case("failed").create()
        try await database.schema(Job.schema)
            .id()
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            .field("state", state, .required)
            .field("attempts", .int, .required)
            .field("run_at", .datetime, .required)
            .field("lease_token", .string)
            .field("lease_until", .datetime)
            .field("last_error", .string)
            .field("finished_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: "jobs_state_run_at").on(Job.schema).column("state").column("run_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Job.schema).delete()
        try await database.enum("job_state").delete()
    }
}

extension Job {
    /// Takes the next due job for this runner, or nil. The conditional UPDATE is atomic in both SQLite and
    /// PostgreSQL, so of two runners racing for the same job exactly one finds its own token afterwards.
    static func lease(on database: any Database, leaseFor duration: TimeInterval, now: Date = Date()) async throws -> Job? {
        for _ in 0..<3 {
            let candidates = try await Job.query(on: database)
                .filter(\.$state == .queued)
                .filter(\.$runAt <= now)
                .group(.or) { $0.filter(\.$leaseUntil == nil).filter(\.$leaseUntil < now) }
                .sort(\.$runAt)
                .limit(5)
                .all()
            guard !candidates.isEmpty else { return nil }
            for candidate in candidates {
                guard let id = candidate.id else { continue }
                let token = UUID().uuidString
                try await Job.query(on: database)
                    .set(\.$leaseToken, to: token)
                    .set(\.$leaseUntil, to: now.addingTimeInterval(duration))
                    .filter(\.$id == id)
                    .filter(\.$state == .queued)
                    .group(.or) { $0.filter(\.$leaseUntil == nil).filter(\.$leaseUntil < now) }
                    .update()
                if let leased = try await Job.query(on: database).filter(\.$id == id).filter(\.$leaseToken == token).first() {
                    return leased
                }
            }
        }
        return nil
    }
}
