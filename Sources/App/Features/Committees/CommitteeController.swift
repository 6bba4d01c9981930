import Fluent
import QuartierCore
import Vapor

/// Committees with their rules and members, and the meetings planned for them.
struct CommitteeController: RouteCollection {
    static let perPage = 25

    struct Row: Encodable {
        let name: String
        let kind: String
        let href: String
        let isPublic: Bool
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let pagination: PaginationContext
        let newURL: String
    }

    struct MemberRow: Encodable {
        let person: String
        let href: String
        let organisation: String?
        let role: String
        let voting: Bool
        let period: String
        let current: Bool
        let endURL: String?
    }

    struct MeetingRow: Encodable {
        let date: String
        let machine: String
        let place: String
        let state: String
        let href: String
    }

    struct ShowContent: Encodable {
        let name: String
        let kind: String
        let isPublic: Bool
        let description: [[String]]
        let noticeDays: Int
        let quorum: String
        let members: [MemberRow]
        let upcoming: [MeetingRow]
        let past: [MeetingRow]
        let editURL: String
        let membersURL: String
        let meetingsURL: String
        let feedURL: String?
        let roles: [SelectOption]
        let today: String
        let errors: [String]
    }

    struct Form: Content {
        var name: String?
        var kind: String?
        var description: String?
        var is_public: String?
        var notice_days: String?
        var quorum_kind: String?
        var quorum_value: String?
    }

    struct FormContent: Encodable {
        let form: Form
        let kinds: [SelectOption]
        let quorumKinds: [SelectOption]
        let errors: [String]
        let action: String
    }

    struct MemberForm: Content {
        var person: String?
        var organisation: String?
        var role: String?
        var voting: String?
        var from: String?
    }

    struct MeetingForm: Content {
        var date: String?
        var start: String?
        var end: String?
        var place: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.committees, use: index)
        staff.get(.committeeNew, use: new)
        staff.post(.committeeNew, use: create)
        staff.get(.committee(id: ":id"), use: show)
        staff.get(.committeeEdit(id: ":id"), use: edit)
        staff.post(.committeeEdit(id: ":id"), use: update)
        staff.post(.committeeMembers(id: ":id"), use: addMember)
        staff.post(.committeeMemberEnd(id: ":id", membership: ":membership"), use: endMember)
        staff.post(.committeeMeetings(id: ":id"), use: addMeeting)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await Committee.query(on: req.db).count())
        let committees = try await Committee.query(on: req.db).sort(\.$name).range(window.offset..<(window.offset + window.perPage)).all()
        let rows = try committees.map {
            Row(name: $0.name, kind: req.t("committee.kind.\($0.kind.rawValue)"), href: SiteURL.committee(id: try $0.requireID().uuidString).path, isPublic: $0.isPublic)
        }
        return try await req.renderPage("committees/index", title: req.t("committees.title"),
                                        IndexContent(rows: rows, pagination: PaginationContext(window, baseURL: SiteURL.committees.path, req: req),
                                                     newURL: SiteURL.committeeNew.path))
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        try await showPage(req, committee: try await Self.find(req), errors: [], status: .ok)
    }

    func showPage(_ req: Request, committee: Committee, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try committee.requireID()
        let memberships = try await CommitteeMembership.query(on: req.db).filter(\.$committee.$id == id).with(\.$person).with(\.$organisation).all()
        let now = Date()
        let upcoming = try await Meeting.query(on: req.db).filter(\.$committee.$id == id).filter(\.$startsAt >= now).sort(\.$startsAt).limit(10).all()
        let past = try await Meeting.query(on: req.db).filter(\.$committee.$id == id).filter(\.$startsAt < now).sort(\.$startsAt, .descending).limit(10).all()
        let today = CalendarDate.today(now: now)
        let voting = memberships.filter { $0.votingRight && $0.period.isCurrent(at: today) }.count
        let quorum = committee.quorum
        func meetingRow(_ meeting: Meeting) throws -> MeetingRow {
            MeetingRow(date: BerlinTime.dateTime(meeting.startsAt, req.language), machine: BerlinTime.machineReadable(meeting.startsAt), place: meeting.place,
                       state: req.t("meeting.state.\(meeting.state.rawValue)"), href: SiteURL.meeting(id: try meeting.requireID().uuidString).path)
        }
        let content = ShowContent(
            name: committee.name, kind: req.t("committee.kind.\(committee.kind.rawValue)"), isPublic: committee.isPublic,
            description: PlainText.paragraphs(committee.description), noticeDays: committee.noticeDays,
            quorum: req.t("committee.quorum.\(quorum.kind.rawValue)", String(quorum.value), String(quorum.required(votingMembers: voting)), String(voting)),
            members: try memberships.map { membership in
                let current = membership.period.isCurrent(at: today)
                return MemberRow(
                    person: membership.person.displayName, href: SiteURL.person(id: try membership.person.requireID().uuidString).path,
                    organisation: membership.organisation?.name, role: req.t("committee.role.\(membership.role.rawValue)"), voting: membership.votingRight,
                    period: OrganisationController.period(membership.period, req), current: current,
                    endURL: current ? SiteURL.committeeMemberEnd(id: id.uuidString, membership: try membership.requireID().uuidString).path : nil
                )
            }.sorted { ($0.current ? 0 : 1, $0.person) < ($1.current ? 0 : 1, $1.person) },
            upcoming: try upcoming.map(meetingRow), past: try past.map(meetingRow),
            editURL: SiteURL.committeeEdit(id: id.uuidString).path, membersURL: SiteURL.committeeMembers(id: id.uuidString).path,
            meetingsURL: SiteURL.committeeMeetings(id: id.uuidString).path,
            feedURL: committee.isPublic ? SiteURL.committeeFeed(id: id.uuidString).path : nil,
            roles: CommitteeMembership.Role.allCases.map { .init(value: $0.rawValue, label: req.t("committee.role.\($0.rawValue)"), selected: $0 == .member) },
            today: CalendarDate.iso(today), errors: errors
        )
        return try await req.renderPage("committees/show", title: committee.name, content, status: status, withForms: true)
    }

    @Sendable
    func new(req: Request) async throws -> Response {
        try await form(req, Form(kind: Committee.Kind.workingGroup.rawValue, notice_days: "7", quorum_kind: "share", quorum_value: "50"), committee: nil, errors: [], status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(Form.self)
        let committee = Committee(name: "", kind: .workingGroup, isPublic: false, noticeDays: 7, quorum: QuorumRule(kind: .share, value: 50))
        let errors = apply(input, to: committee, req: req)
        guard errors.isEmpty else { return try await form(req, input, committee: nil, errors: errors, status: .badRequest) }
        try await committee.save(on: req.db)
        try await req.audit(.create, committee, before: nil)
        req.flash("committees.saved", committee.name)
        return req.redirect(to: SiteURL.committee(id: try committee.requireID().uuidString).path)
    }

    @Sendable
    func edit(req: Request) async throws -> Response {
        let committee = try await Self.find(req)
        let input = Form(name: committee.name, kind: committee.kind.rawValue, description: committee.description, is_public: committee.isPublic ? "on" : nil,
                         notice_days: String(committee.noticeDays), quorum_kind: committee.quorumKind.rawValue, quorum_value: String(committee.quorumValue))
        return try await form(req, input, committee: committee, errors: [], status: .ok)
    }

    @Sendable
    func update(req: Request) async throws -> Response {
        let committee = try await Self.find(req)
        let input = try req.content.decode(Form.self)
        let before = committee.auditSnapshot
        let errors = apply(input, to: committee, req: req)
        guard errors.isEmpty else { return try await form(req, input, committee: committee, errors: errors, status: .badRequest) }
        try await committee.save(on: req.db)
        try await req.audit(.update, committee, before: before)
        req.flash("committees.saved", committee.name)
        return req.redirect(to: SiteURL.committee(id: try committee.requireID().uuidString).path)
    }

    @Sendable
    func addMember(req: Request) async throws -> Response {
        let committee = try await Self.find(req)
        let input = try req.content.decode(MemberForm.self)
        var errors: [String] = []
        let person = try await Person.named(input.person ?? "", errors: &errors, req: req)
        var organisation: Organisation?
        if let name = input.organisation?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            organisation = try await Organisation.query(on: req.db).filter(\.$searchKey == Person.searchKey(name)).first()
            if organisation == nil { errors.append(req.t("functions.error.organisation", name)) }
        }
        let role = CommitteeMembership.Role(rawValue: input.role ?? "")
        if role == nil { errors.append(req.t("committees.error.role")) }
        let from = PersonController.optionalDay(input.from, errors: &errors, req: req)
        guard errors.isEmpty, let person, let role else { return try await showPage(req, committee: committee, errors: errors, status: .badRequest) }
        let membership = CommitteeMembership(committeeID: try committee.requireID(), personID: try person.requireID(), organisationID: organisation?.id,
                                             role: role, votingRight: input.voting != nil, from: from)
        try await membership.save(on: req.db)
        try await req.audit(.create, membership, before: nil)
        req.flash("committees.member_saved", person.displayName)
        return req.redirect(to: SiteURL.committee(id: try committee.requireID().uuidString).path)
    }

    @Sendable
    func endMember(req: Request) async throws -> Response {
        let committee = try await Self.find(req)
        guard let membershipID = req.parameters.get("membership", as: UUID.self),
              let membership = try await CommitteeMembership.query(on: req.db).filter(\.$id == membershipID).filter(\.$committee.$id == committee.requireID()).first()
        else { throw Abort(.notFound) }
        let before = membership.auditSnapshot
        let today = CalendarDate.today()
        membership.until = max(today, membership.from ?? today)
        try await membership.save(on: req.db)
        try await req.audit(.update, membership, before: before)
        req.flash("committees.member_ended")
        return req.redirect(to: SiteURL.committee(id: try committee.requireID().uuidString).path)
    }

    @Sendable
    func addMeeting(req: Request) async throws -> Response {
        let committee = try await Self.find(req)
        let input = try req.content.decode(MeetingForm.self)
        var errors: [String] = []
        let times = MeetingTimes.parse(date: input.date, start: input.start, end: input.end)
        if times == nil { errors.append(req.t("meetings.error.time")) }
        let place = (input.place ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if place.isEmpty || place.count > 200 { errors.append(req.t("meetings.error.place")) }
        guard errors.isEmpty, let times else { return try await showPage(req, committee: committee, errors: errors, status: .badRequest) }
        let meeting = Meeting(committeeID: try committee.requireID(), startsAt: times.start, endsAt: times.end, place: place)
        try await meeting.save(on: req.db)
        try await req.audit(.create, meeting, before: nil)
        req.flash("meetings.saved")
        return req.redirect(to: SiteURL.meeting(id: try meeting.requireID().uuidString).path)
    }

    private func apply(_ input: Form, to committee: Committee, req: Request) -> [String] {
        var errors: [String] = []
        let name = (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 200 { errors.append(req.t("committees.error.name")) }
        let kind = Committee.Kind(rawValue: input.kind ?? "")
        if kind == nil { errors.append(req.t("committees.error.kind")) }
        let notice = Int(input.notice_days ?? "")
        if notice == nil || !(0...90).contains(notice!) { errors.append(req.t("committees.error.notice")) }
        let quorum = QuorumRule.Kind(rawValue: input.quorum_kind ?? "").flatMap { kind in Int(input.quorum_value ?? "").map { QuorumRule(kind: kind, value: $0) } }
        if !(quorum?.isValid ?? false) { errors.append(req.t("committees.error.quorum")) }
        guard errors.isEmpty, let kind, let notice, let quorum else { return errors }
        committee.name = name
        committee.kind = kind
        committee.description = (input.description ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        committee.isPublic = input.is_public != nil
        committee.noticeDays = notice
        committee.quorumKind = quorum.kind
        committee.quorumValue = quorum.value
        return []
    }

    private func form(_ req: Request, _ input: Form, committee: Committee?, errors: [String], status: HTTPStatus) async throws -> Response {
        let content = FormContent(
            form: input,
            kinds: Committee.Kind.allCases.map { .init(value: $0.rawValue, label: req.t("committee.kind.\($0.rawValue)"), selected: $0.rawValue == input.kind) },
            quorumKinds: QuorumRule.Kind.allCases.map { .init(value: $0.rawValue, label: req.t("committee.quorum_kind.\($0.rawValue)"), selected: $0.rawValue == input.quorum_kind) },
            errors: errors,
            action: try committee.map { SiteURL.committeeEdit(id: try $0.requireID().uuidString).path } ?? SiteURL.committeeNew.path
        )
        let title = committee.map { req.t("committees.edit.title", $0.name) } ?? req.t("committees.new.title")
        return try await req.renderPage("committees/form", title: title, content, status: status, withForms: true)
    }

    static func find(_ req: Request) async throws -> Committee {
        guard let id = req.parameters.get("id", as: UUID.self), let committee = try await Committee.find(id, on: req.db) else { throw Abort(.notFound) }
        return committee
    }
}

/// A meeting's day and times as typed (date, "18:00", "20:00"), read as Europe/Berlin.
enum MeetingTimes {
    static func parse(date: String?, start: String?, end: String?) -> (start: Date, end: Date)? {
        guard let from = minutes(start), let until = minutes(end), until > from,
              let startDate = at(date: date, minutes: from), let endDate = at(date: date, minutes: until) else { return nil }
        return (startDate, endDate)
    }

    /// A day and a clock time in Berlin, as the forms write them.
    static func moment(date: String?, time: String?) -> Date? {
        minutes(time).flatMap { at(date: date, minutes: $0) }
    }

    private static func at(date: String?, minutes: Int) -> Date? {
        guard let day = date.flatMap(CalendarDate.parse) else { return nil }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let parts = utc.dateComponents([.year, .month, .day], from: day)
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        return berlin.date(from: DateComponents(year: parts.year, month: parts.month, day: parts.day, hour: minutes / 60, minute: minutes % 60))
    }

    private static func minutes(_ text: String?) -> Int? {
        let parts = (text ?? "").trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        return hour * 60 + minute
    }
}
