import Fluent
import QuartierCore
import Vapor

/// An editable page of the public site (about the programme, the area, how to take part), reached from a small menu
/// of its own. The address is a readable slug; the text is Markdown, rendered only through `SafeMarkdown`.
final class InfoPage: Model, @unchecked Sendable {
    static let schema = "info_pages"
    static let maximumPages = 20

    @ID(key: .id) var id: UUID?
    @Field(key: "slug") var slug: String
    @Field(key: "title") var title: String
    @Field(key: "summary") var summary: String
    @Field(key: "body") var body: String
    @Field(key: "position") var position: Int
    @Field(key: "is_published") var isPublished: Bool
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(slug: String, title: String, summary: String, body: String, position: Int, isPublished: Bool = true) {
        self.id = UUID()
        self.slug = slug
        self.title = title
        self.summary = summary
        self.body = body
        self.position = position
        self.isPublished = isPublished
    }

    /// A slug is lower-case letters, digits and dashes, so that it is a clean part of an address.
    static func isValidSlug(_ slug: String) -> Bool {
        !slug.isEmpty && slug.count <= 60 && slug.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            && !slug.hasPrefix("-") && !slug.hasSuffix("-")
    }
}

extension InfoPage: Auditable {
    static let auditType = "info_page"

    var auditSnapshot: [String: String] {
        ["slug": slug, "title": title, "summary": summary, "body": body, "position": String(position), "is_published": String(isPublished)]
    }
}

struct CreateInfoPages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(InfoPage.schema)
            .id()
            .field("slug", .string, .required)
            .field("title", .string, .required)
            .field("summary", .string, .required)
            .field("body", .string, .required)
            .field("position", .int, .required)
            .field("is_published", .bool, .required)
            .field("updated_at", .datetime)
            .unique(on: "slug")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(InfoPage.schema).delete()
    }
}
