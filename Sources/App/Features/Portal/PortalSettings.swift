import Fluent
import NIOConcurrencyHelpers
import Vapor

/// The district and its neighbourhood office (Stadtteilbüro): one row, edited by admins,
/// shown in the contact block of the start page.
final class PortalSettings: Model, @unchecked Sendable {
    static let schema = "portal_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "district_name") var districtName: String
    @Field(key: "is_fictional") var isFictional: Bool
    @Field(key: "office_name") var officeName: String
    @Field(key: "people") var people: String
    @Field(key: "phone") var phone: String
    @Field(key: "email") var email: String
    @Field(key: "street") var street: String
    @Field(key: "postal_code") var postalCode: String
    @Field(key: "city") var city: String
    @Field(key: "opening_hours") var openingHours: String
    @Field(key: "consultation_hours") var consultationHours: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    static func blank() -> PortalSettings {
        let settings = PortalSettings()
        settings.districtName = "Quartier"
        settings.isFictional = false
        settings.officeName = ""
        settings.people = ""
        settings.phone = ""
        settings.email = ""
        settings.street = ""
        settings.postalCode = ""
        settings.city = ""
        settings.openingHours = ""
        settings.consultationHours = ""
        return settings
    }
}

extension PortalSettings: Auditable {
    static let auditType = "portal_settings"

    var auditSnapshot: [String: String] {
        [
            "district_name": districtName, "is_fictional": String(isFictional), "office_name": officeName,
            "people": people, "phone": phone, "email": email, "street": street, "postal_code": postalCode,
            "city": city, "opening_hours": openingHours, "consultation_hours": consultationHours,
        ]
    }
}

extension PortalSettings {
    /// A copy of the row for a few seconds per instance: the layout needs it on every page.
    /// Saving on this instance refreshes it at once; other instances follow within the lifetime.
    private static let cache = NIOLockedValueBox<(value: PortalSettings, until: Date, database: ObjectIdentifier)?>(nil)
    static let cacheLifetime: TimeInterval = 5

    static func current(on request: Request) async throws -> PortalSettings {
        let owner = ObjectIdentifier(request.application)
        if let cached = cache.withLockedValue({ $0 }), cached.until > Date(), cached.database == owner {
            return cached.value
        }
        let settings = try await PortalSettings.query(on: request.db).first() ?? .blank()
        cache.withLockedValue { $0 = (settings, Date().addingTimeInterval(cacheLifetime), owner) }
        return settings
    }

    static func invalidateCache() {
        cache.withLockedValue { $0 = nil }
    }
}

struct CreatePortalSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PortalSettings.schema)
            .id()
            .field("district_name", .string, .required)
            .field("is_fictional", .bool, .required)
            .field("office_name", .string, .required)
            .field("people", .string, .required)
            .field("phone", .string, .required)
            .field("email", .string, .required)
            .field("street", .string, .required)
            .field("postal_code", .string, .required)
            .field("city", .string, .required)
            .field("opening_hours", .string, .required)
            .field("consultation_hours", .string, .required)
            .field("updated_at", .datetime)
            .create()
        try await PortalSettings.blank().create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PortalSettings.schema).delete()
    }
}
