import Fluent
import Foundation
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Mail outbox and background jobs")
struct MailJobTests {
    static func uniqueAddress() -> String {
        "empfang-\(UUID().uuidString.prefix(8).lowercased())@quartier.test"
    }

    @Test("An admin sends a test mail from the UI; the runner delivers it through sendmail and it arrives")
    func testMailArrives() async throws {
        try await withQuartier { app in
            // setup
            let address = Self.uniqueAddress()
            try await app.makeUser(address, role: .admin)
            var admin = Browser(app)
            try await admin.login(address)

            // act
            let queued = try await admin.post("/verwaltung/admin/testmail", [:], tokenFrom: "/verwaltung/admin/postausgang")
            let ran = try await app.jobRunner.runUntilIdle()

            // check
            #expect(queued.status == .seeOther)
            #expect(ran == 1)
            let mail = try #require(try await OutboxMail.query(on: app.db).first())
            #expect(mail.state == .sent)
            #expect(mail.attempts == 1)
            var arrived: [String] = []
            for _ in 0..<50 where arrived.isEmpty {
                arrived = MailSink.messages(containing: address)
                if arrived.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            let message = try #require(arrived.first, "the message reached the mail sink in \(MailSink.directory.path)")
            #expect(message.contains("Subject: Quartier: Testmail"))
            #expect(message.contains("Content-Transfer-Encoding: quoted-printable"))
            let page = try await admin.get("/verwaltung/admin/postausgang")
            #expect(page.body.string.contains("zugestellt"))
        }
    }

    @Test("A failing sendmail is retried with backoff, then the mail is marked failed with the reason")
    func failingDelivery() async throws {
        try await withQuartier(environment: ["QUARTIER_SENDMAIL": "/bin/false"]) { app in
            let mail = try await OutboxMail.enqueue(to: Self.uniqueAddress(), subject: "Hallo", body: "Text", purpose: "test", on: app.db)
            let runner = JobRunner(application: app, handlers: [OutboxMail.jobKind: MailDelivery()],
                                   policy: RetryPolicy(maxAttempts: 2, baseDelay: 60))

            #expect(try await runner.runNext())
            let job = try #require(try await Job.query(on: app.db).first())
            #expect(job.state == .queued)
            #expect(job.attempts == 1)
            #expect(job.runAt > Date().addingTimeInterval(50))
            #expect(try await runner.runNext() == false, "not due again before the backoff has passed")

            #expect(try await runner.runNext(now: Date().addingTimeInterval(120)))
            let failed = try #require(try await Job.find(job.requireID(), on: app.db))
            #expect(failed.state == .failed)
            #expect(failed.lastError?.contains("/bin/false exited with 1") == true)
            let outbox = try #require(try await OutboxMail.find(mail.requireID(), on: app.db))
            #expect(outbox.state == .failed)
            #expect(outbox.attempts == 2)

            var admin = Browser(app)
            try await app.makeUser("chefin@quartier.test", role: .admin)
            try await admin.login("chefin@quartier.test")
            let dashboard = try await admin.get("/verwaltung")
            #expect(dashboard.body.string.contains("E-Mails, die nicht zugestellt werden konnten"))
        }
    }

    @Test("A leased job is not leased again until its lease expires")
    func leaseIsExclusive() async throws {
        try await withQuartier { app in
            try await Job(kind: "noop", payload: "").create(on: app.db)

            let first = try await Job.lease(on: app.db, leaseFor: 60)
            let second = try await Job.lease(on: app.db, leaseFor: 60)
            let afterExpiry = try await Job.lease(on: app.db, leaseFor: 60, now: Date().addingTimeInterval(61))

            #expect(first != nil)
            #expect(second == nil)
            #expect(afterExpiry?.id == first?.id)
            #expect(afterExpiry?.leaseToken != first?.leaseToken)
        }
    }

    @Test("Two runners working at the same time deliver every mail exactly once")
    func concurrentRunners() async throws {
        try await withQuartier { app in
            let addresses = (0..<12).map { _ in Self.uniqueAddress() }
            for address in addresses {
                try await OutboxMail.enqueue(to: address, subject: "Einladung", body: "Text", purpose: "test", on: app.db)
            }
            let handlers: [String: any JobHandler] = [OutboxMail.jobKind: MailDelivery()]
            let one = JobRunner(application: app, handlers: handlers)
            let two = JobRunner(application: app, handlers: handlers)

            async let a = one.runUntilIdle()
            async let b = two.runUntilIdle()
            let total = try await a + b

            #expect(total == 12)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$state == .sent).count() == 12)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$attempts != 1).count() == 0)
            for address in addresses {
                #expect(MailSink.messages(containing: "To: \(address)").count == 1, "\(address)")
            }
        }
    }
}
