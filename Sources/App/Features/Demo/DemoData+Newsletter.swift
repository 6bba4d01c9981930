import Fluent
import QuartierCore
import Vapor

/// The demo district's newsletter (loaded after the news it draws on): confirmed subscribers in German and English
/// with different topics, one sign-up still waiting for confirmation, one issue sent a week ago with its delivery log,
/// and one draft. All addresses are fictional (example.org, example.net, example.com).
extension DemoData {
    static let sentIssueTitle = "Stadtteilpost: Neues aus Stadtwald (Beispiel)"
    static let draftIssueTitle = "Stadtteilpost: nächste Ausgabe (Entwurf, Beispiel)"

    static func loadNewsletter(scale: Scale, on db: any Database) async throws {
        let fields = try await FieldOfAction.query(on: db).all()
        func field(_ name: String) -> UUID? { fields.first { $0.name == name }?.id }
        let weekAgo = Date().addingTimeInterval(-7 * 86_400)
        let people: [(String, String, [String])] = [
            ("amira.beispiel@example.org", "de", ["Soziales", "Bildung"]),
            ("jonas.muster@example.net", "de", []),
            ("kemal.beispiel@example.com", "de", ["Umwelt/Klimaschutz", "Wohnen"]),
            ("olena.example@example.org", "en", ["Wohnen"]),
            ("sam.sample@example.net", "en", []),
        ]
        var confirmed: [NewsletterSubscriber] = []
        for (email, language, topics) in people {
            let subscriber = NewsletterSubscriber(email: email, language: language, requestedAt: weekAgo.addingTimeInterval(-30 * 86_400))
            subscriber.state = .confirmed
            subscriber.confirmedAt = subscriber.requestedAt.addingTimeInterval(3600)
            try await subscriber.create(on: db)
            for topic in topics.compactMap(field) {
                try await NewsletterSubscriberField(subscriberID: try subscriber.requireID(), fieldID: topic).create(on: db)
            }
            confirmed.append(subscriber)
        }
        // At city scale the list is long enough to show that sending and the delivery log stay flat.
        let readers = (0..<scale.extraSubscribers).map { index in
            let subscriber = NewsletterSubscriber(email: "leserin\(index + 1)@example.org", language: index % 5 == 0 ? "en" : "de", requestedAt: weekAgo)
            subscriber.state = .confirmed
            subscriber.confirmedAt = weekAgo
            return subscriber
        }
        for chunk in readers.chunked(into: 500) { try await chunk.create(on: db) }
        try await NewsletterSubscriber(email: "noch.unbestaetigt@example.com", language: "de").create(on: db)

        let events = try await Event.query(on: db).filter(\.$state == .published).filter(\.$startsAt > Date()).sort(\.$startsAt).all()
        let news = try await NewsItem.published(on: db).limit(2).all()
        let diary = try await DiaryEntry.query(on: db).join(Project.self, on: \DiaryEntry.$project.$id == \Project.$id)
            .filter(Project.self, \.$isPublic == true).sort(\.$day, .descending).limit(2).all()

        let sent = NewsletterIssue(title: sentIssueTitle, intro: "Liebe Nachbarinnen und Nachbarn, hier ist, was im Stadtteil los ist. (Fiktive Demo-Daten.)",
                                   language: "de")
        sent.state = .sent
        sent.sendingAt = weekAgo
        sent.sentAt = weekAgo
        try await sent.create(on: db)
        let sentID = try sent.requireID()
        var position = 0
        for item in news.prefix(1) {
            position += 1
            try await NewsletterItem(issueID: sentID, kind: .news, refID: try item.requireID(), position: position).create(on: db)
        }
        for event in events.prefix(2) {
            position += 1
            try await NewsletterItem(issueID: sentID, kind: .event, refID: try event.requireID(), position: position).create(on: db)
        }
        for entry in diary.prefix(1) {
            position += 1
            try await NewsletterItem(issueID: sentID, kind: .diary, refID: try entry.requireID(), position: position).create(on: db)
        }
        let body = ([sent.title, "", sent.intro, ""] + news.prefix(1).map { "* \($0.title)" } + events.prefix(2).map { "* \($0.title)" } + diary.prefix(1).map { "* \($0.text)" })
            .joined(separator: "\n")
        let recipients = confirmed.filter { $0.language == "de" } + readers.filter { $0.language == "de" }
        var deliveries: [NewsletterDelivery] = []
        var mails: [OutboxMail] = []
        for (index, subscriber) in recipients.enumerated() {
            let mail = try OutboxMail(recipient: subscriber.email ?? "", subject: sent.title, body: body, purpose: NewsletterPrivacy.issuePurpose)
            mail.id = UUID()
            // One address of the demo bounced twice before it went through, so the log shows a retry.
            mail.state = .sent
            mail.attempts = index == 1 ? 3 : 1
            mail.sentAt = weekAgo.addingTimeInterval(Double(index))
            mails.append(mail)
            deliveries.append(NewsletterDelivery(issueID: sentID, subscriberID: try subscriber.requireID(), mailID: try mail.requireID()))
        }
        for chunk in mails.chunked(into: 500) { try await chunk.create(on: db) }
        for chunk in deliveries.chunked(into: 500) { try await chunk.create(on: db) }
        sent.recipients = deliveries.count
        try await sent.save(on: db)

        let draft = NewsletterIssue(title: draftIssueTitle, intro: "Was in den nächsten Wochen ansteht.", language: "de")
        try await draft.create(on: db)
        let draftID = try draft.requireID()
        for item in news.dropFirst().prefix(1) {
            try await NewsletterItem(issueID: draftID, kind: .news, refID: try item.requireID(), position: 1).create(on: db)
        }
        for (index, event) in events.dropFirst(2).prefix(2).enumerated() {
            try await NewsletterItem(issueID: draftID, kind: .event, refID: try event.requireID(), position: index + 2).create(on: db)
        }
    }
}

extension DemoData.Scale {
    var extraSubscribers: Int { self == .city ? 3000 : 0 }
}
