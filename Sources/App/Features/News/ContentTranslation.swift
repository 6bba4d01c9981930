import Fluent
import QuartierCore
import SQLKit
import Vapor

/// The kinds of content residents can read in other languages. Each maps its own fields onto the three a translation
/// has: a title, a short summary and a longer body.
enum TranslatableContent: String, Codable, CaseIterable, Sendable {
    case news
    case page
    case event
    case project
}

/// One translation of one item into one content language. A single table for every kind of content: the translation
/// screen, the fallback rule and the language links are the same for all of them, and a further kind (a survey, a
/// committee's description) needs no schema change — only a case in `TranslatableContent`.
final class ContentTranslation: Model, @unchecked Sendable {
    static let schema = "content_translations"

    @ID(key: .id) var id: UUID?
    @Field(key: "content_type") var contentType: TranslatableContent
    @Field(key: "content_id") var contentID: UUID
    @Field(key: "language") var language: ContentLanguage
    @Field(key: "title") var title: String
    @Field(key: "summary") var summary: String
    @Field(key: "body") var body: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(contentType: TranslatableContent, contentID: UUID, language: ContentLanguage, title: String, summary: String, body: String) {
        self.id = UUID()
        self.contentType = contentType
        self.contentID = contentID
        self.language = language
        self.title = title
        self.summary = summary
        self.body = body
    }

    var fields: (title: String, summary: String, body: String) { (title, summary, body) }

    /// The translations of several items into one language, in one query, keyed by item.
    static func lookup(_ type: TranslatableContent, ids: [UUID], language: ContentLanguage, on database: any Database) async throws -> [UUID: ContentTranslation] {
        guard language != .original, !ids.isEmpty else { return [:] }
        let rows = try await ContentTranslation.query(on: database)
            .filter(\.$contentType == type)
            .filter(\.$contentID ~~ ids)
            .filter(\.$language == language)
            .all()
        return Dictionary(rows.map { ($0.contentID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every translation of one item.
    static func all(_ type: TranslatableContent, id: UUID, on database: any Database) async throws -> [ContentLanguage: ContentTranslation] {
        let rows = try await ContentTranslation.query(on: database)
            .filter(\.$contentType == type)
            .filter(\.$contentID == id)
            .all()
        return Dictionary(rows.map { ($0.language, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Removes the translations of an item that is deleted (the table has no foreign key: it serves several tables).
    static func deleteAll(_ type: TranslatableContent, id: UUID, on database: any Database) async throws {
        try await ContentTranslation.query(on: database).filter(\.$contentType == type).filter(\.$contentID == id).delete()
    }
}

extension ContentTranslation: Auditable {
    static let auditType = "content_translation"

    var auditSnapshot: [String: String] {
        ["content_type": contentType.rawValue, "content_id": contentID.uuidString, "language": language.rawValue,
         "title": title, "summary": summary, "body": body]
    }
}

struct CreateContentTranslations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ContentTranslation.schema)
            .id()
            .field("content_type", .string, .required)
            .field("content_id", .uuid, .required)
            .field("language", .string, .required)
            .field("title", .string, .required)
            .field("summary", .string, .required)
            .field("body", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "content_type", "content_id", "language")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ContentTranslation.schema).delete()
    }
}
