import Fluent
import QuartierCore
import SQLKit
import Vapor

/// Registrations change in one place: each change runs in a transaction that first takes the event's write lock,
/// so that concurrent registrations for one event queue up and capacity is never exceeded; e-mails go into the
/// outbox in the same transaction, so that nobody is told of a place she did not get.
enum RegistrationDesk {
    struct Entry: Sendable {
        var name: String
        var email: String
        var phone: String
        var people: Int
        var childcare: Bool
        var language: String
        var accessibility: String
        var source: Registration.Source
        var locale: Language
    }

    /// Registers somebody; confirmed while places are free, otherwise on the waiting list.
    static func register(_ entry: Entry, for event: Event, req: Request) async throws -> Registration {
        let eventID = try event.requireID()
        return try await serialized(eventID, on: req.db) { database in
            let taken = try await confirmedPeople(eventID, on: database)
            let registration = Registration(eventID: eventID, name: entry.name, email: entry.email, phone: entry.phone, people: entry.people,
                                            status: RegistrationRules.status(forNew: entry.people, taken: taken, capacity: event.capacity),
                                            source: entry.source, locale: entry.locale)
            registration.childcare = entry.childcare
            registration.language = entry.language
            registration.accessibility = entry.accessibility
            try await registration.create(on: database)
            try await req.audit(.create, registration, before: nil, on: database)
            try await mail(registration.status == .confirmed ? .confirmed : .waiting, registration, event: event, req: req, on: database)
            return registration
        }
    }

    /// Cancels a registration (by the resident's link or by staff) and moves people up from the waiting list.
    /// Cancelling twice changes nothing.
    @discardableResult
    static func cancel(_ registrationID: UUID, req: Request) async throws -> Registration? {
        guard let found = try await Registration.find(registrationID, on: req.db),
              let event = try await Event.find(found.$event.id, on: req.db) else { return nil }
        return try await serialized(try event.requireID(), on: req.db) { database in
            guard let registration = try await Registration.find(registrationID, on: database) else { return nil }
            guard registration.status != .cancelled else { return registration }
            let before = registration.auditSnapshot
            registration.status = .cancelled
            registration.cancelledAt = Date()
            try await registration.save(on: database)
            try await req.audit(.update, registration, before: before, on: database)
            try await mail(.cancelled, registration, event: event, req: req, on: database)
            try await moveUp(event, req: req, on: database)
            return registration
        }
    }

    /// Fills free places from the waiting list, first come first served; each person who moves up gets an e-mail.
    static func moveUp(_ event: Event, req: Request, on database: any Database) async throws {
        guard event.registration else { return }
        let eventID = try event.requireID()
        let waiting = try await Registration.query(on: database).filter(\.$event.$id == eventID).filter(\.$status == .waiting)
            .sort(\.$createdAt).sort(\.$id).all()
        guard !waiting.isEmpty else { return }
        let free: Int
        if let capacity = event.capacity {
            free = capacity - (try await confirmedPeople(eventID, on: database))
        } else {
            free = waiting.reduce(0) { $0 + $1.people }
        }
        guard free > 0 else { return }
        let chosen = Set(RegistrationRules.moveUp(waiting: waiting.map { (id: $0.id!, people: $0.people) }, free: free))
        for registration in waiting where chosen.contains(registration.id!) {
            let before = registration.auditSnapshot
            registration.status = .confirmed
            try await registration.save(on: database)
            try await req.audit(.update, registration, before: before, on: database)
            try await mail(.movedUp, registration, event: event, req: req, on: database)
        }
    }

    /// Confirmed places of an event (a registration may bring several people).
    static func confirmedPeople(_ eventID: UUID, on database: any Database) async throws -> Int {
        // SUM is a bigint in PostgreSQL; the cast keeps one integer type on both databases.
        let row = try await (database as! any SQLDatabase).raw("""
            SELECT CAST(COALESCE(SUM(people), 0) AS INTEGER) AS taken FROM registrations WHERE event_id = \(bind: eventID) AND status = 'confirmed'
            """).first()
        return try row?.decode(column: "taken", as: Int.self) ?? 0
    }

    /// Runs `work` holding the event's write lock (`Database.withRowLock`).
    static func serialized<T: Sendable>(_ eventID: UUID, on database: any Database,
                                        _ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await database.withRowLock(table: Event.schema, id: eventID, counter: "registration_version", work)
    }

    enum Message: String {
        case confirmed, waiting, movedUp = "moved_up", cancelled, eventCancelled = "event_cancelled"
    }

    /// The e-mail for a change, in the language the person registered in, with the event as an `.ics` file when she has a place.
    static func mail(_ message: Message, _ registration: Registration, event: Event, req: Request, on database: any Database) async throws {
        guard MailMessage.isValidAddress(registration.email) else { return }
        let language = registration.readerLanguage
        let catalog = req.application.catalog
        let link = SiteURL.registration(token: registration.token).absolute(req.settings)
        let when = BerlinTime.dateTime(event.startsAt, language)
        var attachments: [MailMessage.Attachment] = []
        if message == .confirmed || message == .movedUp {
            let ics = ICalendar(name: event.title, events: [EventCalendar.calendarEvent(event, req)]).rendered(now: Date())
            attachments.append(MailMessage.Attachment(filename: "termin.ics", contentType: "text/calendar; charset=UTF-8; method=PUBLISH", text: ics))
        }
        try await OutboxMail.enqueue(
            to: registration.email,
            subject: catalog.text("registration.mail.\(message.rawValue).subject", language, [event.title]),
            body: catalog.text("registration.mail.\(message.rawValue).body", language, [registration.name, event.title, when, event.place, link]),
            attachments: attachments, purpose: "registration", on: database
        )
    }
}

/// Events as iCalendar entries: the same UID for an event forever, SEQUENCE raised on every change people must
/// learn of, and STATUS:CANCELLED once it is called off.
enum EventCalendar {
    static func calendarEvent(_ event: Event, _ req: Request) -> CalendarEvent {
        var description = event.description
        if !event.organisers.isEmpty { description += (description.isEmpty ? "" : "\n\n") + event.organisers }
        return CalendarEvent(
            uid: event.calendarUID, sequence: event.sequence, start: event.startsAt, end: event.endsAt, summary: event.title,
            description: description.isEmpty ? nil : description, location: event.place,
            url: SiteURL.publicEvent(id: event.id?.uuidString ?? "").absolute(req.settings),
            status: event.state == .cancelled ? .cancelled : .confirmed, lastModified: event.updatedAt
        )
    }
}
