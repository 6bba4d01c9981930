import Fluent
import QuartierCore
import Vapor

/// Hands a sent issue to every consented subscriber of its language, one outbox mail each. Each recipient gets her
/// delivery row and her mail in one transaction, and the (issue, subscriber) pair is unique: a send that is stopped
/// between two recipients (a crash, a restart, a deploy) is resumed by the job's retry and skips whoever it reached.
struct NewsletterSend: JobHandler {
    static let jobKind = "newsletter.send"

    func run(_ job: Job, isLastAttempt: Bool, application: Application) async throws {
        guard let id = UUID(uuidString: job.payload) else { throw Sendmail.Failure(description: "bad newsletter issue id \(job.payload)") }
        try await NewsletterSender.send(issueID: id, on: application.db, settings: application.settings, catalog: application.catalog)
    }
}

enum NewsletterSender {
    static let batchSize = 200

    /// Enqueues the issue's mails for everybody not reached yet and marks the issue sent; returns how many mails it
    /// enqueued in this run. `afterRecipient` lets a test stop the run between two recipients.
    @discardableResult
    static func send(issueID: UUID, on database: any Database, settings: Settings, catalog: Catalog,
                     afterRecipient: (@Sendable () throws -> Void)? = nil) async throws -> Int {
        guard let issue = try await NewsletterIssue.find(issueID, on: database), issue.state == .sending else { return 0 }
        let items = try await NewsletterItem.query(on: database).filter(\.$issue.$id == issueID).sort(\.$position).all()
        let entries = try await NewsletterComposer.resolve(items, language: issue.readerLanguage, content: issue.contentLanguage, on: database, settings: settings)
        var enqueued = 0
        var after: UUID?
        while true {
            var query = NewsletterSubscriber.query(on: database).filter(\.$state == .confirmed).filter(\.$language == issue.language)
            if let after { query = query.filter(\.$id > after) }
            let subscribers = try await query.sort(\.$id).limit(batchSize).all()
            guard let last = subscribers.last?.id else { break }
            after = last
            let ids = subscribers.compactMap(\.id)
            let reached = Set(try await NewsletterDelivery.query(on: database).filter(\.$issue.$id == issueID)
                .filter(\.$subscriber.$id ~~ ids).all().compactMap { $0.$subscriber.id })
            var chosen: [UUID: Set<UUID>] = [:]
            for link in try await NewsletterSubscriberField.query(on: database).filter(\.$subscriber.$id ~~ ids).all() {
                chosen[link.$subscriber.id, default: []].insert(link.$fieldOfAction.id)
            }
            for subscriber in subscribers {
                guard let id = subscriber.id, !reached.contains(id), let email = subscriber.email else { continue }
                let own = NewsletterRules.selection(entries, fields: \.fields, chosen: chosen[id] ?? [])
                guard !own.isEmpty else { continue }
                let unsubscribe = SiteURL.newsletterUnsubscribe(token: subscriber.unsubscribeToken).absolute(settings)
                try await database.transaction { transaction in
                    let mail = try await OutboxMail.enqueue(
                        to: email, subject: issue.title,
                        body: NewsletterComposer.mailBody(issue, entries: own, unsubscribeURL: unsubscribe, catalog: catalog),
                        headers: NewsletterRules.unsubscribeHeaders(url: unsubscribe), purpose: NewsletterPrivacy.issuePurpose, on: transaction)
                    try await NewsletterDelivery(issueID: issueID, subscriberID: id, mailID: try mail.requireID()).create(on: transaction)
                }
                enqueued += 1
                try afterRecipient?()
            }
        }
        issue.recipients = try await NewsletterDelivery.query(on: database).filter(\.$issue.$id == issueID).count()
        issue.state = .sent
        issue.sentAt = Date()
        try await issue.save(on: database)
        return enqueued
    }
}

/// Unconfirmed sign-ups are kept only for a week; the job runner's housekeeping calls this.
enum NewsletterRetention {
    @discardableResult
    static func purge(now: Date = Date(), on database: any Database) async throws -> Int {
        let stale = {
            NewsletterSubscriber.query(on: database).filter(\.$state == .pending)
                .filter(\.$requestedAt < now.addingTimeInterval(-NewsletterRules.pendingRetention))
        }
        let count = try await stale().count()
        if count > 0 { try await stale().delete() }
        return count
    }
}

/// The newsletter's part of the privacy report and the erasure of a person in the directory, found by her address.
enum NewsletterPrivacy {
    /// The outbox purposes of the newsletter's own mails: the issues, and the sign-up mails.
    static let issuePurpose = "newsletter"
    static let signUpPurpose = "newsletter-confirmation"
    static let mailPurposes = [issuePurpose, signUpPurpose]

    struct Entry: Content {
        let state: String
        let language: String
        let fieldsOfAction: [String]
        let requestedOn: String
        let confirmedOn: String?
    }

    static func report(email: String, on database: any Database) async throws -> [Entry] {
        let address = email.lowercased()
        guard !address.isEmpty else { return [] }
        let subscribers = try await NewsletterSubscriber.query(on: database).filter(\.$email == address).all()
        let links = try await NewsletterSubscriberField.query(on: database).filter(\.$subscriber.$id ~~ subscribers.compactMap(\.id))
            .with(\.$fieldOfAction).all()
        let iso = ISO8601DateFormatter()
        return subscribers.map { subscriber in
            Entry(state: subscriber.state.rawValue, language: subscriber.language,
                  fieldsOfAction: links.filter { $0.$subscriber.id == subscriber.id }.map(\.fieldOfAction.name).sorted(),
                  requestedOn: iso.string(from: subscriber.requestedAt), confirmedOn: subscriber.confirmedAt.map { iso.string(from: $0) })
        }
    }

    /// The subscription goes; issues already delivered keep counting it without the address.
    static func erase(email: String, on database: any Database) async throws {
        let address = email.lowercased()
        guard !address.isEmpty else { return }
        try await NewsletterSubscriber.query(on: database).filter(\.$email == address).delete()
    }
}
