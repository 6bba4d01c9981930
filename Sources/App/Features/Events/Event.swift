import Fluent
import QuartierCore
import SQLKit
import Vapor

/// An event of the neighbourhood management: a tenant assembly, a future workshop, a district festival, a
/// consultation hour. Drafts stay internal until published.
final class Event: Model, @unchecked Sendable {
    static let schema = "events"

    typealias Format = EventFormat
    typealias State = EventState

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    @Enum(key: "format") var format: Format
    @Enum(key: "state") var state: State
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    @Field(key: "place") var place: String
    @OptionalParent(key: "committee_id") var committee: Committee?
    /// Who invites, as people read it ("Mieterbeirat Stadtwald und GeWoBau"); organisations from the directory are linked.
    @Field(key: "organisers") var organisers: String
    // What residents need to know to decide whether they can come.
    @Field(key: "step_free") var stepFree: Bool
    @Field(key: "childcare") var childcare: Bool
    @Field(key: "hearing_loop") var hearingLoop: Bool
    @Field(key: "interpreting") var interpreting: String
    @Field(key: "accessibility_note") var accessibilityNote: String
    // Registration, where the event wants it.
    @Field(key: "registration") var registration: Bool
    @OptionalField(key: "capacity") var capacity: Int?
    @Field(key: "ask_childcare") var askChildcare: Bool
    @Field(key: "ask_language") var askLanguage: Bool
    @Field(key: "ask_accessibility") var askAccessibility: Bool
    /// Raised by every registration change inside its transaction, so that concurrent registrations for one event
    /// queue up on this row and capacity is never exceeded.
    @Field(key: "registration_version") var registrationVersion: Int
    /// Raised on every change calendars must learn of (iCalendar SEQUENCE).
    @Field(key: "sequence") var sequence: Int
    // Documentation of the past event.
    @Field(key: "protocol") var protocolText: String
    @Field(key: "results") var results: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(title: String, format: Format, startsAt: Date, endsAt: Date, place: String) {
        self.id = UUID()
        self.title = title
        self.description = ""
        self.format = format
        self.state = .draft
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.place = place
        self.organisers = ""
        self.stepFree = false
        self.childcare = false
        self.hearingLoop = false
        self.interpreting = ""
        self.accessibilityNote = ""
        self.registration = false
        self.capacity = nil
        self.askChildcare = false
        self.askLanguage = false
        self.askAccessibility = false
        self.registrationVersion = 0
        self.sequence = 0
        self.protocolText = ""
        self.results = ""
    }

    /// The stable UID calendars know the event by.
    var calendarUID: String { "event-\(id?.uuidString.lowercased() ?? "")@quartier" }
}

extension Event: Auditable {
    static let auditType = "event"

    var auditSnapshot: [String: String] {
        var snapshot = [
            "title": title, "description": description, "format": format.rawValue, "state": state.rawValue,
            "starts_at": BerlinTime.dateTime(startsAt, .de), "ends_at": BerlinTime.dateTime(endsAt, .de), "place": place, "organisers": organisers,
            "step_free": String(stepFree), "childcare": String(childcare), "hearing_loop": String(hearingLoop), "interpreting": interpreting,
            "accessibility_note": accessibilityNote, "registration": String(registration), "ask": "\(askChildcare)/\(askLanguage)/\(askAccessibility)",
            "protocol": protocolText, "results": results,
        ]
        snapshot["capacity"] = capacity.map(String.init)
        snapshot["committee"] = $committee.id?.uuidString
        return snapshot
    }
}

/// The topics of an event, for the public calendar's filter.
final class EventTopic: Model, @unchecked Sendable {
    static let schema = "event_topics"

    @ID(key: .id) var id: UUID?
    @Parent(key: "event_id") var event: Event
    @Parent(key: "topic_id") var topic: Topic

    init() {}

    init(eventID: UUID, topicID: UUID) {
        self.$event.id = eventID
        self.$topic.id = topicID
    }
}

/// A registration for an event, by a resident online (no account) or by staff for somebody who called or came by.
/// The token is the resident's personal link to see and cancel it.
final class Registration: Model, @unchecked Sendable {
    static let schema = "registrations"

    enum Source: String, Codable, CaseIterable, Sendable {
        case online, phone, inPerson = "in-person"
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "event_id") var event: Event
    @Field(key: "name") var name: String
    @Field(key: "email") var email: String
    @Field(key: "phone") var phone: String
    @Field(key: "people") var people: Int
    @Enum(key: "status") var status: RegistrationStatus
    @Enum(key: "source") var source: Source
    @Field(key: "token") var token: String
    @Field(key: "childcare") var childcare: Bool
    @Field(key: "language") var language: String
    @Field(key: "accessibility") var accessibility: String
    /// The language the resident registered in: her e-mails are written in it.
    @Field(key: "locale") var locale: String
    @OptionalField(key: "checked_in_at") var checkedInAt: Date?
    @OptionalField(key: "cancelled_at") var cancelledAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(eventID: UUID, name: String, email: String, phone: String, people: Int, status: RegistrationStatus, source: Source, locale: Language) {
        self.id = UUID()
        self.$event.id = eventID
        self.name = name
        self.email = email
        self.phone = phone
        self.people = people
        self.status = status
        self.source = source
        self.token = Registration.newToken()
        self.childcare = false
        self.language = ""
        self.accessibility = ""
        self.locale = locale.rawValue
    }

    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    var readerLanguage: Language { Language(rawValue: locale) ?? .de }
}

extension Registration: Auditable {
    static let auditType = "registration"
    static let auditRedacted: Set<String> = ["token"]

    var auditSnapshot: [String: String] {
        ["event": $event.id.uuidString, "name": name, "email": email, "phone": phone, "people": String(people), "status": status.rawValue,
         "source": source.rawValue, "childcare": String(childcare), "language": language, "accessibility": accessibility, "token": token,
         "checked_in": checkedInAt.map { BerlinTime.dateTime($0, .de) } ?? ""]
    }
}

/// People who came without registering, counted at the door by age group.
final class WalkIn: Model, @unchecked Sendable {
    static let schema = "event_walk_ins"

    @ID(key: .id) var id: UUID?
    @Parent(key: "event_id") var event: Event
    @Enum(key: "age_group") var ageGroup: AgeGroup
    @Field(key: "count") var count: Int

    init() {}

    init(eventID: UUID, ageGroup: AgeGroup, count: Int) {
        self.$event.id = eventID
        self.ageGroup = ageGroup
        self.count = count
    }
}

struct CreateEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let format = try await EventFormat.allCases.reduce(database.enum("event_format")) { $0.case($1.rawValue) }.create()
        let state = try await EventState.allCases.reduce(database.enum("event_state")) { $0.case($1.rawValue) }.create()
        try await database.schema(Event.schema)
            .id()
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("format", format, .required)
            .field("state", state, .required)
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("place", .string, .required)
            .field("committee_id", .uuid, .references(Committee.schema, "id", onDelete: .setNull))
            .field("organisers", .string, .required)
            .field("step_free", .bool, .required)
            .field("childcare", .bool, .required)
            .field("hearing_loop", .bool, .required)
            .field("interpreting", .string, .required)
            .field("accessibility_note", .string, .required)
            .field("registration", .bool, .required)
            .field("capacity", .int)
            .field("ask_childcare", .bool, .required)
            .field("ask_language", .bool, .required)
            .field("ask_accessibility", .bool, .required)
            .field("registration_version", .int, .required)
            .field("sequence", .int, .required)
            .field("protocol", .string, .required)
            .field("results", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(EventTopic.schema)
            .id()
            .field("event_id", .uuid, .required, .references(Event.schema, "id", onDelete: .cascade))
            .field("topic_id", .uuid, .required, .references(Topic.schema, "id", onDelete: .cascade))
            .unique(on: "event_id", "topic_id")
            .create()
        let status = try await RegistrationStatus.allCases.reduce(database.enum("registration_status")) { $0.case($1.rawValue) }.create()
        let source = try await Registration.Source.allCases.reduce(database.enum("registration_source")) { $0.case($1.rawValue) }.create()
        try await database.schema(Registration.schema)
            .id()
            .field("event_id", .uuid, .required, .references(Event.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("email", .string, .required)
            .field("phone", .string, .required)
            .field("people", .int, .required)
            .field("status", status, .required)
            .field("source", source, .required)
            .field("token", .string, .required)
            .field("childcare", .bool, .required)
            .field("language", .string, .required)
            .field("accessibility", .string, .required)
            .field("locale", .string, .required)
            .field("checked_in_at", .datetime)
            .field("cancelled_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "token")
            .create()
        let ageGroup = try await AgeGroup.allCases.reduce(database.enum("age_group")) { $0.case($1.rawValue) }.create()
        try await database.schema(WalkIn.schema)
            .id()
            .field("event_id", .uuid, .required, .references(Event.schema, "id", onDelete: .cascade))
            .field("age_group", ageGroup, .required)
            .field("count", .int, .required)
            .unique(on: "event_id", "age_group")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "events_state_starts").on(Event.schema).column("state").column("starts_at").run()
            try await sql.create(index: "registrations_event").on(Registration.schema).column("event_id").column("status").run()
            try await sql.create(index: "event_topics_topic").on(EventTopic.schema).column("topic_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [WalkIn.schema, Registration.schema, EventTopic.schema, Event.schema] {
            try await database.schema(schema).delete()
        }
        for name in ["age_group", "registration_source", "registration_status", "event_state", "event_format"] {
            try await database.enum(name).delete()
        }
    }
}
