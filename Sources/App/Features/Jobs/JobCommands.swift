@preconcurrency import Dispatch
import Vapor

/// `quartier serve`: the web server with the job runner inside (unless QUARTIER_JOBS_IN_SERVE=false).
struct ServeWithJobsCommand: AsyncCommand {
    typealias Signature = ServeCommand.Signature

    var help: String { "Serves Quartier over HTTP and runs background jobs." }

    /// Passes `--hostname`, `--port` and `--bind` on to Vapor's own serve command.
    func run(using context: inout CommandContext) async throws {
        try await Self.serve(&context)
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        var context = context
        try await Self.serve(&context)
    }

    /// Starts Vapor's server (on the configured host and port unless the input names others), then the job runner.
    static func serve(_ context: inout CommandContext) async throws {
        let application = context.application
        try await application.servers.asyncCommand.run(using: &context)
        if application.settings.runJobsInServe {
            await application.jobRunner.start()
        }
        context.console.info("Quartier läuft auf / is running at \(application.settings.publicURL.absoluteString)")
    }
}

/// `quartier jobs`: only the job runner, for a separate worker process. Stops on SIGTERM or SIGINT.
struct JobsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "once", help: "Run the jobs that are due now, then stop.")
        var once: Bool
    }

    var help: String { "Runs background jobs (mail delivery) until stopped." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let application = context.application
        let runner = await application.jobRunner
        if signature.once {
            let count = try await runner.runUntilIdle()
            context.console.info("\(count) job(s) run.")
            return
        }
        let promise = application.eventLoopGroup.next().makePromise(of: Void.self)
        application.running = .start(using: promise)
        let sources = [SIGTERM, SIGINT].map { code -> any DispatchSourceSignal in
            signal(code, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: code, queue: .global())
            source.setEventHandler { promise.succeed(()) }
            source.resume()
            return source
        }
        runner.start()
        promise.futureResult.whenComplete { _ in sources.forEach { $0.cancel() } }
    }
}
