import Fluent
import QuartierCore
import SQLKit
import Vapor

/// A document attached to an agenda item: the draft paper, a presentation, a plan. Its bytes live in their own
/// table, so that listing files never loads them.
final class AgendaFile: Model, @unchecked Sendable {
    static let schema = "agenda_files"

    @ID(key: .id) var id: UUID?
    @Parent(key: "agenda_item_id") var item: AgendaItem
    @Field(key: "filename") var filename: String
    @Field(key: "mime_type") var mimeType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha512") var sha512: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(itemID: UUID, filename: String, type: DocumentType, bytes: [UInt8]) {
        self.id = UUID()
        self.$item.id = itemID
        self.filename = filename
        self.mimeType = type.mimeType
        self.size = bytes.count
        self.sha512 = SHA512.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}

extension AgendaFile: Auditable {
    static let auditType = "agenda_file"

    var auditSnapshot: [String: String] {
        ["agenda_item": $item.id.uuidString, "filename": filename, "mime_type": mimeType, "size": String(size), "sha512": sha512]
    }
}

/// The bytes of an attached file, under the file's id.
final class FileContent: Model, @unchecked Sendable {
    static let schema = "file_contents"

    @ID(key: .id) var id: UUID?
    @Field(key: "data") var data: Data

    init() {}

    init(id: UUID, data: Data) {
        self.id = id
        self.data = data
    }
}

/// Files on agenda items, the approval of minutes, and the link from an account to its person in the directory
/// (so that a committee member sees her own committees and tasks).
struct UpdateCommitteesAddFilesApprovalAndUserPerson: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AgendaFile.schema)
            .id()
            .field("agenda_item_id", .uuid, .required, .references(AgendaItem.schema, "id", onDelete: .cascade))
            .field("filename", .string, .required)
            .field("mime_type", .string, .required)
            .field("size", .int, .required)
            .field("sha512", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(FileContent.schema)
            .id()
            .field("data", .data, .required)
            .create()
        // SQLite adds one column per statement.
        try await database.schema(Meeting.schema).field("minutes_approved_at", .datetime).update()
        try await database.schema(Meeting.schema).field("approved_in_meeting_id", .uuid).update()
        try await database.schema(User.schema)
            .field("person_id", .uuid)
            .update()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "agenda_files_item").on(AgendaFile.schema).column("agenda_item_id").run()
            try await sql.create(index: "users_person").on(User.schema).column("person_id").run()
            try await sql.create(index: "committee_tasks_person").on(CommitteeTask.schema).column("person_id").column("done_at").run()
            // Public agenda items of a meeting, counted and listed from the index alone (OParl lists).
            try await sql.create(index: "agenda_items_public_meeting").on(AgendaItem.schema).column("is_public").column("meeting_id").run()
            try await sql.create(index: "committee_tasks_committee").on(CommitteeTask.schema).column("committee_id").column("done_at").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("person_id").update()
        try await database.schema(Meeting.schema).deleteField("minutes_approved_at").update()
        try await database.schema(Meeting.schema).deleteField("approved_in_meeting_id").update()
        try await database.schema(FileContent.schema).delete()
        try await database.schema(AgendaFile.schema).delete()
    }
}
