import Logging
import QuartierCore
import Vapor

/// Starts Quartier: reads the settings (stopping with a message that names a missing one), configures and runs
/// the command given on the command line.
public enum QuartierMain {
    public static func run() async throws {
        let settings: Settings
        do {
            settings = try Settings.from(ProcessInfo.processInfo.environment)
        } catch let error as SettingsError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            exit(78)
        }
        let environment = Environment(
            name: settings.mode == .production ? "production" : "development",
            arguments: ProcessInfo.processInfo.arguments
        )
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let json = ProcessInfo.processInfo.environment["LOG_FORMAT"].map { $0 == "json" } ?? (settings.mode == .production)
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }

        let app = try await Application.make(environment)
        do {
            try await configure(app, settings: settings)
            try await app.execute()
        } catch {
            // Vapor has logged the error already; a command-line user gets its message, not a crash report.
            try? await app.asyncShutdown()
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            exit(1)
        }
        try await app.asyncShutdown()
    }
}
