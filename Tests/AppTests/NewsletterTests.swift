import Fluent
import Foundation
import NIOHTTP1
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Newsletter: double opt-in, unsubscription, sending exactly once")
struct NewsletterTests {
    static func address(_ name: String) -> String {
        "\(name)-\(UUID().uuidString.prefix(8).lowercased())@quartier.test"
    }

    /// A published event next week, optionally in a field of action (through a topic of that field).
    static func event(_ app: Application, title: String, field: FieldOfAction? = nil) async throws -> Event {
        let event = Event(title: title, format: .districtFestival, startsAt: Date().addingTimeInterval(7 * 86_400),
                          endsAt: Date().addingTimeInterval(7 * 86_400 + 7200), place: "Bürgerhaus")
        event.state = .published
        try await event.create(on: app.db)
        if let field {
            let topic = Topic(name: "Thema \(UUID().uuidString.prefix(6))", fieldOfActionID: try field.requireID())
            try await topic.create(on: app.db)
            try await EventTopic(eventID: try event.requireID(), topicID: try topic.requireID()).create(on: app.db)
        }
        return event
    }

    static func subscriber(_ app: Application, _ email: String, state: SubscriptionState, language: String = "de",
                           fields: [FieldOfAction] = [], requestedAt: Date = Date()) async throws -> NewsletterSubscriber {
        let subscriber = NewsletterSubscriber(email: email, language: language, requestedAt: requestedAt)
        subscriber.state = state
        if state == .unsubscribed { subscriber.email = nil }
        try await subscriber.create(on: app.db)
        for field in fields {
            try await NewsletterSubscriberField(subscriberID: try subscriber.requireID(), fieldID: try field.requireID()).create(on: app.db)
        }
        return subscriber
    }

    /// An issue with the given events, already marked for sending, with its send job queued as the staff button does.
    static func sendingIssue(_ app: Application, title: String, events: [Event], language: String = "de") async throws -> NewsletterIssue {
        let issue = NewsletterIssue(title: title, intro: "Liebe Nachbarschaft", language: language)
        issue.state = .sending
        try await issue.create(on: app.db)
        for (index, event) in events.enumerated() {
            try await NewsletterItem(issueID: try issue.requireID(), kind: .event, refID: try event.requireID(), position: index + 1).create(on: app.db)
        }
        try await Job(kind: NewsletterSend.jobKind, payload: try issue.requireID().uuidString).create(on: app.db)
        return issue
    }

    static func waitForMail(containing marker: String, count: Int = 1) async throws -> [String] {
        var found: [String] = []
        for _ in 0..<50 {
            found = MailSink.messages(containing: marker)
            if found.count >= count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return found
    }

    /// Runs the send job, then the mail jobs it queued.
    static func drain(_ app: Application) async throws {
        try await app.jobRunner.runUntilIdle(now: Date().addingTimeInterval(1))
        try await app.jobRunner.runUntilIdle(now: Date().addingTimeInterval(2))
    }

    static func signUpForm(_ email: String, language: String = "de", fields: [String] = []) -> [String: String] {
        var form = ["email": email, "language": language, "consent": "on"]
        if let field = fields.first { form["fields[]"] = field }
        return form
    }

    @Test("Double opt-in: nothing but the confirmation mail before the link is confirmed; the link confirms once")
    func doubleOptIn() async throws {
        try await withQuartier { app in
            // setup
            let email = Self.address("anwohnerin")
            var resident = Browser(app)
            let marker = "Ausgabe-\(UUID().uuidString.prefix(8))"

            // act: sign up, then an issue goes out before she confirmed
            let signedUp = try await resident.post("/newsletter", Self.signUpForm(email))
            let event = try await Self.event(app, title: "Stadtteilfest")
            _ = try await Self.sendingIssue(app, title: marker, events: [event])
            try await Self.drain(app)

            // check: one confirmation mail, no issue
            #expect(signedUp.status == .ok)
            #expect(signedUp.body.string.contains("Wir haben Ihnen eine E-Mail geschickt"))
            let subscriber = try #require(try await NewsletterSubscriber.query(on: app.db).filter(\.$email == email).first())
            #expect(subscriber.state == .pending)
            let confirmation = try await Self.waitForMail(containing: "To: \(email)")
            #expect(confirmation.count == 1)
            #expect(confirmation.first?.contains("/newsletter/bestaetigen/") == true)
            #expect(MailSink.messages(containing: marker).isEmpty, "no newsletter before confirmation")

            // act: she follows the link and presses the button
            let link = "/newsletter/bestaetigen/\(subscriber.confirmToken)"
            let page = try await resident.get(link)
            let confirmed = try await resident.post(link, [:])
            let reused = try await resident.post(link, [:], tokenFrom: "/newsletter")
            let reusedPage = try await resident.get(link)

            // check
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Ja, Newsletter bestellen"))
            #expect(confirmed.status == .ok)
            #expect(confirmed.body.string.contains("Ihre Anmeldung ist bestätigt"))
            #expect(reused.status == .gone)
            #expect(reused.body.string.contains("schon benutzt"))
            #expect(reusedPage.status == .gone)
            let after = try #require(try await NewsletterSubscriber.find(subscriber.requireID(), on: app.db))
            #expect(after.state == .confirmed)
            #expect(after.confirmedAt != nil)
        }
    }

    @Test("An expired confirmation link is refused and confirms nothing; unconfirmed sign-ups are deleted after a week")
    func expiry() async throws {
        try await withQuartier { app in
            let late = try await Self.subscriber(app, Self.address("spaet"), state: .pending, requestedAt: Date().addingTimeInterval(-49 * 3600))
            let old = try await Self.subscriber(app, Self.address("alt"), state: .pending, requestedAt: Date().addingTimeInterval(-8 * 86_400))
            let kept = try await Self.subscriber(app, Self.address("treu"), state: .confirmed, requestedAt: Date().addingTimeInterval(-30 * 86_400))
            var resident = Browser(app)

            let response = try await resident.post("/newsletter/bestaetigen/\(late.confirmToken)", [:], tokenFrom: "/newsletter")
            let unknown = try await resident.get("/newsletter/bestaetigen/gibt-es-nicht")
            let purged = try await NewsletterRetention.purge(on: app.db)

            #expect(response.status == .gone)
            #expect(response.body.string.contains("abgelaufen"))
            #expect(try await NewsletterSubscriber.find(late.requireID(), on: app.db)?.state == .pending)
            #expect(unknown.status == .notFound)
            #expect(purged == 1)
            #expect(try await NewsletterSubscriber.find(old.requireID(), on: app.db) == nil)
            #expect(try await NewsletterSubscriber.find(kept.requireID(), on: app.db) != nil)
        }
    }

    @Test("Signing up again within ten minutes sends no second mail; later a new link replaces the old one")
    func repeatedSignUp() async throws {
        try await withQuartier { app in
            // setup
            let email = Self.address("doppelt")
            var resident = Browser(app)
            _ = try await resident.post("/newsletter", Self.signUpForm(email))
            let first = try #require(try await NewsletterSubscriber.query(on: app.db).filter(\.$email == email).first())

            // act: at once again, then after the interval
            _ = try await resident.post("/newsletter", Self.signUpForm(email))
            let mailsAtOnce = try await OutboxMail.query(on: app.db).filter(\.$recipient == email).count()
            first.requestedAt = Date().addingTimeInterval(-NewsletterRules.resendInterval - 1)
            try await first.save(on: app.db)
            _ = try await resident.post("/newsletter", Self.signUpForm(email, language: "tr"))
            let renewed = try #require(try await NewsletterSubscriber.find(first.requireID(), on: app.db))
            let oldLink = try await resident.get("/newsletter/bestaetigen/\(first.confirmToken)")

            // check
            #expect(mailsAtOnce == 1)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$recipient == email).count() == 2)
            #expect(try await NewsletterSubscriber.query(on: app.db).count() == 1)
            #expect(renewed.language == "tr")
            #expect(renewed.confirmToken != first.confirmToken)
            #expect(oldLink.status == .notFound)
        }
    }

    @Test("Bad sign-up input gets clear messages and stores nothing")
    func badInput() async throws {
        try await withQuartier { app in
            var resident = Browser(app)
            let response = try await resident.post("/newsletter", ["email": "keine-adresse", "language": "xx", "fields[]": UUID().uuidString])
            #expect(response.status == .badRequest)
            let html = response.body.string
            #expect(html.contains("Bitte wählen Sie eine Sprache"))
            #expect(html.contains("Bitte wählen Sie nur Themen aus der Liste"))
            #expect(html.contains("Bitte bestätigen Sie, dass Sie den Newsletter"))
            #expect(try await NewsletterSubscriber.query(on: app.db).count() == 0)
            #expect(try await OutboxMail.query(on: app.db).count() == 0)
        }
    }

    @Test("Unsubscribe through the link's page and with the RFC 8058 one-click POST; the address is deleted")
    func unsubscribe() async throws {
        try await withQuartier { app in
            // setup
            let viaPage = try await Self.subscriber(app, Self.address("seite"), state: .confirmed)
            let viaMailProgram = try await Self.subscriber(app, Self.address("knopf"), state: .confirmed)
            // An issue she already received and one still waiting in the outbox; a mail of another purpose stays.
            let herAddress = try #require(viaPage.email)
            try await OutboxMail.enqueue(to: herAddress, subject: "Ausgabe 1", body: "Abmelden: /newsletter/abmelden/x",
                                         purpose: NewsletterPrivacy.issuePurpose, on: app.db)
            try await OutboxMail.query(on: app.db).set(\.$state, to: .sent).update()
            try await OutboxMail.enqueue(to: herAddress, subject: "Ausgabe 2", body: "Abmelden: /newsletter/abmelden/x",
                                         purpose: NewsletterPrivacy.issuePurpose, on: app.db)
            try await OutboxMail.enqueue(to: herAddress, subject: "Ihre Anmeldung", body: "Bis bald", purpose: "event-registration", on: app.db)
            var resident = Browser(app)

            // act
            let page = try await resident.get("/newsletter/abmelden/\(viaPage.unsubscribeToken)")
            let done = try await resident.post("/newsletter/abmelden/\(viaPage.unsubscribeToken)", [:])
            // A mail program: no cookie, no CSRF token, only the RFC 8058 body.
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            var mailProgram = Browser(app)
            let oneClick = try await mailProgram.send(.POST, "/newsletter/abmelden/\(viaMailProgram.unsubscribeToken)", headers: headers,
                                                      body: "List-Unsubscribe=One-Click")
            let again = try await mailProgram.send(.POST, "/newsletter/abmelden/\(viaMailProgram.unsubscribeToken)", headers: headers,
                                                   body: "List-Unsubscribe=One-Click")
            // Other forms still need their token.
            var forger = Browser(app)
            let forged = try await forger.send(.POST, "/newsletter", headers: headers, body: "email=x%40quartier.test&language=de&consent=on")

            // check
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Newsletter abbestellen"))
            #expect(done.status == .ok)
            #expect(done.body.string.contains("Sie sind abgemeldet"))
            #expect(oneClick.status == .ok)
            #expect(again.status == .ok)
            #expect(forged.status == .forbidden)
            for subscriber in [viaPage, viaMailProgram] {
                let stored = try #require(try await NewsletterSubscriber.find(subscriber.requireID(), on: app.db))
                #expect(stored.state == .unsubscribed)
                #expect(stored.email == nil)
                #expect(stored.unsubscribedAt != nil)
            }
            // The newsletter's mails keep that they went out, without her address or text; the waiting one never goes.
            let newsletterMails = try await OutboxMail.query(on: app.db).filter(\.$purpose == NewsletterPrivacy.issuePurpose).sort(\.$subject).all()
            #expect(newsletterMails.map(\.recipient) == [OutboxPrivacy.erasedRecipient, OutboxPrivacy.erasedRecipient])
            #expect(newsletterMails.allSatisfy { $0.body.isEmpty })
            #expect(newsletterMails.map(\.state) == [.sent, .failed])
            let jobs = Set(try await Job.query(on: app.db).filter(\.$kind == OutboxMail.jobKind).all().map(\.payload))
            #expect(!jobs.contains(try newsletterMails[1].requireID().uuidString))
            let other = try #require(try await OutboxMail.query(on: app.db).filter(\.$purpose == "event-registration").first())
            let otherID = try other.requireID().uuidString
            #expect(other.recipient == herAddress && other.state == .queued && jobs.contains(otherID))
        }
    }

    @Test("Only confirmed subscribers of the issue's language whose topics match receive it, with the one-click headers")
    func onlyConsented() async throws {
        try await withQuartier { app in
            // setup
            let social = FieldOfAction(name: "Soziales", position: 1), housing = FieldOfAction(name: "Wohnen", position: 2)
            try await social.create(on: app.db)
            try await housing.create(on: app.db)
            let match = Self.address("passend"), all = Self.address("alles"), other = Self.address("wohnen"), pending = Self.address("offen"),
                english = Self.address("english")
            _ = try await Self.subscriber(app, match, state: .confirmed, fields: [social])
            _ = try await Self.subscriber(app, all, state: .confirmed)
            _ = try await Self.subscriber(app, other, state: .confirmed, fields: [housing])
            _ = try await Self.subscriber(app, pending, state: .pending)
            _ = try await Self.subscriber(app, english, state: .confirmed, language: "en")
            _ = try await Self.subscriber(app, Self.address("weg"), state: .unsubscribed)
            let marker = "Nachbarschaft-\(UUID().uuidString.prefix(8))"
            let issue = try await Self.sendingIssue(app, title: marker, events: [try await Self.event(app, title: "Seniorencafé", field: social)])
            let entries = try await NewsletterComposer.resolve(try await NewsletterAdminController.items(of: issue, on: app.db),
                                                               language: .de, on: app.db, settings: app.settings)

            // act
            let estimate = try await NewsletterAdminController.recipientCount(issue, entries: entries, on: app.db)
            try await Self.drain(app)

            // check
            #expect(estimate == 2)
            let sent = try await Self.waitForMail(containing: marker, count: 2)
            #expect(sent.count == 2)
            for address in [match, all] { #expect(MailSink.messages(containing: "To: \(address)").filter { $0.contains(marker) }.count == 1) }
            for address in [other, pending, english] { #expect(MailSink.messages(containing: "To: \(address)").filter { $0.contains(marker) }.isEmpty) }
            let message = try #require(sent.first)
            #expect(message.contains("List-Unsubscribe: <http://quartier.test/newsletter/abmelden/"))
            #expect(message.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
            let stored = try #require(try await NewsletterIssue.find(issue.requireID(), on: app.db))
            #expect(stored.state == .sent)
            #expect(stored.recipients == 2)
        }
    }

    @Test("An issue in another language carries the items' translations where they exist, German otherwise, and its own headings")
    func translatedIssue() async throws {
        try await withQuartier { app in
            // setup
            let reader = Self.address("reader")
            _ = try await Self.subscriber(app, reader, state: .confirmed, language: "en")
            let festival = try await Self.event(app, title: "Stadtteilfest")
            try await ContentTranslation(contentType: .event, contentID: try festival.requireID(), language: .en, title: "Neighbourhood festival",
                                         summary: "", body: "Music and food from many countries.").create(on: app.db)
            let assembly = try await Self.event(app, title: "Mieterversammlung")
            let marker = "Neighbourhood-news-\(UUID().uuidString.prefix(8))"
            _ = try await Self.sendingIssue(app, title: marker, events: [festival, assembly], language: "en")

            // act
            try await Self.drain(app)

            // check
            let mail = try #require(try await Self.waitForMail(containing: marker).first)
            #expect(mail.contains("Neighbourhood festival"))
            #expect(mail.contains("Music and food from many countries."))
            #expect(mail.contains("Mieterversammlung"))
            #expect(!mail.contains("* Stadtteilfest"))
            #expect(mail.contains("## Dates"))
            #expect(mail.contains("Unsubscribe with one click"))
        }
    }

    /// Stops a send after its first recipient, as a crash or a restart would.
    struct InterruptedSend: JobHandler {
        struct Killed: Error {}

        func run(_ job: Job, isLastAttempt: Bool, application: Application) async throws {
            try await NewsletterSender.send(issueID: UUID(uuidString: job.payload)!, on: application.db, settings: application.settings,
                                            catalog: application.catalog, afterRecipient: { throw Killed() })
        }
    }

    @Test("A send interrupted between two recipients resumes on retry and every recipient gets the issue exactly once")
    func interruptedSend() async throws {
        try await withQuartier { app in
            // setup
            let addresses = (0..<4).map { Self.address("empfang\($0)") }
            for address in addresses { _ = try await Self.subscriber(app, address, state: .confirmed) }
            let marker = "Wiederaufnahme-\(UUID().uuidString.prefix(8))"
            let issue = try await Self.sendingIssue(app, title: marker, events: [try await Self.event(app, title: "Mieterversammlung")])
            let mail: [String: any JobHandler] = [OutboxMail.jobKind: MailDelivery()]

            // act: the first run dies after one recipient, and the mails queued so far go out
            let killed = JobRunner(application: app, handlers: mail.merging([NewsletterSend.jobKind: InterruptedSend()]) { $1 },
                                   policy: RetryPolicy(maxAttempts: 3, baseDelay: 60))
            try await killed.runUntilIdle()
            let afterKill = try await NewsletterDelivery.query(on: app.db).filter(\.$issue.$id == issue.requireID()).count()
            let stateAfterKill = try await NewsletterIssue.find(issue.requireID(), on: app.db)?.state
            // the retry after the backoff resumes with the real handler
            let resumed = JobRunner(application: app, handlers: mail.merging([NewsletterSend.jobKind: NewsletterSend()]) { $1 },
                                    policy: RetryPolicy(maxAttempts: 3, baseDelay: 60))
            try await resumed.runUntilIdle(now: Date().addingTimeInterval(3600))
            try await resumed.runUntilIdle(now: Date().addingTimeInterval(3600))

            // check
            #expect(afterKill == 1)
            #expect(stateAfterKill == .sending)
            let stored = try #require(try await NewsletterIssue.find(issue.requireID(), on: app.db))
            #expect(stored.state == .sent)
            #expect(stored.recipients == 4)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$purpose == "newsletter").count() == 4)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$purpose == "newsletter").filter(\.$state == .sent).count() == 4)
            _ = try await Self.waitForMail(containing: marker, count: 4)
            for address in addresses {
                #expect(MailSink.messages(containing: "To: \(address)").filter { $0.contains(marker) }.count == 1, "\(address)")
            }
        }
    }

    /// Lets `count` recipients through, then fails, as a process killed at that moment would stop.
    final class KillSwitch: @unchecked Sendable {
        private let lock = NSLock()
        private var left: Int

        init(after count: Int) { left = count }

        func tick() throws {
            try lock.withLock {
                left -= 1
                if left <= 0 { throw InterruptedSend.Killed() }
            }
        }
    }

    @Test("A runner killed in the middle of a send leaves its lease behind; another runner takes over after it expires, without duplicates")
    func killedRunner() async throws {
        try await withQuartier { app in
            // setup
            let addresses = (0..<5).map { Self.address("nachbar\($0)") }
            for address in addresses { _ = try await Self.subscriber(app, address, state: .confirmed) }
            let marker = "Uebernahme-\(UUID().uuidString.prefix(8))"
            let issue = try await Self.sendingIssue(app, title: marker, events: [try await Self.event(app, title: "Hoffest")])

            // act: runner A leases the send job and dies after two recipients, without recording anything on the job
            let leased = try #require(try await Job.lease(on: app.db, leaseFor: 300))
            let kill = KillSwitch(after: 2)
            await #expect(throws: InterruptedSend.Killed.self) {
                try await NewsletterSender.send(issueID: UUID(uuidString: leased.payload)!, on: app.db, settings: app.settings,
                                                catalog: app.catalog, afterRecipient: { try kill.tick() })
            }
            let beforeExpiry = try await app.jobRunner.runUntilIdle(now: Date().addingTimeInterval(10))
            // runner B comes along once the lease has expired
            try await app.jobRunner.runUntilIdle(now: Date().addingTimeInterval(301))
            try await app.jobRunner.runUntilIdle(now: Date().addingTimeInterval(302))

            // check: the two mails queued before the kill went out while the send job stayed leased; nobody got two
            #expect(beforeExpiry == 2)
            let stored = try #require(try await NewsletterIssue.find(issue.requireID(), on: app.db))
            #expect(stored.state == .sent)
            #expect(stored.recipients == 5)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$purpose == "newsletter").count() == 5)
            _ = try await Self.waitForMail(containing: marker, count: 5)
            for address in addresses {
                #expect(MailSink.messages(containing: "To: \(address)").filter { $0.contains(marker) }.count == 1, "\(address)")
            }
        }
    }

    @Test("Staff compose an issue from published news and upcoming events, preview it, send it once, and read the delivery log and the print view")
    func staffCompose() async throws {
        try await withQuartier { app in
            // setup
            try await app.makeUser("team@quartier.test", role: .staff)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            let event = try await Self.event(app, title: "Frühjahrsputz im Park")
            let news = NewsItem(title: "Neue Bänke am Marktplatz", teaser: "Zwölf Bänke stehen jetzt am Marktplatz.", body: "Text",
                                publishAt: Date().addingTimeInterval(-3600))
            try await news.create(on: app.db)
            try await NewsItem(title: "Geplante Meldung für morgen", teaser: "Noch nicht öffentlich.", body: "Text",
                               publishAt: Date().addingTimeInterval(86_400)).create(on: app.db)
            let reader = Self.address("leserin")
            _ = try await Self.subscriber(app, reader, state: .confirmed)
            let marker = "Stadtteilpost-\(UUID().uuidString.prefix(8))"

            // act
            let created = try await staff.post("/verwaltung/newsletter", ["title": marker, "language": "de"])
            let issueURL = try #require(created.headers.first(name: .location))
            let compose = try await staff.get(issueURL)
            var form = HTTPHeaders()
            form.contentType = .urlEncodedForm
            let fields = ["_csrf=\(try await staff.token(from: issueURL))", "title=\(marker)", "intro=Hallo%20Stadtwald!",
                          "items%5B%5D=news%3A\(try news.requireID().uuidString)", "items%5B%5D=event%3A\(try event.requireID().uuidString)"]
            let saved = try await staff.send(.POST, issueURL, headers: form, body: fields.joined(separator: "&"))
            let preview = try await staff.get(issueURL + "/vorschau")
            let printed = try await staff.get(issueURL + "/stadtteilzeitung")
            let sent = try await staff.post(issueURL + "/senden", [:], tokenFrom: issueURL)
            let twice = try await staff.post(issueURL + "/senden", [:], tokenFrom: issueURL)
            try await Self.drain(app)
            let log = try await staff.get(issueURL + "/versand")
            var anonymous = Browser(app)
            let closed = try await anonymous.get(issueURL)

            // check
            #expect(created.status == .seeOther)
            #expect(compose.body.string.contains("Frühjahrsputz im Park"))
            #expect(compose.body.string.contains("Neue Bänke am Marktplatz"))
            #expect(!compose.body.string.contains("Geplante Meldung für morgen"), "a scheduled news item is no candidate before its time")
            #expect(saved.status == .seeOther)
            #expect(preview.body.string.contains("Hallo Stadtwald!"))
            #expect(preview.body.string.contains("## Aktuelles"))
            #expect(preview.body.string.contains("http://quartier.test/aktuelles/"))
            #expect(try await NewsletterItem.query(on: app.db).count() == 2)
            #expect(preview.body.string.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
            #expect(printed.status == .ok)
            #expect(printed.body.string.contains("district-paper"))
            #expect(printed.body.string.contains("http://quartier.test/veranstaltungen/"))
            #expect(sent.status == .seeOther)
            #expect(twice.status == .conflict)
            #expect(log.body.string.contains(reader))
            #expect(log.body.string.contains("zugestellt"))
            #expect(closed.status != .ok)
            let arrived = try await Self.waitForMail(containing: marker)
            #expect(arrived.count == 1)
            #expect(arrived.first?.contains("Fr=C3=BChjahrsputz im Park") == true || arrived.first?.contains("Frühjahrsputz im Park") == true)
        }
    }
}
