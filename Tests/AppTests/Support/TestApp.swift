import Fluent
import Foundation
import QuartierCore
import SQLKit
import Testing
import VaporTesting
@testable import App

/// Runs a test against a fresh Quartier: an in-memory SQLite database by default, or — when
/// QUARTIER_TEST_DATABASE_URL names a local PostgreSQL — a schema of its own in that database, dropped afterwards.
/// Tests run in parallel either way.
func withQuartier(
    environment extra: [String: String] = [:],
    _ test: (Application) async throws -> Void
) async throws {
    var environment = [
        "QUARTIER_ENV": "testing",
        "DATABASE_URL": "sqlite::memory:",
        "QUARTIER_SENDMAIL": MailSink.sendmailCommand,
        "QUARTIER_PUBLIC_URL": "http://quartier.test",
    ]
    var schema: String?
    if let url = ProcessInfo.processInfo.environment["QUARTIER_TEST_DATABASE_URL"] {
        try TestDatabaseGuard.requireLocal(url)
        environment["DATABASE_URL"] = url
        schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    }
    environment.merge(extra) { $1 }
    var settings = try Settings.from(environment)
    settings.postgresSchema = schema

    let app = try await Application.make(.testing)
    app.logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    do {
        try await configure(app, settings: settings)
        if let schema, let sql = app.db as? any SQLDatabase {
            try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        }
        try await app.autoMigrate()
        try await test(app)
    } catch {
        await cleanUp(app, schema: schema)
        throw error
    }
    await cleanUp(app, schema: schema)
}

private func cleanUp(_ app: Application, schema: String?) async {
    if let schema, let sql = app.db as? any SQLDatabase {
        try? await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
    }
    try? await app.asyncShutdown()
}

/// Refuses to run the suite against anything but a database on this machine.
enum TestDatabaseGuard {
    struct NotLocal: Error, CustomStringConvertible {
        let description: String
    }

    static func requireLocal(_ url: String) throws {
        let host = URL(string: url)?.host ?? ""
        guard ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) else {
            throw NotLocal(description: "QUARTIER_TEST_DATABASE_URL must point to a local database, not \(host)")
        }
    }
}

extension Application {
    /// Creates an account directly in the database.
    @discardableResult
    func makeUser(_ email: String, role: Role, password plain: String = "correct horse battery", active: Bool = true) async throws -> User {
        let user = User(email: email, name: email.components(separatedBy: "@")[0].capitalized, role: role,
                        passwordHash: try await password.async.hash(plain), isActive: active)
        try await user.save(on: db)
        return user
    }
}
