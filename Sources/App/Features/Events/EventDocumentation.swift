import Fluent
import QuartierCore
import SQLKit
import Vapor

/// A photo of an event's documentation. Its bytes live in the shared `FileContent` table under the photo's id,
/// so that listing photos never loads them. Every photo has a text for screen readers.
final class EventPhoto: Model, @unchecked Sendable {
    static let schema = "event_photos"

    @ID(key: .id) var id: UUID?
    @Parent(key: "event_id") var event: Event
    @Field(key: "filename") var filename: String
    @Field(key: "mime_type") var mimeType: String
    @Field(key: "size") var size: Int
    @Field(key: "width") var width: Int
    @Field(key: "height") var height: Int
    @Field(key: "sha512") var sha512: String
    /// What the photo shows, for people who cannot see it. Required.
    @Field(key: "alt_text") var altText: String
    @Field(key: "caption") var caption: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(eventID: UUID, filename: String, type: ImageType, bytes: [UInt8], altText: String, caption: String) {
        self.id = UUID()
        self.$event.id = eventID
        self.filename = filename
        self.mimeType = type.mimeType
        self.size = bytes.count
        let dimensions = ImageType.dimensions(of: bytes)
        self.width = dimensions?.width ?? 0
        self.height = dimensions?.height ?? 0
        self.sha512 = SHA512.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        self.altText = altText
        self.caption = caption
    }
}

extension EventPhoto: Auditable {
    static let auditType = "event_photo"

    var auditSnapshot: [String: String] {
        ["event": $event.id.uuidString, "filename": filename, "mime_type": mimeType, "size": String(size), "sha512": sha512,
         "alt_text": altText, "caption": caption]
    }
}

/// One entry of an event's structured protocol: an issue raised, a commitment (by whom, by when) or a follow-up
/// (who takes it on, by when). Who is kept as staff typed it; a matching person or organisation of the directory
/// is linked beside it.
final class EventProtocolEntry: Model, @unchecked Sendable {
    static let schema = "event_protocol_entries"

    typealias Kind = ProtocolEntryKind

    @ID(key: .id) var id: UUID?
    @Parent(key: "event_id") var event: Event
    @Enum(key: "kind") var kind: Kind
    @Field(key: "text") var text: String
    /// Who committed or takes the follow-up on, as staff typed it ("GeWoBau", "Mieterbeirat"). Empty when a person
    /// of the directory is linked: her name comes from the directory (see `who`).
    @Field(key: "party") var party: String
    @OptionalParent(key: "person_id") var person: Person?
    @OptionalParent(key: "organisation_id") var organisation: Organisation?
    /// A calendar day (midnight UTC), see `CalendarDate`.
    @OptionalField(key: "due_on") var dueOn: Date?
    @OptionalField(key: "done_at") var doneAt: Date?
    @Field(key: "position") var position: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(eventID: UUID, kind: Kind, text: String, party: String = "", personID: UUID? = nil, organisationID: UUID? = nil,
         dueOn: Date? = nil, position: Int) {
        self.id = UUID()
        self.$event.id = eventID
        self.kind = kind
        self.text = text
        self.party = party
        self.$person.id = personID
        self.$organisation.id = organisationID
        self.dueOn = dueOn
        self.doneAt = nil
        self.position = position
    }
}

extension EventProtocolEntry {
    /// Who, as pages show it: the linked person's current name, else the text staff typed; nil when neither is
    /// left (a linked person was erased from the directory). Needs `person` loaded when one is linked.
    var who: String? {
        if $person.id != nil, let person = $person.value ?? nil { return person.displayName }
        return party.isEmpty ? nil : party
    }
}

extension EventProtocolEntry: Auditable {
    static let auditType = "event_protocol_entry"

    var auditSnapshot: [String: String] {
        var snapshot = ["event": $event.id.uuidString, "kind": kind.rawValue, "text": text, "party": party, "position": String(position)]
        snapshot["person"] = $person.id?.uuidString
        snapshot["organisation"] = $organisation.id?.uuidString
        snapshot["due_on"] = dueOn.map(CalendarDate.iso)
        snapshot["done"] = doneAt.map { BerlinTime.dateTime($0, .de) }
        return snapshot
    }
}

/// Photos and the structured protocol of events.
struct CreateEventDocumentation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(EventPhoto.schema)
            .id()
            .field("event_id", .uuid, .required, .references(Event.schema, "id", onDelete: .cascade))
            .field("filename", .string, .required)
            .field("mime_type", .string, .required)
            .field("size", .int, .required)
            .field("width", .int, .required)
            .field("height", .int, .required)
            .field("sha512", .string, .required)
            .field("alt_text", .string, .required)
            .field("caption", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        let kind = try await ProtocolEntryKind.allCases.reduce(database.enum("protocol_entry_kind")) { $0.case($1.rawValue) }.create()
        try await database.schema(EventProtocolEntry.schema)
            .id()
            .field("event_id", .uuid, .required, .references(Event.schema, "id", onDelete: .cascade))
            .field("kind", kind, .required)
            .field("text", .string, .required)
            .field("party", .string, .required)
            .field("person_id", .uuid, .references(Person.schema, "id", onDelete: .setNull))
            .field("organisation_id", .uuid, .references(Organisation.schema, "id", onDelete: .setNull))
            .field("due_on", .date)
            .field("done_at", .datetime)
            .field("position", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "event_photos_event").on(EventPhoto.schema).column("event_id").column("created_at").run()
            try await sql.create(index: "event_protocol_entries_event").on(EventProtocolEntry.schema).column("event_id").column("position").run()
            try await sql.create(index: "event_protocol_entries_person").on(EventProtocolEntry.schema).column("person_id").run()
            try await sql.create(index: "event_protocol_entries_organisation").on(EventProtocolEntry.schema).column("organisation_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(EventProtocolEntry.schema).delete()
        try await database.enum("protocol_entry_kind").delete()
        try await database.schema(EventPhoto.schema).delete()
    }
}
