import Fluent
import QuartierCore
import SQLKit
import Vapor

/// A resident's newsletter subscription, without an account. The address is stored only from sign-up until
/// unsubscription; the confirmation token confirms once, the unsubscribe token works for good.
final class NewsletterSubscriber: Model, @unchecked Sendable {
    static let schema = "newsletter_subscribers"

    @ID(key: .id) var id: UUID?
    /// Nil once unsubscribed: what stays is an anonymous count of language and fields.
    @OptionalField(key: "email") var email: String?
    @Field(key: "language") var language: String
    @Field(key: "state") var state: SubscriptionState
    @Field(key: "confirm_token") var confirmToken: String
    @Field(key: "unsubscribe_token") var unsubscribeToken: String
    /// When the last confirmation (or "already subscribed") mail was asked for.
    @Field(key: "requested_at") var requestedAt: Date
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @OptionalField(key: "unsubscribed_at") var unsubscribedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(email: String, language: String, requestedAt: Date = Date()) {
        self.id = UUID()
        self.email = email
        self.language = language
        self.state = .pending
        self.confirmToken = Registration.newToken()
        self.unsubscribeToken = Registration.newToken()
        self.requestedAt = requestedAt
    }

    /// The language of the mail's own words (greeting, headings, the way out): the interface has German and English.
    var readerLanguage: Language { ContentLanguage(rawValue: language)?.interfaceLanguage ?? .de }
}

/// A field of action a subscriber wants news about. None at all means all of them.
final class NewsletterSubscriberField: Model, @unchecked Sendable {
    static let schema = "newsletter_subscriber_fields"

    @ID(key: .id) var id: UUID?
    @Parent(key: "subscriber_id") var subscriber: NewsletterSubscriber
    @Parent(key: "field_of_action_id") var fieldOfAction: FieldOfAction

    init() {}

    init(subscriberID: UUID, fieldID: UUID) {
        self.$subscriber.id = subscriberID
        self.$fieldOfAction.id = fieldID
    }
}

/// One issue of the newsletter, written in one language for the subscribers of that language.
final class NewsletterIssue: Model, @unchecked Sendable {
    static let schema = "newsletter_issues"

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "intro") var intro: String
    @Field(key: "language") var language: String
    @Field(key: "state") var state: NewsletterIssueState
    @OptionalField(key: "sending_at") var sendingAt: Date?
    @OptionalField(key: "sent_at") var sentAt: Date?
    @Field(key: "recipients") var recipients: Int
    /// Raised to take the issue's row lock, so that pressing "send" twice at the same moment sends once.
    @Field(key: "lock_version") var lockVersion: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(title: String, intro: String, language: String) {
        self.id = UUID()
        self.title = title
        self.intro = intro
        self.language = language
        self.state = .draft
        self.recipients = 0
        self.lockVersion = 0
    }

    var readerLanguage: Language { ContentLanguage(rawValue: language)?.interfaceLanguage ?? .de }
    var contentLanguage: ContentLanguage { ContentLanguage(rawValue: language) ?? .original }
}

extension NewsletterIssue: Auditable {
    static let auditType = "newsletter-issue"

    var auditSnapshot: [String: String] {
        ["title": title, "intro": intro, "language": language, "state": state.rawValue, "recipients": String(recipients)]
    }
}

/// What an issue item points to.
enum NewsletterItemKind: String, Codable, CaseIterable, Sendable {
    case news, event, diary, milestone
}

/// A news item, event or project update selected for an issue, in the order the issue shows it.
final class NewsletterItem: Model, @unchecked Sendable {
    static let schema = "newsletter_items"

    @ID(key: .id) var id: UUID?
    @Parent(key: "issue_id") var issue: NewsletterIssue
    @Field(key: "kind") var kind: NewsletterItemKind
    @Field(key: "ref_id") var refID: UUID
    @Field(key: "position") var position: Int

    init() {}

    init(issueID: UUID, kind: NewsletterItemKind, refID: UUID, position: Int) {
        self.$issue.id = issueID
        self.kind = kind
        self.refID = refID
        self.position = position
    }
}

/// That an issue was handed to a subscriber, and the outbox mail that carries it. The unique (issue, subscriber)
/// pair is what makes sending resumable: a send that is interrupted and run again skips everybody it reached.
final class NewsletterDelivery: Model, @unchecked Sendable {
    static let schema = "newsletter_deliveries"

    @ID(key: .id) var id: UUID?
    @Parent(key: "issue_id") var issue: NewsletterIssue
    /// Nil when the subscriber has been erased since; the delivery still counts.
    @OptionalParent(key: "subscriber_id") var subscriber: NewsletterSubscriber?
    @OptionalParent(key: "mail_id") var mail: OutboxMail?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(issueID: UUID, subscriberID: UUID, mailID: UUID) {
        self.$issue.id = issueID
        self.$subscriber.id = subscriberID
        self.$mail.id = mailID
    }
}

struct CreateNewsletter: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NewsletterSubscriber.schema)
            .id()
            .field("email", .string)
            .field("language", .string, .required)
            .field("state", .string, .required)
            .field("confirm_token", .string, .required)
            .field("unsubscribe_token", .string, .required)
            .field("requested_at", .datetime, .required)
            .field("confirmed_at", .datetime)
            .field("unsubscribed_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "email")
            .unique(on: "confirm_token")
            .unique(on: "unsubscribe_token")
            .create()
        try await database.schema(NewsletterSubscriberField.schema)
            .id()
            .field("subscriber_id", .uuid, .required, .references(NewsletterSubscriber.schema, "id", onDelete: .cascade))
            .field("field_of_action_id", .uuid, .required, .references(FieldOfAction.schema, "id", onDelete: .cascade))
            .unique(on: "subscriber_id", "field_of_action_id")
            .create()
        try await database.schema(NewsletterIssue.schema)
            .id()
            .field("title", .string, .required)
            .field("intro", .string, .required)
            .field("language", .string, .required)
            .field("state", .string, .required)
            .field("sending_at", .datetime)
            .field("sent_at", .datetime)
            .field("recipients", .int, .required)
            .field("lock_version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(NewsletterItem.schema)
            .id()
            .field("issue_id", .uuid, .required, .references(NewsletterIssue.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("ref_id", .uuid, .required)
            .field("position", .int, .required)
            .unique(on: "issue_id", "kind", "ref_id")
            .create()
        try await database.schema(NewsletterDelivery.schema)
            .id()
            .field("issue_id", .uuid, .required, .references(NewsletterIssue.schema, "id", onDelete: .cascade))
            .field("subscriber_id", .uuid, .references(NewsletterSubscriber.schema, "id", onDelete: .setNull))
            .field("mail_id", .uuid, .references(OutboxMail.schema, "id", onDelete: .setNull))
            .field("created_at", .datetime)
            .unique(on: "issue_id", "subscriber_id")
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: "newsletter_subscribers_state_language").on(NewsletterSubscriber.schema).column("state").column("language").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [NewsletterDelivery.schema, NewsletterItem.schema, NewsletterIssue.schema, NewsletterSubscriberField.schema,
                       NewsletterSubscriber.schema] {
            try await database.schema(schema).delete()
        }
    }
}
