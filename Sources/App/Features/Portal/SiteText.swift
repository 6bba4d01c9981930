import Fluent
import QuartierCore
import Vapor

/// The texts of the public portal that admins write: the start page introduction, the Leichte-Sprache
/// explanation, Impressum, privacy policy and accessibility statement — one row per text and language.
final class SiteText: Model, @unchecked Sendable {
    static let schema = "site_texts"

    enum Key: String, Codable, CaseIterable, Sendable {
        case intro
        case easyRead = "easy-read"
        case imprint
        case privacy
        case accessibility

        /// Leichte Sprache is a form of German; it has no English version.
        var languages: [Language] {
            self == .easyRead ? [.de] : Language.allCases
        }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "language") var language: String
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(key: Key, language: Language, title: String, body: String) {
        self.key = key.rawValue
        self.language = language.rawValue
        self.title = title
        self.body = body
    }
}

extension SiteText: Auditable {
    static let auditType = "site_text"

    var auditSnapshot: [String: String] {
        ["key": key, "language": language, "title": title, "body": body]
    }
}

extension SiteText {
    /// The text in the wanted language, or in German when it has not been translated yet.
    static func find(_ key: Key, _ language: Language, on database: any Database) async throws -> SiteText? {
        let candidates = try await SiteText.query(on: database)
            .filter(\.$key == key.rawValue)
            .filter(\.$language ~~ [language.rawValue, Language.fallback.rawValue])
            .all()
        return candidates.first { $0.language == language.rawValue } ?? candidates.first
    }
}

struct CreateSiteText: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SiteText.schema)
            .id()
            .field("key", .string, .required)
            .field("language", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "key", "language")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SiteText.schema).delete()
    }
}
