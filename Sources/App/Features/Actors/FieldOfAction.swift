import Fluent
import Vapor

/// A field of action (Handlungsfeld) of the integrated development concept (ISEK). Topics belong to one,
/// so that contacts, actors and later projects can be counted per field of action.
final class FieldOfAction: Model, @unchecked Sendable {
    static let schema = "fields_of_action"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "position") var position: Int

    init() {}

    init(name: String, position: Int) {
        self.id = UUID()
        self.name = name
        self.position = position
    }
}

/// A topic (Thema) actors care about and contacts are about, e.g. "Spielplätze" in the field of action "Soziales".
final class Topic: Model, @unchecked Sendable {
    static let schema = "topics"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @OptionalParent(key: "field_of_action_id") var fieldOfAction: FieldOfAction?

    init() {}

    init(name: String, fieldOfActionID: UUID?) {
        self.id = UUID()
        self.name = name
        self.$fieldOfAction.id = fieldOfActionID
    }
}

struct CreateFieldOfActionAndTopic: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(FieldOfAction.schema)
            .id()
            .field("name", .string, .required)
            .field("position", .int, .required)
            .unique(on: "name")
            .create()
        try await database.schema(Topic.schema)
            .id()
            .field("name", .string, .required)
            .field("field_of_action_id", .uuid, .references(FieldOfAction.schema, "id", onDelete: .setNull))
            .unique(on: "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Topic.schema).delete()
        try await database.schema(FieldOfAction.schema).delete()
    }
}
