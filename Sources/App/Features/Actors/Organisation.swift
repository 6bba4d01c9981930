import Fluent
import SQLKit
import Vapor

/// An organisation of the district: institution, club, business, office, housing company, school, network …
final class Organisation: Model, @unchecked Sendable {
    static let schema = "organisations"

    enum Kind: String, Codable, CaseIterable, Sendable {
        case institution, association, business, administration, politics, housing, religious, school, network, other
    }

    /// Which fields the public directory may show; the name and type are always public when the organisation is.
    enum PublicField: String, Codable, CaseIterable, Sendable {
        case address, phone, email, website, description
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Enum(key: "kind") var kind: Kind
    @Field(key: "street") var street: String
    @Field(key: "postal_code") var postalCode: String
    @Field(key: "city") var city: String
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @Field(key: "phone") var phone: String
    @Field(key: "email") var email: String
    @Field(key: "website") var website: String
    @Field(key: "description") var description: String
    @Field(key: "is_public") var isPublic: Bool
    /// Comma-separated `PublicField` values.
    @Field(key: "public_fields") var publicFields: String
    /// Lowercased name without diacritics, for searching alike on SQLite and PostgreSQL.
    @Field(key: "search_key") var searchKey: String
    /// The date of the latest contact log entry involving the organisation, kept here so the outreach list
    /// and the "not contacted since" filter stay one indexed query at any size.
    @OptionalField(key: "last_contact_at") var lastContactAt: Date?
    @Siblings(through: OrganisationTopic.self, from: \.$organisation, to: \.$topic) var topics: [Topic]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(name: String, kind: Kind) {
        // Set here rather than by the database, so that a batch insert leaves every row with its id.
        self.id = UUID()
        self.name = name
        self.kind = kind
        street = ""
        postalCode = ""
        city = ""
        phone = ""
        email = ""
        website = ""
        description = ""
        isPublic = false
        publicFields = ""
        searchKey = Person.searchKey(name)
    }

    var publicFieldSet: Set<PublicField> {
        Set(publicFields.split(separator: ",").compactMap { PublicField(rawValue: String($0)) })
    }
}

extension Organisation: Auditable {
    static let auditType = "organisation"

    var auditSnapshot: [String: String] {
        var snapshot = [
            "name": name, "kind": kind.rawValue, "street": street, "postal_code": postalCode, "city": city,
            "phone": phone, "email": email, "website": website, "description": description,
            "is_public": String(isPublic), "public_fields": publicFields,
        ]
        snapshot["latitude"] = latitude.map { String($0) }
        snapshot["longitude"] = longitude.map { String($0) }
        return snapshot
    }
}

final class OrganisationTopic: Model, @unchecked Sendable {
    static let schema = "organisation_topics"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organisation_id") var organisation: Organisation
    @Parent(key: "topic_id") var topic: Topic

    init() {}
}

struct CreateOrganisation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let kind = try await Organisation.Kind.allCases.reduce(database.enum("organisation_kind")) { $0.case($1.rawValue) }.create()
        try await database.schema(Organisation.schema)
            .id()
            .field("name", .string, .required)
            .field("kind", kind, .required)
            .field("street", .string, .required)
            .field("postal_code", .string, .required)
            .field("city", .string, .required)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("phone", .string, .required)
            .field("email", .string, .required)
            .field("website", .string, .required)
            .field("description", .string, .required)
            .field("is_public", .bool, .required)
            .field("public_fields", .string, .required)
            .field("search_key", .string, .required)
            .field("last_contact_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(OrganisationTopic.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("topic_id", .uuid, .required, .references(Topic.schema, "id", onDelete: .cascade))
            .unique(on: "organisation_id", "topic_id")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "organisations_name").on(Organisation.schema).column("name").run()
            try await sql.create(index: "organisations_last_contact").on(Organisation.schema).column("last_contact_at").run()
            try await sql.create(index: "organisation_topics_topic").on(OrganisationTopic.schema).column("topic_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OrganisationTopic.schema).delete()
        try await database.schema(Organisation.schema).delete()
        try await database.enum("organisation_kind").delete()
    }
}
