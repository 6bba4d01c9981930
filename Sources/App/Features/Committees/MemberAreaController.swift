import Fluent
import QuartierCore
import Vapor

/// "Mein Bereich": a committee member sees the internal material of her own committees — meetings with every
/// agenda item, documents, draft minutes — and her own tasks, and nothing of any other committee.
struct MemberAreaController: RouteCollection {
    static let meetingsShown = 10

    struct CommitteeRow: Encodable {
        let name: String
        let href: String
        let role: String
        let organisation: String?
    }

    struct MeetingRow: Encodable {
        let committee: String
        let date: String
        let machine: String
        let place: String
        let state: String
        let href: String
    }

    struct TaskRow: Encodable {
        let title: String
        let assignee: String
        let committee: String?
        let due: String?
        let overdue: Bool
        let done: Bool
        let doneURL: String?
    }

    struct HomeContent: Encodable {
        let linked: Bool
        let committees: [CommitteeRow]
        let meetings: [MeetingRow]
        let tasks: [TaskRow]
        let surveys: [SurveyDesk.FieldLink]
    }

    struct MemberRow: Encodable {
        let name: String
        let organisation: String?
        let role: String
    }

    struct CommitteeContent: Encodable {
        let description: [[String]]
        let kind: String
        let members: [MemberRow]
        let upcoming: [MeetingRow]
        let past: [MeetingRow]
        let tasks: [TaskRow]
        let homeURL: String
    }

    struct MeetingContent: Encodable {
        let record: MeetingRecord
        let committeeURL: String
        let tasks: [TaskRow]
    }

    func boot(routes: any RoutesBuilder) throws {
        let members = routes.grouped(RequireRole(role: .member))
        members.get(.memberArea, use: home)
        members.get(.memberCommittee(id: ":id"), use: committee)
        members.get(.memberMeeting(id: ":id"), use: meeting)
        members.post(.memberTaskDone(id: ":id"), use: taskDone)
    }

    @Sendable
    func home(req: Request) async throws -> Response {
        let seats = try await req.currentMemberships()
        let committeeIDs = seats.map { $0.$committee.id }
        let names = Dictionary(seats.map { ($0.$committee.id, $0.committee.name) }, uniquingKeysWith: { first, _ in first })
        let meetings = committeeIDs.isEmpty ? [] : try await Meeting.query(on: req.db).filter(\.$committee.$id ~~ committeeIDs)
            .filter(\.$startsAt >= Date()).sort(\.$startsAt).limit(Self.meetingsShown).all()
        var tasks: [CommitteeTask] = []
        if let personID = req.currentPersonID {
            tasks = try await CommitteeTask.query(on: req.db).filter(\.$person.$id == personID).filter(\.$doneAt == nil).with(\.$committee)
                .sort(\.$dueOn).limit(50).all()
        }
        let content = HomeContent(
            linked: req.currentPersonID != nil,
            committees: try seats.sorted { $0.committee.name < $1.committee.name }.map {
                CommitteeRow(name: $0.committee.name, href: SiteURL.memberCommittee(id: try $0.committee.requireID().uuidString).path,
                             role: req.t("committee.role.\($0.role.rawValue)"), organisation: $0.organisation?.name)
            },
            meetings: try meetings.map { try Self.row($0, committee: names[$0.$committee.id] ?? "", req) },
            tasks: try tasks.map { try Self.taskRow($0, req, own: true) },
            surveys: try await SurveyDesk.fieldLinks(req)
        )
        return try await req.renderPage("committees/member-home", title: req.t("member.title"), content, withForms: true)
    }

    @Sendable
    func committee(req: Request) async throws -> Response {
        let scope = try await req.committeeScope()
        guard let id = req.parameters.get("id", as: UUID.self), scope.contains(id),
              let committee = try await Committee.find(id, on: req.db)
        else { throw Abort(.notFound) }
        let today = CalendarDate.today()
        let memberships = try await CommitteeMembership.query(on: req.db).filter(\.$committee.$id == id).with(\.$person).with(\.$organisation).all()
            .filter { $0.period.isCurrent(at: today) }
        let now = Date()
        let upcoming = try await Meeting.query(on: req.db).filter(\.$committee.$id == id).filter(\.$startsAt >= now).sort(\.$startsAt).limit(Self.meetingsShown).all()
        let past = try await Meeting.query(on: req.db).filter(\.$committee.$id == id).filter(\.$startsAt < now).sort(\.$startsAt, .descending)
            .limit(Self.meetingsShown).all()
        let tasks = try await CommitteeTask.query(on: req.db).filter(\.$committee.$id == id).filter(\.$doneAt == nil).sort(\.$dueOn).limit(100).all()
        let personID = req.currentPersonID
        let content = CommitteeContent(
            description: PlainText.paragraphs(committee.description), kind: req.t("committee.kind.\(committee.kind.rawValue)"),
            members: memberships.map { MemberRow(name: $0.person.displayName, organisation: $0.organisation?.name, role: req.t("committee.role.\($0.role.rawValue)")) }
                .sorted { $0.name < $1.name },
            upcoming: try upcoming.map { try Self.row($0, committee: committee.name, req) },
            past: try past.map { try Self.row($0, committee: committee.name, req) },
            tasks: try tasks.map { try Self.taskRow($0, req, own: personID != nil && $0.$person.id == personID) },
            homeURL: SiteURL.memberArea.path
        )
        return try await req.renderPage("committees/member-committee", title: committee.name, content, withForms: true)
    }

    @Sendable
    func meeting(req: Request) async throws -> Response {
        let scope = try await req.committeeScope()
        guard let id = req.parameters.get("id", as: UUID.self),
              let meeting = try await Meeting.query(on: req.db).filter(\.$id == id).with(\.$committee).first(),
              scope.contains(meeting.$committee.id)
        else { throw Abort(.notFound) }
        let tasks = try await CommitteeTask.query(on: req.db).filter(\.$meeting.$id == id).sort(\.$createdAt).all()
        let content = MeetingContent(
            record: try await MeetingRecord.load(meeting, for: .members, req),
            committeeURL: SiteURL.memberCommittee(id: meeting.$committee.id.uuidString).path,
            tasks: try tasks.map { try Self.taskRow($0, req, own: false) }
        )
        return try await req.renderPage("committees/member-meeting", title: req.t("meetings.title", meeting.committee.name, BerlinTime.date(meeting.startsAt, req.language)),
                                        content)
    }

    /// A member marks her own task done; tasks of others stay with the people who own them.
    @Sendable
    func taskDone(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let task = try await CommitteeTask.find(id, on: req.db),
              let personID = req.currentPersonID, task.$person.id == personID
        else { throw Abort(.notFound) }
        try await task.markDone(req)
        req.flash("tasks.done")
        return req.redirect(to: SiteURL.memberArea.path)
    }

    static func row(_ meeting: Meeting, committee: String, _ req: Request) throws -> MeetingRow {
        MeetingRow(committee: committee, date: BerlinTime.dateTime(meeting.startsAt, req.language), machine: BerlinTime.machineReadable(meeting.startsAt),
                   place: meeting.place, state: req.t("meeting.state.\(meeting.state.rawValue)"), href: SiteURL.memberMeeting(id: try meeting.requireID().uuidString).path)
    }

    static func taskRow(_ task: CommitteeTask, _ req: Request, own: Bool) throws -> TaskRow {
        let today = CalendarDate.today()
        return TaskRow(title: task.title, assignee: task.assignee, committee: task.$committee.value?.name,
                       due: task.dueOn.map { CalendarDate.display($0, req.language) }, overdue: task.doneAt == nil && (task.dueOn.map { $0 < today } ?? false),
                       done: task.doneAt != nil, doneURL: own && task.doneAt == nil ? SiteURL.memberTaskDone(id: try task.requireID().uuidString).path : nil)
    }
}
