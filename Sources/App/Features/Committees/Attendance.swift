import Fluent
import QuartierCore
import Vapor

/// Who came to a meeting: present, excused or absent members, and guests.
final class Attendance: Model, @unchecked Sendable {
    static let schema = "meeting_attendance"

    enum Status: String, Codable, CaseIterable, Sendable {
        case present, excused, absent, guest
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "meeting_id") var meeting: Meeting
    @Parent(key: "person_id") var person: Person
    @Enum(key: "status") var status: Status

    init() {}

    init(meetingID: UUID, personID: UUID, status: Status) {
        self.$meeting.id = meetingID
        self.$person.id = personID
        self.status = status
    }
}

/// A task a committee gave someone: it stays on the committee's list, across meetings, until it is done.
final class CommitteeTask: Model, @unchecked Sendable {
    static let schema = "committee_tasks"

    @ID(key: .id) var id: UUID?
    @Parent(key: "committee_id") var committee: Committee
    @OptionalParent(key: "meeting_id") var meeting: Meeting?
    @Field(key: "title") var title: String
    @Field(key: "assignee") var assignee: String
    @OptionalParent(key: "person_id") var person: Person?
    @OptionalField(key: "due_on") var dueOn: Date?
    @OptionalField(key: "done_at") var doneAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(committeeID: UUID, meetingID: UUID?, title: String, assignee: String, personID: UUID?, dueOn: Date?) {
        self.$committee.id = committeeID
        self.$meeting.id = meetingID
        self.title = title
        self.assignee = assignee
        self.$person.id = personID
        self.dueOn = dueOn
    }
}

extension CommitteeTask {
    /// Done once, with the change in the audit log; marking a done task again changes nothing.
    func markDone(_ req: Request) async throws {
        guard doneAt == nil else { return }
        let before = auditSnapshot
        doneAt = Date()
        try await save(on: req.db)
        try await req.audit(.update, self, before: before)
    }
}

extension CommitteeTask: Auditable {
    static let auditType = "committee_task"

    var auditSnapshot: [String: String] {
        var snapshot = ["committee": $committee.id.uuidString, "title": title, "assignee": assignee]
        snapshot["due_on"] = dueOn.map(CalendarDate.iso)
        snapshot["done_at"] = doneAt.map { BerlinTime.dateTime($0, .de) }
        return snapshot
    }
}

struct CreateAttendanceAndTask: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let status = try await Attendance.Status.allCases.reduce(database.enum("attendance_status")) { $0.case($1.rawValue) }.create()
        try await database.schema(Attendance.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("status", status, .required)
            .unique(on: "meeting_id", "person_id")
            .create()
        try await database.schema(CommitteeTask.schema)
            .id()
            .field("committee_id", .uuid, .required, .references(Committee.schema, "id", onDelete: .cascade))
            .field("meeting_id", .uuid, .references(Meeting.schema, "id", onDelete: .setNull))
            .field("title", .string, .required)
            .field("assignee", .string, .required)
            .field("person_id", .uuid, .references(Person.schema, "id", onDelete: .setNull))
            .field("due_on", .date)
            .field("done_at", .datetime)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CommitteeTask.schema).delete()
        try await database.schema(Attendance.schema).delete()
        try await database.enum("attendance_status").delete()
    }
}
