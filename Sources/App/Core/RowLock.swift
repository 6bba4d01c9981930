import Fluent
import Foundation
import SQLKit

extension Database {
    /// Runs `work` in a transaction that first takes the write lock of one row — an event whose places are limited,
    /// a fund whose money is — so that concurrent changes against the same limit queue up instead of both reading
    /// the same state. The row's `counter` column is raised to take the lock.
    ///
    /// PostgreSQL locks the row with that first UPDATE. SQLite must take its write lock when the transaction begins
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first can deadlock with another writer and fail.
    /// Fluent begins SQLite transactions deferred, so the empty deferred transaction is ended at once and an
    /// immediate one begun on the same connection; Fluent's own COMMIT or ROLLBACK then ends that one, and nested
    /// transactions (the mail outbox) still join it.
    func withRowLock<T: Sendable>(table: String, id: UUID, counter: String,
                                  _ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await transaction { transaction in
            let raw = transaction as! any SQLDatabase
            if raw.dialect.name == "sqlite" {
                try await raw.raw("COMMIT TRANSACTION").run()
                try await raw.raw("BEGIN IMMEDIATE TRANSACTION").run()
            }
            try await raw.update(table).set(SQLIdentifier(counter), to: SQLRaw("\(counter) + 1")).where("id", .equal, SQLBind(id)).run()
            return try await work(transaction)
        }
    }
}
