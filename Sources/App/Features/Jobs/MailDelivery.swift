import Fluent
import QuartierCore
import Vapor

/// Delivers one outbox mail. A mail already marked as sent is never handed to sendmail again.
struct MailDelivery: JobHandler {
    func run(_ job: Job, isLastAttempt: Bool, application: Application) async throws {
        guard let id = UUID(uuidString: job.payload), let mail = try await OutboxMail.find(id, on: application.db) else {
            throw Sendmail.Failure(description: "outbox mail \(job.payload) does not exist")
        }
        guard mail.state != .sent else { return }
        let settings = application.settings
        let rendered = mail.message(from: settings.mailFrom)
            .rendered(messageID: "\(id.uuidString.lowercased())@\(settings.publicURL.host ?? "localhost")", date: Date())
        mail.attempts += 1
        do {
            try await Sendmail(command: settings.sendmail).deliver(rendered)
        } catch {
            mail.lastError = String(String(describing: error).prefix(1000))
            if isLastAttempt { mail.state = .failed }
            try await mail.save(on: application.db)
            throw error
        }
        mail.state = .sent
        mail.sentAt = Date()
        mail.lastError = nil
        try await mail.save(on: application.db)
    }
}
