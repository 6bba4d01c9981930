import Fluent
import NIOConcurrencyHelpers
import QuartierCore
import Vapor

/// Does one kind of background work. A handler that throws has the job retried with backoff.
protocol JobHandler: Sendable {
    func run(_ job: Job, isLastAttempt: Bool, application: Application) async throws
}

/// Runs due jobs from the job table: inside `serve`, or alone as `quartier jobs`.
final class JobRunner: Sendable {
    let application: Application
    let policy: RetryPolicy
    let leaseDuration: TimeInterval
    private let handlers: [String: any JobHandler]
    private let loop = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(application: Application, handlers: [String: any JobHandler], policy: RetryPolicy = RetryPolicy(), leaseDuration: TimeInterval = 300) {
        self.application = application
        self.handlers = handlers
        self.policy = policy
        self.leaseDuration = leaseDuration
    }

    /// Leases and runs the next due job; false when none is due.
    @discardableResult
    func runNext(now: Date = Date()) async throws -> Bool {
        let database = application.db
        guard let job = try await Job.lease(on: database, leaseFor: leaseDuration, now: now) else { return false }
        var logger = Logger(label: "quartier.jobs")
        logger[metadataKey: "job-id"] = "\(job.id?.uuidString ?? "")"
        logger[metadataKey: "job-kind"] = "\(job.kind)"
        job.attempts += 1
        do {
            guard let handler = handlers[job.kind] else {
                throw Sendmail.Failure(description: "no handler for job kind \(job.kind)")
            }
            try await handler.run(job, isLastAttempt: policy.delay(afterAttempts: job.attempts) == nil, application: application)
            job.state = .done
            job.finishedAt = Date()
            job.lastError = nil
            logger.info("job done")
        } catch {
            job.lastError = String(String(describing: error).prefix(1000))
            if let delay = policy.delay(afterAttempts: job.attempts) {
                job.runAt = Date().addingTimeInterval(delay)
                logger.warning("job failed, retry in \(Int(delay)) s: \(error)")
            } else {
                job.state = .failed
                job.finishedAt = Date()
                logger.error("job failed for good after \(job.attempts) attempts: \(error)")
            }
        }
        job.leaseToken = nil
        job.leaseUntil = nil
        try await job.save(on: database)
        return true
    }

    /// Runs jobs until none is due; returns how many ran.
    @discardableResult
    func runUntilIdle(now: Date = Date()) async throws -> Int {
        var count = 0
        while try await runNext(now: now) { count += 1 }
        return count
    }

    func start() {
        let interval = application.settings.jobPollInterval
        loop.withLockedValue { task in
            guard task == nil else { return }
            task = Task { [self] in
                application.logger.info("job runner started")
                var lastHousekeeping = Date.distantPast
                while !Task.isCancelled {
                    do {
                        if try await runNext() { continue }
                        // When idle, at most hourly: personal data past its retention period goes.
                        if Date().timeIntervalSince(lastHousekeeping) > 3600 {
                            lastHousekeeping = Date()
                            let purged = try await RegistrationRetention.purge(on: application.db)
                            if purged > 0 { application.logger.info("emptied \(purged) registrations of past events") }
                            let unconfirmed = try await NewsletterRetention.purge(on: application.db)
                            if unconfirmed > 0 { application.logger.info("deleted \(unconfirmed) unconfirmed newsletter sign-ups") }
                        }
                    } catch {
                        application.logger.error("job runner: \(error)")
                    }
                    try? await Task.sleep(for: .seconds(interval))
                }
            }
        }
    }

    /// Lets the running job finish, then stops.
    func stop() async {
        let task = loop.withLockedValue { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
    }
}

extension Application {
    private struct JobRunnerKey: StorageKey {
        typealias Value = JobRunner
    }

    private struct JobHandlersKey: StorageKey {
        typealias Value = [String: any JobHandler]
    }

    /// Features register their job handlers here during configuration.
    func registerJobHandler(_ handler: any JobHandler, for kind: String) {
        var handlers = storage[JobHandlersKey.self] ?? [:]
        handlers[kind] = handler
        storage[JobHandlersKey.self] = handlers
    }

    var jobRunner: JobRunner {
        get async {
            if let runner = storage[JobRunnerKey.self] { return runner }
            let runner = JobRunner(application: self, handlers: storage[JobHandlersKey.self] ?? [:])
            await storage.setWithAsyncShutdown(JobRunnerKey.self, to: runner) { await $0.stop() }
            return runner
        }
    }
}
