import Fluent
import Vapor

/// `quartier migrate`: brings the database schema up to date, without asking.
struct QuartierMigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Creates or updates the database schema." }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.autoMigrate()
        context.console.info("Database schema is up to date.")
    }
}
