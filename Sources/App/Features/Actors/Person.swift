import Fluent
import QuartierCore
import SQLKit
import Vapor

/// A person of the district: a representative of an organisation or a resident.
final class Person: Model, @unchecked Sendable {
    static let schema = "persons"

    @ID(key: .id) var id: UUID?
    @Field(key: "given_name") var givenName: String
    @Field(key: "family_name") var familyName: String
    @Field(key: "email") var email: String
    @Field(key: "phone") var phone: String
    /// Comma-separated language names or codes, as the person gave them.
    @Field(key: "languages") var languages: String
    @Field(key: "street") var street: String
    @Field(key: "postal_code") var postalCode: String
    @Field(key: "city") var city: String
    @Field(key: "note") var note: String
    /// Lowercased name and e-mail without diacritics, for searching alike on SQLite and PostgreSQL.
    @Field(key: "search_key") var searchKey: String
    /// The name as duplicate detection compares it (Müller = Mueller, Groß = Gross).
    @Field(key: "name_key") var nameKey: String
    @OptionalField(key: "last_contact_at") var lastContactAt: Date?
    @Siblings(through: PersonTopic.self, from: \.$person, to: \.$topic) var topics: [Topic]
    @Children(for: \.$person) var functions: [PersonFunction]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(givenName: String, familyName: String, email: String = "", phone: String = "") {
        // Set here rather than by the database, so that a batch insert leaves every row with its id.
        self.id = UUID()
        self.givenName = givenName
        self.familyName = familyName
        self.email = email
        self.phone = phone
        languages = ""
        street = ""
        postalCode = ""
        city = ""
        note = ""
        searchKey = ""
        nameKey = ""
        refreshSearchKey()
    }

    var displayName: String {
        [givenName, familyName].filter { !$0.isEmpty }.joined(separator: " ")
    }

    var languageList: [String] {
        languages.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func refreshSearchKey() {
        nameKey = ActorImport.nameKey(given: givenName, family: familyName)
        searchKey = Self.searchKey(givenName + " " + familyName + " " + familyName + ", " + givenName + " " + email)
    }

    static func searchKey(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "de_DE")).lowercased()
    }
}

extension Person {
    /// The one person a line typed by staff names: "Given Family" or an e-mail address, as in the directory.
    /// Adds a message in the reader's language to `errors` when nobody or several people match.
    static func named(_ text: String, errors: inout [String], req: Request) async throws -> Person? {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !line.isEmpty else {
            errors.append(req.t("committees.error.person_missing"))
            return nil
        }
        let prefix = searchKey(line) + " "
        let matches = line.contains("@")
            ? try await Person.query(on: req.db).filter(\.$email == line.lowercased()).limit(2).all()
            : try await Person.query(on: req.db).filter(\.$searchKey =~ prefix).limit(2).all()
        switch matches.count {
        case 1: return matches[0]
        case 0: errors.append(req.t("contacts.error.person_unknown", line))
        default: errors.append(req.t("contacts.error.person_ambiguous", line))
        }
        return nil
    }
}

extension Person: Auditable {
    static let auditType = "person"

    var auditSnapshot: [String: String] {
        [
            "given_name": givenName, "family_name": familyName, "email": email, "phone": phone, "languages": languages,
            "street": street, "postal_code": postalCode, "city": city, "note": note,
        ]
    }
}

final class PersonTopic: Model, @unchecked Sendable {
    static let schema = "person_topics"

    @ID(key: .id) var id: UUID?
    @Parent(key: "person_id") var person: Person
    @Parent(key: "topic_id") var topic: Topic

    init() {}
}

/// A person's function in an organisation over time: "Vorsitzende des Mietervereins seit 2019".
final class PersonFunction: Model, @unchecked Sendable {
    static let schema = "person_functions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "person_id") var person: Person
    @Parent(key: "organisation_id") var organisation: Organisation
    @Field(key: "title") var title: String
    @OptionalField(key: "valid_from") var from: Date?
    @OptionalField(key: "valid_until") var until: Date?

    init() {}

    init(personID: UUID, organisationID: UUID, title: String, from: Date? = nil, until: Date? = nil) {
        self.$person.id = personID
        self.$organisation.id = organisationID
        self.title = title
        self.from = from
        self.until = until
    }

    var period: FunctionPeriod { FunctionPeriod(from: from, until: until) }
}

extension PersonFunction: Auditable {
    static let auditType = "person_function"

    var auditSnapshot: [String: String] {
        var snapshot = ["person": $person.id.uuidString, "organisation": $organisation.id.uuidString, "title": title]
        snapshot["from"] = from.map { BerlinTime.date($0, .de) }
        snapshot["until"] = until.map { BerlinTime.date($0, .de) }
        return snapshot
    }
}

/// Consent of a person for one purpose, with where it came from and when it was withdrawn.
final class Consent: Model, @unchecked Sendable {
    static let schema = "consents"

    @ID(key: .id) var id: UUID?
    @Parent(key: "person_id") var person: Person
    @Enum(key: "purpose") var purpose: ConsentPurpose
    @Field(key: "given_at") var givenAt: Date
    @Enum(key: "source") var source: ConsentSource
    @OptionalField(key: "withdrawn_at") var withdrawnAt: Date?

    init() {}

    init(personID: UUID, purpose: ConsentPurpose, givenAt: Date, source: ConsentSource) {
        self.$person.id = personID
        self.purpose = purpose
        self.givenAt = givenAt
        self.source = source
    }

    var grant: ConsentGrant { ConsentGrant(purpose: purpose, givenAt: givenAt, source: source, withdrawnAt: withdrawnAt) }
}

extension Consent {
    /// The ids of the persons whose consent to `purpose` is valid (checked as `ConsentRules.checkedAt` says), for
    /// `filter(_:in:)`: the directory's consent filter, the public directory, and OParl and the public committee pages.
    static func holders(of purpose: ConsentPurpose, now: Date = Date()) -> some SQLExpression {
        SQLSubquery.select {
            $0.column("person_id").from(Consent.schema)
                .where(SQLColumn("purpose"), .equal, SQLLiteral.string(purpose.rawValue))
                .where("withdrawn_at", .is, SQLLiteral.null)
                .where("given_at", .lessThanOrEqual, ConsentRules.checkedAt(now: now))
        }
    }
}

extension Consent: Auditable {
    static let auditType = "consent"

    var auditSnapshot: [String: String] {
        var snapshot = ["person": $person.id.uuidString, "purpose": purpose.rawValue, "given_at": BerlinTime.date(givenAt, .de), "source": source.rawValue]
        snapshot["withdrawn_at"] = withdrawnAt.map { BerlinTime.date($0, .de) }
        return snapshot
    }
}

struct CreatePerson: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Person.schema)
            .id()
            .field("given_name", .string, .required)
            .field("family_name", .string, .required)
            .field("email", .string, .required)
            .field("phone", .string, .required)
            .field("languages", .string, .required)
            .field("street", .string, .required)
            .field("postal_code", .string, .required)
            .field("city", .string, .required)
            .field("note", .string, .required)
            .field("search_key", .string, .required)
            .field("name_key", .string, .required)
            .field("last_contact_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(PersonTopic.schema)
            .id()
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("topic_id", .uuid, .required, .references(Topic.schema, "id", onDelete: .cascade))
            .unique(on: "person_id", "topic_id")
            .create()
        try await database.schema(PersonFunction.schema)
            .id()
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("valid_from", .date)
            .field("valid_until", .date)
            .create()
        let purpose = try await ConsentPurpose.allCases.reduce(database.enum("consent_purpose")) { $0.case($1.rawValue) }.create()
        let source = try await ConsentSource.allCases.reduce(database.enum("consent_source")) { $0.case($1.rawValue) }.create()
        try await database.schema(Consent.schema)
            .id()
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("purpose", purpose, .required)
            .field("given_at", .datetime, .required)
            .field("source", source, .required)
            .field("withdrawn_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "persons_family_name").on(Person.schema).column("family_name").column("given_name").run()
            try await sql.create(index: "persons_name_key").on(Person.schema).column("name_key").run()
            try await sql.create(index: "persons_email").on(Person.schema).column("email").run()
            try await sql.create(index: "person_functions_person").on(PersonFunction.schema).column("person_id").run()
            try await sql.create(index: "person_functions_organisation").on(PersonFunction.schema).column("organisation_id").run()
            try await sql.create(index: "consents_person").on(Consent.schema).column("person_id").run()
            try await sql.create(index: "person_topics_topic").on(PersonTopic.schema).column("topic_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Consent.schema).delete()
        try await database.enum("consent_source").delete()
        try await database.enum("consent_purpose").delete()
        try await database.schema(PersonFunction.schema).delete()
        try await database.schema(PersonTopic.schema).delete()
        try await database.schema(Person.schema).delete()
    }
}
