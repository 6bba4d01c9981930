import Fluent
import Foundation
import SQLKit

/// What the outbox keeps of an address once its owner is erased or leaves the newsletter: that a mail went out
/// (purpose, subject, state, attempts, time), so delivery logs still add up, but neither the address nor the text,
/// which may carry her name, her personal links and their tokens. A mail not yet delivered is not delivered any more.
enum OutboxPrivacy {
    static let erasedRecipient = "[gelöscht]"
    static let erasedError = "recipient erased before delivery"

    /// `purposes` limits the erasure to mails of these purposes (the newsletter's own, on unsubscribe); nil: all.
    static func erase(recipient email: String, purposes: [String]? = nil, on database: any Database) async throws {
        let address = email.lowercased()
        guard !address.isEmpty, let sql = database as? any SQLDatabase else { return }
        // However the address was written when the mail was queued.
        let matching = try await sql.select().column("id").from(OutboxMail.schema)
            .where(SQLFunction("lower", args: SQLColumn("recipient")), .equal, SQLBind(address))
            .all().map { try $0.decode(column: "id", as: UUID.self) }
        guard !matching.isEmpty else { return }
        let query = OutboxMail.query(on: database).filter(\.$id ~~ matching)
        if let purposes { query.filter(\.$purpose ~~ purposes) }
        let mails = try await query.all()
        guard !mails.isEmpty else { return }
        let ids = try mails.map { try $0.requireID() }
        let waiting = mails.filter { $0.state == .queued }.compactMap(\.id)
        if !waiting.isEmpty {
            try await Job.query(on: database).filter(\.$kind == OutboxMail.jobKind)
                .filter(\.$payload ~~ waiting.map(\.uuidString)).filter(\.$state == .queued).delete()
            try await OutboxMail.query(on: database).filter(\.$id ~~ waiting)
                .set(\.$state, to: .failed).set(\.$lastError, to: erasedError).update()
        }
        try await OutboxMail.query(on: database).filter(\.$id ~~ ids)
            .set(\.$recipient, to: erasedRecipient).set(\.$body, to: "").set(\.$headers, to: "{}").set(\.$attachments, to: "[]")
            .update()
    }
}
