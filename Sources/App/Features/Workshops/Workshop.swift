import Crypto
import Fluent
import QuartierCore
import SQLKit
import Vapor

/// The workspace of a future workshop (Zukunftswerkstatt): one per event of that format, in one of Jungk's phases,
/// with a short code participants use from their phones while the facilitator keeps it open.
final class Workshop: Model, @unchecked Sendable {
    static let schema = "workshops"

    typealias Phase = WorkshopPhase

    @ID(key: .id) var id: UUID?
    @Parent(key: "event_id") var event: Event
    @Enum(key: "phase") var phase: Phase
    @Field(key: "code") var code: String
    /// Participants can send cards through the short link only while this is on.
    @Field(key: "participation_open") var participationOpen: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(eventID: UUID, code: String) {
        self.id = UUID()
        self.$event.id = eventID
        self.phase = .critique
        self.code = code
        self.participationOpen = true
    }
}

extension Workshop: Auditable {
    static let auditType = "workshop"

    var auditSnapshot: [String: String] {
        ["event": $event.id.uuidString, "phase": phase.rawValue, "code": code, "participation_open": String(participationOpen)]
    }
}

/// A group of cards on the wall under a heading, in one phase; dots can go to the cluster as a whole.
final class WorkshopCluster: Model, @unchecked Sendable {
    static let schema = "workshop_clusters"

    @ID(key: .id) var id: UUID?
    @Parent(key: "workshop_id") var workshop: Workshop
    @Enum(key: "phase") var phase: WorkshopPhase
    @Field(key: "heading") var heading: String
    @Field(key: "dots") var dots: Int
    @Field(key: "position") var position: Int

    init() {}

    init(workshopID: UUID, phase: WorkshopPhase, heading: String, position: Int) {
        self.id = UUID()
        self.$workshop.id = workshopID
        self.phase = phase
        self.heading = heading
        self.dots = 0
        self.position = position
    }
}

extension WorkshopCluster: Auditable {
    static let auditType = "workshop_cluster"

    var auditSnapshot: [String: String] {
        ["workshop": $workshop.id.uuidString, "phase": phase.rawValue, "heading": heading, "dots": String(dots)]
    }
}

/// One card: written by the facilitator, or sent by a participant from her phone (then it waits for approval).
final class WorkshopCard: Model, @unchecked Sendable {
    static let schema = "workshop_cards"

    enum Status: String, Codable, CaseIterable, Sendable {
        case approved, pending
    }

    enum Source: String, Codable, CaseIterable, Sendable {
        case facilitator, participant
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "workshop_id") var workshop: Workshop
    @Enum(key: "phase") var phase: WorkshopPhase
    @Field(key: "text") var text: String
    @OptionalParent(key: "cluster_id") var cluster: WorkshopCluster?
    @Field(key: "dots") var dots: Int
    @Enum(key: "status") var status: Status
    @Enum(key: "source") var source: Source
    /// A one-way hash of the sending phone's form cookie, only to limit how many cards one phone sends.
    @OptionalField(key: "sender") var sender: String?
    @Field(key: "position") var position: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(workshopID: UUID, phase: WorkshopPhase, text: String, clusterID: UUID? = nil, status: Status, source: Source, position: Int,
         sender: String? = nil) {
        self.id = UUID()
        self.$workshop.id = workshopID
        self.phase = phase
        self.text = text
        self.$cluster.id = clusterID
        self.dots = 0
        self.status = status
        self.source = source
        self.position = position
        self.sender = sender
    }

    /// The hash a participant's card is counted under: her browser's form cookie, never stored as it is.
    static func senderKey(seed: String) -> String {
        SHA256.hash(data: Data(("workshop-sender|" + seed).utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}

extension WorkshopCard: Auditable {
    static let auditType = "workshop_card"
    static let auditRedacted: Set<String> = ["sender"]

    var auditSnapshot: [String: String] {
        var snapshot = ["workshop": $workshop.id.uuidString, "phase": phase.rawValue, "text": text, "dots": String(dots), "status": status.rawValue,
                        "source": source.rawValue]
        snapshot["cluster"] = $cluster.id?.uuidString
        return snapshot
    }
}

/// A project sketch from the realisation phase: what is to happen, and the concrete steps to get there.
final class WorkshopSketch: Model, @unchecked Sendable {
    static let schema = "workshop_sketches"

    @ID(key: .id) var id: UUID?
    @Parent(key: "workshop_id") var workshop: Workshop
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    /// The utopia cluster the sketch grew out of, if any.
    @OptionalParent(key: "cluster_id") var origin: WorkshopCluster?
    @Field(key: "position") var position: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(workshopID: UUID, title: String, description: String, originID: UUID?, position: Int) {
        self.id = UUID()
        self.$workshop.id = workshopID
        self.title = title
        self.description = description
        self.$origin.id = originID
        self.position = position
    }
}

extension WorkshopSketch: Auditable {
    static let auditType = "workshop_sketch"

    var auditSnapshot: [String: String] {
        var snapshot = ["workshop": $workshop.id.uuidString, "title": title, "description": description]
        snapshot["origin"] = $origin.id?.uuidString
        return snapshot
    }
}

/// One step of a project sketch: who does what by when.
final class WorkshopStep: Model, @unchecked Sendable {
    static let schema = "workshop_steps"

    @ID(key: .id) var id: UUID?
    @Parent(key: "sketch_id") var sketch: WorkshopSketch
    @Field(key: "what") var what: String
    @Field(key: "who") var who: String
    @Field(key: "due_on") var dueOn: Date
    @Field(key: "position") var position: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(sketchID: UUID, what: String, who: String, dueOn: Date, position: Int) {
        self.id = UUID()
        self.$sketch.id = sketchID
        self.what = what
        self.who = who
        self.dueOn = dueOn
        self.position = position
    }
}

extension WorkshopStep: Auditable {
    static let auditType = "workshop_step"

    var auditSnapshot: [String: String] {
        ["sketch": $sketch.id.uuidString, "what": what, "who": who, "due_on": CalendarDate.iso(dueOn)]
    }
}

struct CreateWorkshops: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let phase = try await WorkshopPhase.allCases.reduce(database.enum("workshop_phase")) { $0.case($1.rawValue) }.create()
        let status = try await WorkshopCard.Status.allCases.reduce(database.enum("workshop_card_status")) { $0.case($1.rawValue) }.create()
        let source = try await WorkshopCard.Source.allCases.reduce(database.enum("workshop_card_source")) { $0.case($1.rawValue) }.create()
        try await database.schema(Workshop.schema)
            .id()
            .field("event_id", .uuid, .required, .references(Event.schema, "id", onDelete: .cascade))
            .field("phase", phase, .required)
            .field("code", .string, .required)
            .field("participation_open", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "event_id")
            .unique(on: "code")
            .create()
        try await database.schema(WorkshopCluster.schema)
            .id()
            .field("workshop_id", .uuid, .required, .references(Workshop.schema, "id", onDelete: .cascade))
            .field("phase", phase, .required)
            .field("heading", .string, .required)
            .field("dots", .int, .required)
            .field("position", .int, .required)
            .create()
        try await database.schema(WorkshopCard.schema)
            .id()
            .field("workshop_id", .uuid, .required, .references(Workshop.schema, "id", onDelete: .cascade))
            .field("phase", phase, .required)
            .field("text", .string, .required)
            .field("cluster_id", .uuid, .references(WorkshopCluster.schema, "id", onDelete: .setNull))
            .field("dots", .int, .required)
            .field("status", status, .required)
            .field("source", source, .required)
            .field("sender", .string)
            .field("position", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(WorkshopSketch.schema)
            .id()
            .field("workshop_id", .uuid, .required, .references(Workshop.schema, "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("cluster_id", .uuid, .references(WorkshopCluster.schema, "id", onDelete: .setNull))
            .field("position", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(WorkshopStep.schema)
            .id()
            .field("sketch_id", .uuid, .required, .references(WorkshopSketch.schema, "id", onDelete: .cascade))
            .field("what", .string, .required)
            .field("who", .string, .required)
            .field("due_on", .date, .required)
            .field("position", .int, .required)
            .field("created_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "workshop_cards_workshop").on(WorkshopCard.schema).column("workshop_id").column("status").column("phase").run()
            try await sql.create(index: "workshop_cards_sender").on(WorkshopCard.schema).column("workshop_id").column("sender").column("created_at").run()
            try await sql.create(index: "workshop_clusters_workshop").on(WorkshopCluster.schema).column("workshop_id").column("phase").run()
            try await sql.create(index: "workshop_sketches_workshop").on(WorkshopSketch.schema).column("workshop_id").run()
            try await sql.create(index: "workshop_steps_sketch").on(WorkshopStep.schema).column("sketch_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [WorkshopStep.schema, WorkshopSketch.schema, WorkshopCard.schema, WorkshopCluster.schema, Workshop.schema] {
            try await database.schema(schema).delete()
        }
        for name in ["workshop_card_source", "workshop_card_status", "workshop_phase"] {
            try await database.enum(name).delete()
        }
    }
}
