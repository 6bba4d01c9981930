import Fluent
import SQLKit
import Vapor

/// Registrations hold names and contact details only for the event: 30 days after it ended they are emptied.
/// What remains — how many people, registered or on the waiting list, checked in — keeps the participation
/// figures of the reports complete.
enum RegistrationRetention {
    static let days = 30

    /// Empties the personal data of registrations for events that ended before `now` minus the retention period;
    /// returns how many registrations were emptied.
    @discardableResult
    static func purge(now: Date = Date(), on database: any Database) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        let sql = database as! any SQLDatabase
        let ended = SQLSubquery.select { $0.column("id").from(Event.schema).where("ends_at", .lessThan, SQLBind(cutoff)) }
        let due = try await Registration.query(on: database).filter("event_id", in: ended).filter(\.$name != "").count()
        guard due > 0 else { return 0 }
        try await sql.update(Registration.schema)
            .set("name", to: "")
            .set("email", to: "")
            .set("phone", to: "")
            .set("language", to: "")
            .set("accessibility", to: "")
            // The personal link stops working; the token stays unique.
            .set("token", to: SQLRaw("'purged-' || CAST(id AS TEXT)"))
            .where("event_id", .in, ended)
            .where("name", .notEqual, SQLBind(""))
            .run()
        return due
    }
}
