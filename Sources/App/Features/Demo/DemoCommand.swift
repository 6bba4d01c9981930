import Fluent
import Vapor

/// `quartier demo`: migrates, loads the fictional demo district once, and serves it.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "scale", help: "district (default) or city, for benchmarks")
        var scale: String?

        @Flag(name: "no-serve", help: "Load the data, then stop instead of serving.")
        var noServe: Bool
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    var help: String { "Loads the fictional demo district and serves Quartier." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let scale = DemoData.Scale(rawValue: signature.scale ?? "district") else {
            throw Failure(description: "--scale must be district or city.")
        }
        let application = context.application
        try await application.autoMigrate()
        if try await DemoData.isLoaded(on: application.db) {
            context.console.info("The demo district is already in the database; it is kept as it is.")
        } else {
            context.console.info("Loading the fictional demo district (\(scale.rawValue))…")
            try await DemoData.load(scale: scale, on: application.db, hasher: application.password.async)
        }
        guard !signature.noServe else { return }
        var serveContext = context
        serveContext.input = CommandInput(arguments: ["quartier"])
        try await ServeWithJobsCommand.serve(&serveContext)
        context.console.print("""

        Demo: \(application.settings.publicURL.absoluteString)
        Login: \(DemoData.adminEmail) / \(DemoData.password)   (also \(DemoData.staffEmail), \(DemoData.memberEmail))
        Stop with Ctrl+C.
        """)
    }
}
