import Fluent
import QuartierCore
import SQLKit
import Vapor

/// A news item (Aktuelles): title, teaser and a Markdown body, an optional picture with its text for screen readers,
/// the fields of action it belongs to and the event, project or committee it tells about. It is public only when it is
/// no draft and `publishAt` has come, so staff can schedule it ahead.
final class NewsItem: Model, @unchecked Sendable {
    static let schema = "news_items"

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "teaser") var teaser: String
    /// Markdown; render it only through `SafeMarkdown`.
    @Field(key: "body") var body: String
    /// The picture's bytes live in the shared `FileContent` table under this id.
    @OptionalField(key: "image_id") var imageID: UUID?
    @OptionalField(key: "image_mime_type") var imageMimeType: String?
    @OptionalField(key: "image_width") var imageWidth: Int?
    @OptionalField(key: "image_height") var imageHeight: Int?
    /// Required whenever there is a picture.
    @OptionalField(key: "image_alt") var imageAlt: String?
    @Field(key: "publish_at") var publishAt: Date
    @Field(key: "is_draft") var isDraft: Bool
    @OptionalParent(key: "event_id") var event: Event?
    @OptionalParent(key: "project_id") var project: Project?
    @OptionalParent(key: "committee_id") var committee: Committee?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(title: String, teaser: String, body: String, publishAt: Date, isDraft: Bool = false) {
        self.id = UUID()
        self.title = title
        self.teaser = teaser
        self.body = body
        self.publishAt = publishAt
        self.isDraft = isDraft
    }

    func publication(now: Date = Date()) -> Publication {
        .of(isDraft: isDraft, publishAt: publishAt, now: now)
    }

    /// The news items residents may see at `now`, newest first.
    static func published(on database: any Database, now: Date = Date()) -> QueryBuilder<NewsItem> {
        NewsItem.query(on: database)
            .filter(\.$isDraft == false)
            .filter(\.$publishAt <= now)
            .sort(\.$publishAt, .descending)
    }
}

/// The fields of action a news item belongs to (none or several); newsletter topics follow them.
final class NewsItemField: Model, @unchecked Sendable {
    static let schema = "news_item_fields"

    @ID(key: .id) var id: UUID?
    @Parent(key: "news_item_id") var newsItem: NewsItem
    @Parent(key: "field_of_action_id") var fieldOfAction: FieldOfAction

    init() {}

    init(newsItemID: UUID, fieldOfActionID: UUID) {
        self.id = UUID()
        self.$newsItem.id = newsItemID
        self.$fieldOfAction.id = fieldOfActionID
    }
}

extension NewsItem: Auditable {
    static let auditType = "news_item"

    var auditSnapshot: [String: String] {
        var snapshot = ["title": title, "teaser": teaser, "body": body, "publish_at": ISO8601DateFormatter().string(from: publishAt),
                        "is_draft": String(isDraft)]
        snapshot["image"] = imageID?.uuidString
        snapshot["image_alt"] = imageAlt
        snapshot["event"] = $event.id?.uuidString
        snapshot["project"] = $project.id?.uuidString
        snapshot["committee"] = $committee.id?.uuidString
        return snapshot
    }
}

struct CreateNewsItems: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NewsItem.schema)
            .id()
            .field("title", .string, .required)
            .field("teaser", .string, .required)
            .field("body", .string, .required)
            .field("image_id", .uuid)
            .field("image_mime_type", .string)
            .field("image_width", .int)
            .field("image_height", .int)
            .field("image_alt", .string)
            .field("publish_at", .datetime, .required)
            .field("is_draft", .bool, .required)
            .field("event_id", .uuid, .references(Event.schema, "id", onDelete: .setNull))
            .field("project_id", .uuid, .references(Project.schema, "id", onDelete: .setNull))
            .field("committee_id", .uuid, .references(Committee.schema, "id", onDelete: .setNull))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(NewsItemField.schema)
            .id()
            .field("news_item_id", .uuid, .required, .references(NewsItem.schema, "id", onDelete: .cascade))
            .field("field_of_action_id", .uuid, .required, .references(FieldOfAction.schema, "id", onDelete: .cascade))
            .unique(on: "news_item_id", "field_of_action_id")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "news_items_publish_at_idx").on(NewsItem.schema).column("publish_at").run()
            try await sql.create(index: "news_item_fields_field_of_action_id_idx").on(NewsItemField.schema).column("field_of_action_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NewsItemField.schema).delete()
        try await database.schema(NewsItem.schema).delete()
    }
}
