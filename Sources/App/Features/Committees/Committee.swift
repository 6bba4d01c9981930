import Fluent
import QuartierCore
import SQLKit
import Vapor

/// A committee (Gremium): the steering group, a working group, a residents' council, the fund's jury, a network.
final class Committee: Model, @unchecked Sendable {
    static let schema = "committees"

    enum Kind: String, Codable, CaseIterable, Sendable {
        case steering, workingGroup = "working-group", advisory, jury, network, roundTable = "round-table"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Enum(key: "kind") var kind: Kind
    @Field(key: "description") var description: String
    @Field(key: "is_public") var isPublic: Bool
    @Field(key: "notice_days") var noticeDays: Int
    @Enum(key: "quorum_kind") var quorumKind: QuorumRule.Kind
    @Field(key: "quorum_value") var quorumValue: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Kept as a soft delete: OParl lists deleted objects to clients that synchronise.
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    init(name: String, kind: Kind, isPublic: Bool, noticeDays: Int, quorum: QuorumRule) {
        self.id = UUID()
        self.name = name
        self.kind = kind
        self.description = ""
        self.isPublic = isPublic
        self.noticeDays = noticeDays
        self.quorumKind = quorum.kind
        self.quorumValue = quorum.value
    }

    var quorum: QuorumRule { QuorumRule(kind: quorumKind, value: quorumValue) }
}

extension Committee: Auditable {
    static let auditType = "committee"

    var auditSnapshot: [String: String] {
        ["name": name, "kind": kind.rawValue, "description": description, "is_public": String(isPublic),
         "notice_days": String(noticeDays), "quorum": "\(quorumKind.rawValue):\(quorumValue)"]
    }
}

/// A person's seat in a committee: on behalf of which organisation, in which role, with or without a vote, from/until.
final class CommitteeMembership: Model, @unchecked Sendable {
    static let schema = "committee_memberships"

    enum Role: String, Codable, CaseIterable, Sendable {
        case chair, moderation, member, deputy, guest, management
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "committee_id") var committee: Committee
    @Parent(key: "person_id") var person: Person
    @OptionalParent(key: "organisation_id") var organisation: Organisation?
    @Enum(key: "role") var role: Role
    @Field(key: "voting_right") var votingRight: Bool
    @OptionalField(key: "valid_from") var from: Date?
    @OptionalField(key: "valid_until") var until: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(committeeID: UUID, personID: UUID, organisationID: UUID?, role: Role, votingRight: Bool, from: Date?) {
        self.$committee.id = committeeID
        self.$person.id = personID
        self.$organisation.id = organisationID
        self.role = role
        self.votingRight = votingRight
        self.from = from
    }

    var period: FunctionPeriod { FunctionPeriod(from: from, until: until) }
}

extension CommitteeMembership: Auditable {
    static let auditType = "committee_membership"

    var auditSnapshot: [String: String] {
        var snapshot = ["committee": $committee.id.uuidString, "person": $person.id.uuidString, "role": role.rawValue, "voting_right": String(votingRight)]
        snapshot["organisation"] = $organisation.id?.uuidString
        snapshot["from"] = from.map(CalendarDate.iso)
        snapshot["until"] = until.map(CalendarDate.iso)
        return snapshot
    }
}

/// A meeting (Sitzung) of a committee with its agenda.
final class Meeting: Model, @unchecked Sendable {
    static let schema = "meetings"

    typealias State = MeetingState

    @ID(key: .id) var id: UUID?
    @Parent(key: "committee_id") var committee: Committee
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    @Field(key: "place") var place: String
    @Enum(key: "state") var state: State
    /// Raised on every change calendars must learn of (iCalendar SEQUENCE).
    @Field(key: "sequence") var sequence: Int
    /// Set when a following meeting approved this meeting's minutes: they are then fixed and, for public items, published.
    @OptionalField(key: "minutes_approved_at") var minutesApprovedAt: Date?
    @OptionalField(key: "approved_in_meeting_id") var approvedInMeetingID: UUID?
    @Children(for: \.$meeting) var agenda: [AgendaItem]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    init(committeeID: UUID, startsAt: Date, endsAt: Date, place: String, state: State = .planned) {
        self.id = UUID()
        self.$committee.id = committeeID
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.place = place
        self.state = state
        self.sequence = 0
    }
}

extension Meeting: Auditable {
    static let auditType = "meeting"

    var auditSnapshot: [String: String] {
        ["committee": $committee.id.uuidString, "starts_at": BerlinTime.dateTime(startsAt, .de), "ends_at": BerlinTime.dateTime(endsAt, .de),
         "place": place, "state": state.rawValue, "minutes_approved_at": minutesApprovedAt.map { BerlinTime.dateTime($0, .de) } ?? ""]
    }

    var minutesApproved: Bool { minutesApprovedAt != nil }
}

/// One numbered item of a meeting's agenda, public or not.
final class AgendaItem: Model, @unchecked Sendable {
    static let schema = "agenda_items"

    @ID(key: .id) var id: UUID?
    @Parent(key: "meeting_id") var meeting: Meeting
    @Field(key: "position") var position: Int
    @Field(key: "title") var title: String
    @Field(key: "text") var text: String
    @Field(key: "is_public") var isPublic: Bool
    @OptionalParent(key: "responsible_id") var responsible: Person?
    /// The minutes of this item, a draft until the committee approves them.
    @Field(key: "minutes") var minutes: String
    @OptionalField(key: "decision_text") var decisionText: String?
    @OptionalField(key: "votes_yes") var votesYes: Int?
    @OptionalField(key: "votes_no") var votesNo: Int?
    @OptionalField(key: "votes_abstain") var votesAbstain: Int?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(meetingID: UUID, position: Int, title: String, text: String = "", isPublic: Bool, responsibleID: UUID? = nil) {
        self.$meeting.id = meetingID
        self.position = position
        self.title = title
        self.text = text
        self.isPublic = isPublic
        self.$responsible.id = responsibleID
        self.minutes = ""
    }

    var votes: VoteCount? {
        guard let votesYes, let votesNo, let votesAbstain else { return nil }
        return VoteCount(yes: votesYes, no: votesNo, abstain: votesAbstain)
    }
}

extension AgendaItem: Auditable {
    static let auditType = "agenda_item"

    var auditSnapshot: [String: String] {
        var snapshot = ["meeting": $meeting.id.uuidString, "position": String(position), "title": title, "text": text, "is_public": String(isPublic),
                        "minutes": minutes]
        snapshot["decision"] = decisionText
        snapshot["votes"] = votes.map { "\($0.yes)/\($0.no)/\($0.abstain)" }
        snapshot["responsible"] = $responsible.id?.uuidString
        return snapshot
    }
}

struct CreateCommittee: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let kind = try await Committee.Kind.allCases.reduce(database.enum("committee_kind")) { $0.case($1.rawValue) }.create()
        let quorum = try await QuorumRule.Kind.allCases.reduce(database.enum("quorum_kind")) { $0.case($1.rawValue) }.create()
        try await database.schema(Committee.schema)
            .id()
            .field("name", .string, .required)
            .field("kind", kind, .required)
            .field("description", .string, .required)
            .field("is_public", .bool, .required)
            .field("notice_days", .int, .required)
            .field("quorum_kind", quorum, .required)
            .field("quorum_value", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        let role = try await CommitteeMembership.Role.allCases.reduce(database.enum("committee_role")) { $0.case($1.rawValue) }.create()
        try await database.schema(CommitteeMembership.schema)
            .id()
            .field("committee_id", .uuid, .required, .references(Committee.schema, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .references(Organisation.schema, "id", onDelete: .setNull))
            .field("role", role, .required)
            .field("voting_right", .bool, .required)
            .field("valid_from", .date)
            .field("valid_until", .date)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        let state = try await Meeting.State.allCases.reduce(database.enum("meeting_state")) { $0.case($1.rawValue) }.create()
        try await database.schema(Meeting.schema)
            .id()
            .field("committee_id", .uuid, .required, .references(Committee.schema, "id", onDelete: .cascade))
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("place", .string, .required)
            .field("state", state, .required)
            .field("sequence", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await database.schema(AgendaItem.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("title", .string, .required)
            .field("text", .string, .required)
            .field("is_public", .bool, .required)
            .field("responsible_id", .uuid, .references(Person.schema, "id", onDelete: .setNull))
            .field("minutes", .string, .required)
            .field("decision_text", .string)
            .field("votes_yes", .int)
            .field("votes_no", .int)
            .field("votes_abstain", .int)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "committee_memberships_committee").on(CommitteeMembership.schema).column("committee_id").run()
            try await sql.create(index: "committee_memberships_person").on(CommitteeMembership.schema).column("person_id").run()
            try await sql.create(index: "meetings_committee_starts").on(Meeting.schema).column("committee_id").column("starts_at").run()
            try await sql.create(index: "agenda_items_meeting").on(AgendaItem.schema).column("meeting_id").column("position").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [AgendaItem.schema, Meeting.schema, CommitteeMembership.schema, Committee.schema] {
            try await database.schema(schema).delete()
        }
        for name in ["meeting_state", "committee_role", "quorum_kind", "committee_kind"] {
            try await database.enum(name).delete()
        }
    }
}
