import Fluent
import SQLKit
import QuartierCore
import Vapor

/// The programme's frame: the year the district entered the programme, the ISEK's year, the horizon and the
/// consolidation phase. One row; the first read creates it with the usual ten years.
final class Programme: Model, @unchecked Sendable {
    static let schema = "programme"

    @ID(key: .id) var id: UUID?
    @Field(key: "start_year") var startYear: Int
    @OptionalField(key: "isek_year") var isekYear: Int?
    @Field(key: "horizon_years") var horizonYears: Int
    @Field(key: "consolidation_years") var consolidationYears: Int

    init() {}

    init(startYear: Int, isekYear: Int?, horizonYears: Int = 10, consolidationYears: Int = 3) {
        self.id = UUID()
        self.startYear = startYear
        self.isekYear = isekYear
        self.horizonYears = horizonYears
        self.consolidationYears = consolidationYears
    }

    var timeline: ProgrammeTimeline {
        ProgrammeTimeline(startYear: startYear, isekYear: isekYear, horizonYears: horizonYears, consolidationYears: consolidationYears)
    }

    static func current(on database: any Database) async throws -> Programme {
        if let programme = try await Programme.query(on: database).first() { return programme }
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        let programme = Programme(startYear: year, isekYear: nil)
        try await programme.create(on: database)
        return programme
    }
}

/// A goal (Ziel) of the ISEK within one field of action.
final class IsekGoal: Model, @unchecked Sendable {
    static let schema = "isek_goals"

    @ID(key: .id) var id: UUID?
    @Parent(key: "field_of_action_id") var fieldOfAction: FieldOfAction
    @Field(key: "text") var text: String
    @Field(key: "position") var position: Int

    init() {}

    init(fieldOfActionID: UUID, text: String, position: Int) {
        self.id = UUID()
        self.$fieldOfAction.id = fieldOfActionID
        self.text = text
        self.position = position
    }
}

/// A measure (Maßnahme) of the ISEK with its number as the concept counts it, e.g. "3.2".
final class Measure: Model, @unchecked Sendable {
    static let schema = "measures"

    @ID(key: .id) var id: UUID?
    @Parent(key: "field_of_action_id") var fieldOfAction: FieldOfAction
    @Field(key: "number") var number: String
    @Field(key: "title") var title: String

    init() {}

    init(fieldOfActionID: UUID, number: String, title: String) {
        self.id = UUID()
        self.$fieldOfAction.id = fieldOfActionID
        self.number = number
        self.title = title
    }

    var label: String { number + " " + title }
}

/// A project of the neighbourhood: from an idea to something the district carries on. Led by an organisation or a
/// person from the directory; a residents' initiative is a project led by residents.
final class Project: Model, @unchecked Sendable {
    static let schema = "projects"

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "summary") var summary: String
    @Field(key: "phase") var phase: ProjectPhase
    @OptionalParent(key: "measure_id") var measure: Measure?
    @OptionalField(key: "starts_on") var startsOn: Date?
    @OptionalField(key: "ends_on") var endsOn: Date?
    @OptionalParent(key: "lead_organisation_id") var leadOrganisation: Organisation?
    @OptionalParent(key: "lead_person_id") var leadPerson: Person?
    @Field(key: "residents_initiative") var isResidentsInitiative: Bool
    @Field(key: "participation") var participation: String
    @Field(key: "is_public") var isPublic: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(title: String, summary: String = "", phase: ProjectPhase = .idea) {
        self.id = UUID()
        self.title = title
        self.summary = summary
        self.phase = phase
        self.isResidentsInitiative = false
        self.participation = ""
        self.isPublic = false
    }
}

/// The fields of action a project serves (one or more).
final class ProjectField: Model, @unchecked Sendable {
    static let schema = "project_fields"

    @ID(key: .id) var id: UUID?
    @Parent(key: "project_id") var project: Project
    @Parent(key: "field_of_action_id") var fieldOfAction: FieldOfAction

    init() {}

    init(projectID: UUID, fieldOfActionID: UUID) {
        self.id = UUID()
        self.$project.id = projectID
        self.$fieldOfAction.id = fieldOfActionID
    }
}

/// A partner of a project: an organisation or a person from the directory.
final class ProjectPartner: Model, @unchecked Sendable {
    static let schema = "project_partners"

    @ID(key: .id) var id: UUID?
    @Parent(key: "project_id") var project: Project
    @OptionalParent(key: "organisation_id") var organisation: Organisation?
    @OptionalParent(key: "person_id") var person: Person?

    init() {}

    init(projectID: UUID, organisationID: UUID?, personID: UUID?) {
        self.id = UUID()
        self.$project.id = projectID
        self.$organisation.id = organisationID
        self.$person.id = personID
    }
}

/// A line of a project's budget: where the money comes from, what for, planned and spent, in cents.
final class BudgetLine: Model, @unchecked Sendable {
    static let schema = "project_budget_lines"

    @ID(key: .id) var id: UUID?
    @Parent(key: "project_id") var project: Project
    @Field(key: "source") var source: FundingSource
    @Field(key: "purpose") var purpose: String
    @Field(key: "planned_cents") var plannedCents: Int
    @Field(key: "spent_cents") var spentCents: Int

    init() {}

    init(projectID: UUID, source: FundingSource, purpose: String, plannedCents: Int, spentCents: Int) {
        self.id = UUID()
        self.$project.id = projectID
        self.source = source
        self.purpose = purpose
        self.plannedCents = plannedCents
        self.spentCents = spentCents
    }

    var amount: BudgetAmount { BudgetAmount(source: source, plannedCents: plannedCents, spentCents: spentCents) }
}

/// A milestone with its day; done or not (late follows from the day).
final class Milestone: Model, @unchecked Sendable {
    static let schema = "project_milestones"

    @ID(key: .id) var id: UUID?
    @Parent(key: "project_id") var project: Project
    @Field(key: "title") var title: String
    @Field(key: "due_on") var dueOn: Date
    @Field(key: "done") var done: Bool

    init() {}

    init(projectID: UUID, title: String, dueOn: Date, done: Bool = false) {
        self.id = UUID()
        self.$project.id = projectID
        self.title = title
        self.dueOn = dueOn
        self.done = done
    }

    func state(today: Date = CalendarDate.today()) -> MilestoneState { .of(done: done, dueOn: dueOn, today: today) }
}

/// A dated entry of the project diary: what happened, told for the public page.
final class DiaryEntry: Model, @unchecked Sendable {
    static let schema = "project_diary"

    @ID(key: .id) var id: UUID?
    @Parent(key: "project_id") var project: Project
    @Field(key: "day") var day: Date
    @Field(key: "text") var text: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(projectID: UUID, day: Date, text: String) {
        self.id = UUID()
        self.$project.id = projectID
        self.day = day
        self.text = text
    }
}

/// An event that belongs to a project (a kick-off, a workshop, the opening).
final class ProjectEvent: Model, @unchecked Sendable {
    static let schema = "project_events"

    @ID(key: .id) var id: UUID?
    @Parent(key: "project_id") var project: Project
    @Parent(key: "event_id") var event: Event

    init() {}

    init(projectID: UUID, eventID: UUID) {
        self.id = UUID()
        self.$project.id = projectID
        self.$event.id = eventID
    }
}

struct CreateProjects: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Programme.schema)
            .id()
            .field("start_year", .int, .required)
            .field("isek_year", .int)
            .field("horizon_years", .int, .required)
            .field("consolidation_years", .int, .required)
            .create()
        // The one row of the programme, so that reading it never writes; staff set the real years on the ISEK page.
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        try await Programme(startYear: year, isekYear: nil).create(on: database)
        try await database.schema(IsekGoal.schema)
            .id()
            .field("field_of_action_id", .uuid, .required, .references(FieldOfAction.schema, "id", onDelete: .cascade))
            .field("text", .string, .required)
            .field("position", .int, .required)
            .create()
        try await database.schema(Measure.schema)
            .id()
            .field("field_of_action_id", .uuid, .required, .references(FieldOfAction.schema, "id", onDelete: .cascade))
            .field("number", .string, .required)
            .field("title", .string, .required)
            .unique(on: "number")
            .create()
        try await database.schema(Project.schema)
            .id()
            .field("title", .string, .required)
            .field("summary", .string, .required)
            .field("phase", .string, .required)
            .field("measure_id", .uuid, .references(Measure.schema, "id", onDelete: .setNull))
            .field("starts_on", .datetime)
            .field("ends_on", .datetime)
            .field("lead_organisation_id", .uuid, .references(Organisation.schema, "id", onDelete: .setNull))
            .field("lead_person_id", .uuid, .references(Person.schema, "id", onDelete: .setNull))
            .field("residents_initiative", .bool, .required)
            .field("participation", .string, .required)
            .field("is_public", .bool, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(ProjectField.schema)
            .id()
            .field("project_id", .uuid, .required, .references(Project.schema, "id", onDelete: .cascade))
            .field("field_of_action_id", .uuid, .required, .references(FieldOfAction.schema, "id", onDelete: .cascade))
            .unique(on: "project_id", "field_of_action_id")
            .create()
        try await database.schema(ProjectPartner.schema)
            .id()
            .field("project_id", .uuid, .required, .references(Project.schema, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("person_id", .uuid, .references(Person.schema, "id", onDelete: .cascade))
            .create()
        try await database.schema(BudgetLine.schema)
            .id()
            .field("project_id", .uuid, .required, .references(Project.schema, "id", onDelete: .cascade))
            .field("source", .string, .required)
            .field("purpose", .string, .required)
            .field("planned_cents", .int64, .required)
            .field("spent_cents", .int64, .required)
            .create()
        try await database.schema(Milestone.schema)
            .id()
            .field("project_id", .uuid, .required, .references(Project.schema, "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("due_on", .datetime, .required)
            .field("done", .bool, .required)
            .create()
        try await database.schema(DiaryEntry.schema)
            .id()
            .field("project_id", .uuid, .required, .references(Project.schema, "id", onDelete: .cascade))
            .field("day", .datetime, .required)
            .field("text", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(ProjectEvent.schema)
            .id()
            .field("project_id", .uuid, .required, .references(Project.schema, "id", onDelete: .cascade))
            .field("event_id", .uuid, .required, .references(Event.schema, "id", onDelete: .cascade))
            .unique(on: "project_id", "event_id")
            .create()
        for (table, column) in [(ProjectField.schema, "field_of_action_id"), (BudgetLine.schema, "project_id"), (Milestone.schema, "project_id"),
                                (DiaryEntry.schema, "project_id"), (ProjectPartner.schema, "project_id"), (Project.schema, "phase")] {
            if let sql = database as? any SQLDatabase {
                try await sql.create(index: "\(table)_\(column)_idx").on(table).column(column).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [ProjectEvent.schema, DiaryEntry.schema, Milestone.schema, BudgetLine.schema, ProjectPartner.schema, ProjectField.schema,
                       Project.schema, Measure.schema, IsekGoal.schema, Programme.schema] {
            try await database.schema(schema).delete()
        }
    }
}

extension Project: Auditable {
    static let auditType = "project"

    var auditSnapshot: [String: String] {
        var snapshot = ["title": title, "summary": summary, "phase": phase.rawValue, "participation": participation,
                        "residents_initiative": String(isResidentsInitiative), "is_public": String(isPublic)]
        snapshot["measure"] = $measure.id?.uuidString
        snapshot["starts_on"] = startsOn.map(CalendarDate.iso)
        snapshot["ends_on"] = endsOn.map(CalendarDate.iso)
        snapshot["lead_organisation"] = $leadOrganisation.id?.uuidString
        snapshot["lead_person"] = $leadPerson.id?.uuidString
        return snapshot
    }
}

extension BudgetLine: Auditable {
    static let auditType = "project_budget_line"

    var auditSnapshot: [String: String] {
        ["project": $project.id.uuidString, "source": source.rawValue, "purpose": purpose, "planned_cents": String(plannedCents), "spent_cents": String(spentCents)]
    }
}

extension Milestone: Auditable {
    static let auditType = "project_milestone"

    var auditSnapshot: [String: String] { ["project": $project.id.uuidString, "title": title, "due_on": CalendarDate.iso(dueOn), "done": String(done)] }
}

extension DiaryEntry: Auditable {
    static let auditType = "project_diary_entry"

    var auditSnapshot: [String: String] { ["project": $project.id.uuidString, "day": CalendarDate.iso(day), "text": text] }
}

extension Measure: Auditable {
    static let auditType = "measure"

    var auditSnapshot: [String: String] { ["field_of_action": $fieldOfAction.id.uuidString, "number": number, "title": title] }
}

extension IsekGoal: Auditable {
    static let auditType = "isek_goal"

    var auditSnapshot: [String: String] { ["field_of_action": $fieldOfAction.id.uuidString, "text": text, "position": String(position)] }
}

extension Programme: Auditable {
    static let auditType = "programme"

    var auditSnapshot: [String: String] {
        var snapshot = ["start_year": String(startYear), "horizon_years": String(horizonYears), "consolidation_years": String(consolidationYears)]
        snapshot["isek_year"] = isekYear.map(String.init)
        return snapshot
    }
}

/// The photo of a diary entry (at most one). Its bytes live in the shared `FileContent` table under the photo's id,
/// as the event documentation's photos do; the text for screen readers is required.
final class DiaryPhoto: Model, @unchecked Sendable {
    static let schema = "project_diary_photos"

    @ID(key: .id) var id: UUID?
    @Parent(key: "diary_entry_id") var entry: DiaryEntry
    @Field(key: "filename") var filename: String
    @Field(key: "mime_type") var mimeType: String
    @Field(key: "size") var size: Int
    @Field(key: "width") var width: Int
    @Field(key: "height") var height: Int
    @Field(key: "sha512") var sha512: String
    @Field(key: "alt_text") var altText: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(entryID: UUID, filename: String, type: ImageType, bytes: [UInt8], altText: String) {
        self.id = UUID()
        self.$entry.id = entryID
        self.filename = filename
        self.mimeType = type.mimeType
        self.size = bytes.count
        let dimensions = ImageType.dimensions(of: bytes)
        self.width = dimensions?.width ?? 0
        self.height = dimensions?.height ?? 0
        self.sha512 = SHA512.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        self.altText = altText
    }
}

extension DiaryPhoto: Auditable {
    static let auditType = "project_diary_photo"

    var auditSnapshot: [String: String] { ["entry": $entry.id.uuidString, "filename": filename, "alt_text": altText, "sha512": sha512] }
}

struct CreateProjectDiaryPhotos: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DiaryPhoto.schema)
            .id()
            .field("diary_entry_id", .uuid, .required, .references(DiaryEntry.schema, "id", onDelete: .cascade))
            .field("filename", .string, .required)
            .field("mime_type", .string, .required)
            .field("size", .int, .required)
            .field("width", .int, .required)
            .field("height", .int, .required)
            .field("sha512", .string, .required)
            .field("alt_text", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "diary_entry_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DiaryPhoto.schema).delete()
    }
}

/// A committee decision a project rests on or carries out (an agenda item with a decision).
final class ProjectDecision: Model, @unchecked Sendable {
    static let schema = "project_decisions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "project_id") var project: Project
    @Parent(key: "agenda_item_id") var agendaItem: AgendaItem

    init() {}

    init(projectID: UUID, agendaItemID: UUID) {
        self.id = UUID()
        self.$project.id = projectID
        self.$agendaItem.id = agendaItemID
    }
}

struct CreateProjectDecisions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ProjectDecision.schema)
            .id()
            .field("project_id", .uuid, .required, .references(Project.schema, "id", onDelete: .cascade))
            .field("agenda_item_id", .uuid, .required, .references(AgendaItem.schema, "id", onDelete: .cascade))
            .unique(on: "project_id", "agenda_item_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ProjectDecision.schema).delete()
    }
}
