import Fluent
import QuartierCore
import SQLKit
import Vapor

/// Filters shared by the directory lists, each one SQL condition so that a list page stays two queries
/// (count and page) whatever the data size.
extension QueryBuilder {
    /// Keeps rows whose `column` is among the values the subquery selects.
    func filter(_ column: String, in subquery: some SQLExpression) -> Self {
        filter(.custom(SQLBinaryExpression(SQLColumn(column, table: Model.schema), SQLBinaryOperator.in, subquery)))
    }

    /// Keeps rows linked through `pivot` (`ownColumn` → this model) to a topic in `topicIDs`.
    func filter(linkedThrough pivot: String, ownColumn: String, toTopics topicIDs: [UUID]) -> Self {
        filter("id", in: SQLSubquery.select { $0.column(ownColumn).from(pivot).where("topic_id", .in, topicIDs) })
    }

    /// Keeps rows linked through `pivot` to any topic of a field of action.
    func filter(linkedThrough pivot: String, ownColumn: String, toFieldOfAction fieldID: UUID) -> Self {
        let topics = SQLSubquery.select { $0.column("id").from(Topic.schema).where("field_of_action_id", .equal, fieldID) }
        return filter("id", in: SQLSubquery.select { $0.column(ownColumn).from(pivot).where(SQLColumn("topic_id"), .in, topics) })
    }

    /// Orders never-contacted rows first, then the longest ago, the same on SQLite and PostgreSQL.
    func sortByLastContactOldestFirst() -> Self {
        sort(.custom(SQLRaw("\"last_contact_at\" IS NOT NULL"))).sort(.custom(SQLRaw("\"last_contact_at\"")))
    }
}

/// The query parameters of a directory list, shared by the page, the pager links and the exports.
struct DirectoryFilter: Content {
    var q: String?
    var typ: String?
    var thema: String?
    var feld: String?
    /// Not contacted for more than this many months. Text, because a browser sends the empty field too.
    var monate: String?
    var seite: String?

    /// The months filter; an empty or unreadable value means no filter, large values are capped.
    var months: Int? {
        guard let value = monate.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), value > 0 else { return nil }
        return min(value, 240)
    }

    var page: Int? { seite.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    var query: [String: String] {
        var items: [String: String] = [:]
        if let q, !q.isEmpty { items["q"] = q }
        if let typ, !typ.isEmpty { items["typ"] = typ }
        if let thema, !thema.isEmpty { items["thema"] = thema }
        if let feld, !feld.isEmpty { items["feld"] = feld }
        if let months { items["monate"] = String(months) }
        return items
    }

    var searchText: String? {
        guard let q = q?.trimmingCharacters(in: .whitespaces), !q.isEmpty else { return nil }
        return Person.searchKey(q)
    }

    var topicID: UUID? { thema.flatMap(UUID.init(uuidString:)) }
    var fieldID: UUID? { feld.flatMap(UUID.init(uuidString:)) }

    func cutoff(now: Date = Date()) -> Date? {
        guard let months else { return nil }
        return OutreachCoverage.cutoff(months: months, now: now)
    }
}

/// Options for the topic and field-of-action filters.
struct TopicOptions: Encodable {
    let topics: [SelectOption]
    let fields: [SelectOption]

    static func load(on database: any Database, selectedTopic: UUID?, selectedField: UUID?) async throws -> TopicOptions {
        let fields = try await FieldOfAction.query(on: database).sort(\.$position).all()
        let topics = try await Topic.query(on: database).sort(\.$name).limit(500).all()
        return TopicOptions(
            topics: try topics.map { SelectOption(value: try $0.requireID().uuidString, label: $0.name, selected: $0.id == selectedTopic) },
            fields: try fields.map { SelectOption(value: try $0.requireID().uuidString, label: $0.name, selected: $0.id == selectedField) }
        )
    }
}

/// Topics typed as "Spielplätze, Nachbarschaft" become topic rows (created when new).
enum TopicInput {
    static func names(_ text: String?) -> [String] {
        var seen = Set<String>()
        return (text ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\n" })
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty && $0.count <= 80 && seen.insert($0.lowercased()).inserted }
    }

    static func resolve(_ names: [String], on database: any Database) async throws -> [Topic] {
        guard !names.isEmpty else { return [] }
        let existing = try await Topic.query(on: database).filter(\.$name ~~ names).all()
        var result: [Topic] = []
        for name in names {
            if let topic = existing.first(where: { $0.name.lowercased() == name.lowercased() }) {
                result.append(topic)
            } else {
                let topic = Topic(name: name, fieldOfActionID: nil)
                try await topic.save(on: database)
                result.append(topic)
            }
        }
        return result
    }
}
