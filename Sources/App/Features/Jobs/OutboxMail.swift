import Fluent
import QuartierCore
import Vapor

/// The mail outbox: every e-mail Quartier sends is written here first, in the same database as the change
/// that caused it, and delivered by a background job through the configured sendmail program.
final class OutboxMail: Model, @unchecked Sendable {
    static let schema = "mail_outbox"
    static let jobKind = "mail.deliver"

    enum State: String, Codable, Sendable {
        case queued, sent, failed
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "headers") var headers: String
    @Field(key: "purpose") var purpose: String
    /// JSON list of `MailMessage.Attachment`.
    @Field(key: "attachments") var attachments: String
    @Enum(key: "state") var state: State
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "sent_at") var sentAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(recipient: String, subject: String, body: String, headers: [String: String] = [:], attachments: [MailMessage.Attachment] = [],
         purpose: String) throws {
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.headers = String(decoding: try JSONEncoder().encode(headers), as: UTF8.self)
        self.purpose = purpose
        self.attachments = String(decoding: try JSONEncoder().encode(attachments), as: UTF8.self)
        self.state = .queued
        self.attempts = 0
    }

    func message(from sender: String) -> MailMessage {
        let extra = (try? JSONDecoder().decode([String: String].self, from: Data(headers.utf8))) ?? [:]
        let files = (try? JSONDecoder().decode([MailMessage.Attachment].self, from: Data(attachments.utf8))) ?? []
        return MailMessage(from: sender, to: recipient, subject: subject, body: body, headers: extra, attachments: files)
    }

    /// Puts a mail into the outbox together with the job that delivers it.
    @discardableResult
    static func enqueue(
        to recipient: String, subject: String, body: String, headers: [String: String] = [:], attachments: [MailMessage.Attachment] = [],
        purpose: String, on database: any Database
    ) async throws -> OutboxMail {
        let mail = try OutboxMail(recipient: recipient, subject: subject, body: body, headers: headers, attachments: attachments, purpose: purpose)
        try await database.transaction { transaction in
            try await mail.create(on: transaction)
            try await Job(kind: jobKind, payload: mail.requireID().uuidString).create(on: transaction)
        }
        return mail
    }
}

struct CreateOutboxMail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let state = try await database.enum("mail_state").case("queued").case("sent").case("failed").create()
        try await database.schema(OutboxMail.schema)
            .id()
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("headers", .string, .required)
            .field("purpose", .string, .required)
            .field("state", state, .required)
            .field("attempts", .int, .required)
            .field("last_error", .string)
            .field("sent_at", .datetime)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutboxMail.schema).delete()
        try await database.enum("mail_state").delete()
    }
}

struct UpdateOutboxMailAddAttachments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OutboxMail.schema)
            .field("attachments", .string, .required, .sql(.default("[]")))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutboxMail.schema).deleteField("attachments").update()
    }
}
