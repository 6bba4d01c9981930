import Fluent
import QuartierCore
import SQLKit
import Vapor

/// One entry of the contact log (Kontakte): a visit, call, e-mail, meeting or outreach round, with who took part,
/// what it was about, the needs and wishes raised, and an optional follow-up.
final class Contact: Model, @unchecked Sendable {
    static let schema = "contacts"

    enum Kind: String, Codable, CaseIterable, Sendable {
        case visit, call, email, meeting, outreach
    }

    @ID(key: .id) var id: UUID?
    @Enum(key: "kind") var kind: Kind
    @Field(key: "happened_on") var happenedOn: Date
    @OptionalParent(key: "staff_id") var staff: User?
    @Field(key: "subject") var subject: String
    @Field(key: "notes") var notes: String
    @Field(key: "needs") var needs: String
    @OptionalField(key: "follow_up_on") var followUpOn: Date?
    @OptionalField(key: "follow_up_done_at") var followUpDoneAt: Date?
    /// People who took part but were erased later: they stay counted, without anything that identifies them.
    @Field(key: "erased_participants") var erasedParticipants: Int
    @Siblings(through: ContactPerson.self, from: \.$contact, to: \.$person) var persons: [Person]
    @Siblings(through: ContactOrganisation.self, from: \.$contact, to: \.$organisation) var organisations: [Organisation]
    @Siblings(through: ContactTopic.self, from: \.$contact, to: \.$topic) var topics: [Topic]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(kind: Kind, happenedOn: Date, staffID: UUID?, subject: String, notes: String = "", needs: String = "", followUpOn: Date? = nil) {
        self.kind = kind
        self.happenedOn = happenedOn
        self.$staff.id = staffID
        self.subject = subject
        self.notes = notes
        self.needs = needs
        self.followUpOn = followUpOn
        self.erasedParticipants = 0
    }
}

extension Contact: Auditable {
    static let auditType = "contact"

    var auditSnapshot: [String: String] {
        var snapshot = ["kind": kind.rawValue, "happened_on": BerlinTime.date(happenedOn, .de), "subject": subject, "notes": notes, "needs": needs]
        snapshot["follow_up_on"] = followUpOn.map { BerlinTime.date($0, .de) }
        snapshot["follow_up_done_at"] = followUpDoneAt.map { BerlinTime.dateTime($0, .de) }
        return snapshot
    }
}

final class ContactPerson: Model, @unchecked Sendable {
    static let schema = "contact_persons"

    @ID(key: .id) var id: UUID?
    @Parent(key: "contact_id") var contact: Contact
    @Parent(key: "person_id") var person: Person

    init() {}
}

final class ContactOrganisation: Model, @unchecked Sendable {
    static let schema = "contact_organisations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "contact_id") var contact: Contact
    @Parent(key: "organisation_id") var organisation: Organisation

    init() {}
}

final class ContactTopic: Model, @unchecked Sendable {
    static let schema = "contact_topics"

    @ID(key: .id) var id: UUID?
    @Parent(key: "contact_id") var contact: Contact
    @Parent(key: "topic_id") var topic: Topic

    init() {}
}

struct CreateContact: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let kind = try await Contact.Kind.allCases.reduce(database.enum("contact_kind")) { $0.case($1.rawValue) }.create()
        try await database.schema(Contact.schema)
            .id()
            .field("kind", kind, .required)
            .field("happened_on", .date, .required)
            .field("staff_id", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("subject", .string, .required)
            .field("notes", .string, .required)
            .field("needs", .string, .required)
            .field("follow_up_on", .date)
            .field("follow_up_done_at", .datetime)
            .field("erased_participants", .int, .required)
            .field("created_at", .datetime)
            .create()
        for (schema, column, target) in [
            (ContactPerson.schema, "person_id", Person.schema),
            (ContactOrganisation.schema, "organisation_id", Organisation.schema),
            (ContactTopic.schema, "topic_id", Topic.schema),
        ] {
            try await database.schema(schema)
                .id()
                .field("contact_id", .uuid, .required, .references(Contact.schema, "id", onDelete: .cascade))
                .field(.string(column), .uuid, .required, .references(target, "id", onDelete: .cascade))
                .unique(on: "contact_id", .string(column))
                .create()
        }
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "contacts_happened_on").on(Contact.schema).column("happened_on").run()
            try await sql.create(index: "contacts_follow_up").on(Contact.schema).column("follow_up_on").run()
            try await sql.create(index: "contact_persons_person").on(ContactPerson.schema).column("person_id").run()
            try await sql.create(index: "contact_organisations_organisation").on(ContactOrganisation.schema).column("organisation_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [ContactTopic.schema, ContactOrganisation.schema, ContactPerson.schema, Contact.schema] {
            try await database.schema(schema).delete()
        }
        try await database.enum("contact_kind").delete()
    }
}
