import Fluent
import QuartierCore
import Vapor

/// A meeting with its numbered agenda, its notice period and its state.
struct MeetingController: RouteCollection {
    struct ItemRow: Encodable {
        let number: Int
        let title: String
        let text: [[String]]
        let isPublic: Bool
        let responsible: String?
        let minutes: String
        let minutesParagraphs: [[String]]
        let decision: String?
        let yes: String
        let no: String
        let abstain: String
        let result: String?
        let recordURL: String
        let files: [FileLink]
        let filesURL: String
        let fileInputID: String
    }

    struct PreviousMinutes: Encodable {
        let date: String
        let href: String
        let meetingID: String
    }

    struct RecordForm: Content {
        var minutes: String?
        var decision: String?
        var yes: String?
        var no: String?
        var abstain: String?
    }

    struct StateOption: Encodable {
        let value: String
        let label: String
    }

    struct ShowContent: Encodable {
        let committee: String
        let committeeURL: String
        let date: String
        let machine: String
        let end: String
        let place: String
        let state: String
        let items: [ItemRow]
        let recordsOpen: Bool
        let inviteBy: String
        let noticeMissed: Bool
        let agendaURL: String
        let stateURL: String
        let inviteURL: String?
        let nextStates: [StateOption]
        let attendance: [AttendanceRow]
        let attendanceURL: String?
        let quorum: String?
        let tasks: [TaskRow]
        let tasksURL: String
        let approval: String?
        let previousMinutes: PreviousMinutes?
        let approveURL: String
        let followUpURL: String
        let followUpDate: String
        let followUpTime: String
        let publicURL: String?
        let memberURL: String
        let fileTypes: String
        let maximumFileSize: Int
        let errors: [String]
    }

    struct TaskForm: Content {
        var title: String?
        var assignee: String?
        var due_on: String?
    }

    struct AttendanceRow: Encodable {
        let personID: String
        let name: String
        let role: String
        let voting: Bool
        let options: [SelectOption]
    }

    struct TaskRow: Encodable {
        let title: String
        let assignee: String
        let due: String?
        let overdue: Bool
        let doneURL: String
    }

    struct ItemForm: Content {
        var title: String?
        var text: String?
        var is_public: String?
        var responsible: String?
    }

    struct StateForm: Content {
        var state: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.meeting(id: ":id"), use: show)
        staff.post(.meetingAgenda(id: ":id"), use: addItem)
        staff.post(.meetingState(id: ":id"), use: changeState)
        staff.post(.meetingAttendance(id: ":id"), use: saveAttendance)
        staff.post(.meetingTasks(id: ":id"), use: addTask)
        staff.post(.taskDone(id: ":id"), use: taskDone)
        staff.post(.agendaRecord(id: ":id"), use: record)
        staff.post(.meetingInvite(id: ":id"), use: invite)
        staff.post(.meetingFollowUp(id: ":id"), use: followUp)
        staff.post(.meetingApproveMinutes(id: ":id"), use: approveMinutes)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        try await Self.page(req, meeting: try await Self.find(req), errors: [], status: .ok)
    }

    static func page(_ req: Request, meeting: Meeting, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try meeting.requireID()
        let items = try await AgendaItem.query(on: req.db).filter(\.$meeting.$id == id).with(\.$responsible).sort(\.$position).all()
        let committee = meeting.committee
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        let inviteBy = berlin.date(byAdding: .day, value: -committee.noticeDays, to: meeting.startsAt) ?? meeting.startsAt
        let today = CalendarDate.today()
        let committeeID = try committee.requireID()
        let members = try await CommitteeMembership.query(on: req.db).filter(\.$committee.$id == committeeID).with(\.$person).all()
            .filter { $0.period.isCurrent(at: today) }.sorted { $0.person.displayName < $1.person.displayName }
        let recorded = try await Attendance.query(on: req.db).filter(\.$meeting.$id == id).all()
        let statusOf = Dictionary(recorded.map { ($0.$person.id, $0.status) }, uniquingKeysWith: { $1 })
        let votingMembers = members.filter(\.votingRight)
        let presentVoting = votingMembers.filter { statusOf[$0.$person.id] == .present }.count
        let tracksAttendance = meeting.state == .invited || meeting.state == .held
        let files = try await AgendaFileController.files(for: items.map { try $0.requireID() }, on: req.db)
        let earlier = try await Meeting.query(on: req.db).filter(\.$committee.$id == committeeID).filter(\.$startsAt < meeting.startsAt)
            .filter(\.$state != .cancelled).sort(\.$startsAt, .descending).first()
        let awaitingApproval = meeting.state == .invited || meeting.state == .held
            ? try await Meeting.query(on: req.db).filter(\.$committee.$id == committeeID).filter(\.$startsAt < meeting.startsAt)
                .filter(\.$state == .held).filter(\.$minutesApprovedAt == nil).sort(\.$startsAt, .descending).first()
            : nil
        var approval: String?
        if let approvedAt = meeting.minutesApprovedAt {
            var approving: Meeting?
            if let approvingID = meeting.approvedInMeetingID { approving = try await Meeting.find(approvingID, on: req.db) }
            approval = approving.map { req.t("minutes.approved_in", BerlinTime.date($0.startsAt, req.language)) }
                ?? req.t("minutes.approved_on", BerlinTime.date(approvedAt, req.language))
        }
        let followUpStart = MeetingSeries.next(after: meeting.startsAt, previous: earlier?.startsAt)
        let openTasks = try await CommitteeTask.query(on: req.db).filter(\.$committee.$id == committeeID).filter(\.$doneAt == nil)
            .sort(\.$dueOn).sort(\.$createdAt).all()
        let content = ShowContent(
            committee: committee.name, committeeURL: SiteURL.committee(id: try committee.requireID().uuidString).path,
            date: BerlinTime.dateTime(meeting.startsAt, req.language), machine: BerlinTime.machineReadable(meeting.startsAt),
            end: BerlinTime.time(meeting.endsAt, req.language), place: meeting.place, state: req.t("meeting.state.\(meeting.state.rawValue)"),
            items: try items.map { item in
                ItemRow(number: item.position, title: item.title, text: PlainText.paragraphs(item.text), isPublic: item.isPublic,
                        responsible: item.responsible?.displayName, minutes: item.minutes, minutesParagraphs: PlainText.paragraphs(item.minutes),
                        decision: item.decisionText, yes: item.votesYes.map(String.init) ?? "", no: item.votesNo.map(String.init) ?? "",
                        abstain: item.votesAbstain.map(String.init) ?? "",
                        result: item.votes.map { req.t($0.isAdopted ? "decision.adopted" : "decision.rejected", String($0.yes), String($0.no), String($0.abstain)) },
                        recordURL: SiteURL.agendaRecord(id: try item.requireID().uuidString).path,
                        files: try (files[try item.requireID()] ?? []).map { try FileLink($0, language: req.language, deletable: true) },
                        filesURL: SiteURL.agendaFiles(id: try item.requireID().uuidString).path, fileInputID: "file-\(item.position)")
            },
            recordsOpen: tracksAttendance && !meeting.minutesApproved,
            inviteBy: BerlinTime.date(inviteBy, req.language),
            noticeMissed: meeting.state == .planned && !NoticePeriod.isMet(noticeDays: committee.noticeDays, sent: Date(), meeting: meeting.startsAt),
            agendaURL: SiteURL.meetingAgenda(id: id.uuidString).path, stateURL: SiteURL.meetingState(id: id.uuidString).path,
            inviteURL: meeting.state == .planned || meeting.state == .invited ? SiteURL.meetingInvite(id: id.uuidString).path : nil,
            nextStates: meeting.state.transitions.map { StateOption(value: $0.rawValue, label: req.t("meeting.to.\($0.rawValue)")) },
            attendance: tracksAttendance ? try members.map { member in
                let current = statusOf[member.$person.id] ?? .absent
                return AttendanceRow(personID: try member.person.requireID().uuidString, name: member.person.displayName,
                                     role: req.t("committee.role.\(member.role.rawValue)"), voting: member.votingRight,
                                     options: Attendance.Status.allCases.map { .init(value: $0.rawValue, label: req.t("attendance.\($0.rawValue)"), selected: $0 == current) })
            } : [],
            attendanceURL: tracksAttendance ? SiteURL.meetingAttendance(id: id.uuidString).path : nil,
            quorum: tracksAttendance && !recorded.isEmpty
                ? req.t(committee.quorum.isQuorate(presentVoting: presentVoting, votingMembers: votingMembers.count) ? "attendance.quorate" : "attendance.not_quorate",
                        String(presentVoting), String(votingMembers.count), String(committee.quorum.required(votingMembers: votingMembers.count)))
                : nil,
            tasks: try openTasks.map { task in
                TaskRow(title: task.title, assignee: task.assignee, due: task.dueOn.map { CalendarDate.display($0, req.language) },
                        overdue: task.dueOn.map { $0 < today } ?? false, doneURL: SiteURL.taskDone(id: try task.requireID().uuidString).path)
            },
            tasksURL: SiteURL.meetingTasks(id: id.uuidString).path,
            approval: approval,
            previousMinutes: try awaitingApproval.map {
                PreviousMinutes(date: BerlinTime.date($0.startsAt, req.language), href: SiteURL.meeting(id: try $0.requireID().uuidString).path,
                                meetingID: try $0.requireID().uuidString)
            },
            approveURL: SiteURL.meetingApproveMinutes(id: id.uuidString).path,
            followUpURL: SiteURL.meetingFollowUp(id: id.uuidString).path,
            followUpDate: CalendarDate.iso(CalendarDate.day(of: followUpStart)),
            followUpTime: BerlinTime.time(meeting.startsAt, .de),
            publicURL: committee.isPublic ? SiteURL.publicMeeting(id: id.uuidString).path : nil,
            memberURL: SiteURL.memberMeeting(id: id.uuidString).path,
            fileTypes: DocumentType.acceptedExtensions,
            maximumFileSize: DocumentType.maximumSize / 1024 / 1024,
            errors: errors
        )
        let title = req.t("meetings.title", committee.name, BerlinTime.date(meeting.startsAt, req.language))
        return try await req.renderPage("committees/meeting", title: title, content, status: status, withForms: true)
    }

    @Sendable
    func addItem(req: Request) async throws -> Response {
        let meeting = try await Self.find(req)
        let input = try req.content.decode(ItemForm.self)
        var errors: [String] = []
        let title = (input.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty || title.count > 300 { errors.append(req.t("agenda.error.title")) }
        var responsible: Person?
        if let name = input.responsible, !name.trimmingCharacters(in: .whitespaces).isEmpty {
            responsible = try await Person.named(name, errors: &errors, req: req)
        }
        if meeting.state == .held || meeting.state == .cancelled { errors.append(req.t("agenda.error.closed")) }
        guard errors.isEmpty else { return try await Self.page(req, meeting: meeting, errors: errors, status: .badRequest) }
        let id = try meeting.requireID()
        let position = (try await AgendaItem.query(on: req.db).filter(\.$meeting.$id == id).max(\.$position) ?? 0) + 1
        let item = AgendaItem(meetingID: id, position: position, title: title, text: (input.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                              isPublic: input.is_public != nil, responsibleID: responsible?.id)
        try await item.save(on: req.db)
        try await req.audit(.create, item, before: nil)
        req.flash("agenda.saved", String(position))
        return req.redirect(to: SiteURL.meeting(id: id.uuidString).path)
    }

    @Sendable
    func changeState(req: Request) async throws -> Response {
        let meeting = try await Self.find(req)
        guard let next = MeetingState(rawValue: try req.content.decode(StateForm.self).state ?? ""), meeting.state.canChange(to: next) else {
            return try await Self.page(req, meeting: meeting, errors: [req.t("meetings.error.state")], status: .badRequest)
        }
        let before = meeting.auditSnapshot
        meeting.state = next
        meeting.sequence += 1
        try await meeting.save(on: req.db)
        try await req.audit(.update, meeting, before: before)
        req.flash("meetings.state_saved", req.t("meeting.state.\(next.rawValue)"))
        return req.redirect(to: SiteURL.meeting(id: try meeting.requireID().uuidString).path)
    }

    @Sendable
    func saveAttendance(req: Request) async throws -> Response {
        let meeting = try await Self.find(req)
        guard meeting.state == .invited || meeting.state == .held else {
            return try await Self.page(req, meeting: meeting, errors: [req.t("attendance.error.state")], status: .badRequest)
        }
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let id = try meeting.requireID()
        let members = try await CommitteeMembership.query(on: req.db).filter(\.$committee.$id == meeting.$committee.id).all()
            .filter { $0.period.isCurrent(at: CalendarDate.today()) }
        try await req.db.transaction { database in
            try await Attendance.query(on: database).filter(\.$meeting.$id == id).delete()
            for member in members {
                let status = form["status_\(member.$person.id.uuidString)"].flatMap(Attendance.Status.init(rawValue:)) ?? .absent
                try await Attendance(meetingID: id, personID: member.$person.id, status: status).save(on: database)
            }
        }
        req.flash("attendance.saved")
        return req.redirect(to: SiteURL.meeting(id: id.uuidString).path)
    }

    @Sendable
    func addTask(req: Request) async throws -> Response {
        let meeting = try await Self.find(req)
        let input = try req.content.decode(TaskForm.self)
        var errors: [String] = []
        let title = (input.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty || title.count > 300 { errors.append(req.t("tasks.error.title")) }
        let assignee = (input.assignee ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if assignee.isEmpty || assignee.count > 200 { errors.append(req.t("tasks.error.assignee")) }
        let due = PersonController.optionalDay(input.due_on, errors: &errors, req: req)
        guard errors.isEmpty else { return try await Self.page(req, meeting: meeting, errors: errors, status: .badRequest) }
        // A person from the directory is linked when the name matches one; an organisation or a group stays text.
        var ignored: [String] = []
        let person = try await Person.named(assignee, errors: &ignored, req: req)
        let task = CommitteeTask(committeeID: meeting.$committee.id, meetingID: try meeting.requireID(), title: title,
                                 assignee: person?.displayName ?? assignee, personID: person?.id, dueOn: due)
        try await task.save(on: req.db)
        try await req.audit(.create, task, before: nil)
        req.flash("tasks.saved")
        return req.redirect(to: SiteURL.meeting(id: try meeting.requireID().uuidString).path)
    }

    @Sendable
    func taskDone(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let task = try await CommitteeTask.find(id, on: req.db) else { throw Abort(.notFound) }
        try await task.markDone(req)
        req.flash("tasks.done")
        let back = SafeRedirect.localPath(req.headers.first(name: .referer).flatMap { URL(string: $0)?.path }, fallback: SiteURL.dashboard.path)
        return req.redirect(to: back)
    }

    /// Minutes of an agenda item and, where the committee decided, the decision with its votes.
    @Sendable
    func record(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let item = try await AgendaItem.find(id, on: req.db),
              let meeting = try await Meeting.query(on: req.db).filter(\.$id == item.$meeting.id).with(\.$committee).first()
        else { throw Abort(.notFound) }
        let input = try req.content.decode(RecordForm.self)
        var errors: [String] = []
        guard meeting.state == .invited || meeting.state == .held else {
            return try await Self.page(req, meeting: meeting, errors: [req.t("attendance.error.state")], status: .badRequest)
        }
        guard !meeting.minutesApproved else {
            return try await Self.page(req, meeting: meeting, errors: [req.t("minutes.error.approved")], status: .badRequest)
        }
        let minutes = (input.minutes ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let decision = (input.decision ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if minutes.count > 50_000 || decision.count > 5_000 { errors.append(req.t("texts.error.long")) }
        var votes: VoteCount?
        if !decision.isEmpty {
            let numbers = [input.yes, input.no, input.abstain].map { Int(($0 ?? "").trimmingCharacters(in: .whitespaces)) }
            if let yes = numbers[0], let no = numbers[1], let abstain = numbers[2], VoteCount(yes: yes, no: no, abstain: abstain).isValid {
                votes = VoteCount(yes: yes, no: no, abstain: abstain)
            } else {
                errors.append(req.t("decision.error.votes"))
            }
        }
        guard errors.isEmpty else { return try await Self.page(req, meeting: meeting, errors: errors, status: .badRequest) }
        let before = item.auditSnapshot
        item.minutes = minutes
        item.decisionText = decision.isEmpty ? nil : decision
        item.votesYes = votes?.yes
        item.votesNo = votes?.no
        item.votesAbstain = votes?.abstain
        try await item.save(on: req.db)
        try await req.audit(.update, item, before: before)
        req.flash("minutes.saved", String(item.position))
        return req.redirect(to: SiteURL.meeting(id: try meeting.requireID().uuidString).path)
    }

    /// Sends the invitation to every current member with an e-mail address: the agenda in the text and the meeting
    /// as an `.ics` file. The meeting is then invited; calendars see a new SEQUENCE.
    @Sendable
    func invite(req: Request) async throws -> Response {
        let meeting = try await Self.find(req)
        guard meeting.state == .planned || meeting.state == .invited else {
            return try await Self.page(req, meeting: meeting, errors: [req.t("meetings.error.state")], status: .badRequest)
        }
        let id = try meeting.requireID()
        let committee = meeting.committee
        let today = CalendarDate.today()
        let members = try await CommitteeMembership.query(on: req.db).filter(\.$committee.$id == meeting.$committee.id).with(\.$person).all()
            .filter { $0.period.isCurrent(at: today) }
        let reachable = members.filter { MailMessage.isValidAddress($0.person.email) }
        let unreachable = members.filter { !MailMessage.isValidAddress($0.person.email) }.map(\.person.displayName).sorted()
        let items = try await AgendaItem.query(on: req.db).filter(\.$meeting.$id == id).sort(\.$position).all()
        let catalog = req.application.catalog
        let date = BerlinTime.dateTime(meeting.startsAt, .de)
        let agenda = items.map { "\($0.position). \($0.title)" + ($0.isPublic ? "" : " (" + catalog.text("agenda.non_public", .de) + ")") }
        let sequence = meeting.sequence + 1
        let ics = ICalendar(name: committee.name, events: [CalendarEvent(
            uid: "meeting-\(id.uuidString.lowercased())@quartier", sequence: sequence, start: meeting.startsAt, end: meeting.endsAt,
            summary: catalog.text("calendar.summary", .de, [committee.name]), description: agenda.joined(separator: "\n"), location: meeting.place,
            status: .confirmed, lastModified: Date()
        )]).rendered(now: Date())
        let attachment = MailMessage.Attachment(filename: "sitzung.ics", contentType: "text/calendar; charset=UTF-8; method=PUBLISH", text: ics)
        let late = !NoticePeriod.isMet(noticeDays: committee.noticeDays, sent: Date(), meeting: meeting.startsAt)
        try await req.db.transaction { database in
            for member in reachable {
                try await OutboxMail.enqueue(
                    to: member.person.email, subject: catalog.text("invitation.subject", .de, [committee.name, date]),
                    body: catalog.text("invitation.body", .de, [member.person.displayName, committee.name, date, meeting.place,
                                                                agenda.isEmpty ? "–" : agenda.joined(separator: "\n")]),
                    attachments: [attachment], purpose: "invitation", on: database
                )
            }
            let before = meeting.auditSnapshot
            meeting.state = .invited
            meeting.sequence = sequence
            try await meeting.save(on: database)
            try await req.audit(.update, meeting, before: before, on: database)
        }
        var notice = req.t("invitation.sent", String(reachable.count))
        if late { notice += " " + req.t("invitation.late", String(committee.noticeDays)) }
        if !unreachable.isEmpty { notice += " " + req.t("invitation.no_email", unreachable.joined(separator: ", ")) }
        req.flash(text: notice)
        return req.redirect(to: SiteURL.meeting(id: id.uuidString).path)
    }

    /// The next meeting of the series in one action: same committee, place and hours on the date asked for (by
    /// default the committee's rhythm), with the approval of these minutes first and every open item carried over.
    @Sendable
    func followUp(req: Request) async throws -> Response {
        let meeting = try await Self.find(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        // Same start time and the same length, also for a meeting that ran past midnight.
        guard let date = form["date"], let start = MeetingTimes.moment(date: date, time: BerlinTime.time(meeting.startsAt, .de)),
              start > meeting.startsAt else {
            return try await Self.page(req, meeting: meeting, errors: [req.t("meetings.error.follow_up_date")], status: .badRequest)
        }
        let times = (start: start, end: start.addingTimeInterval(meeting.endsAt.timeIntervalSince(meeting.startsAt)))
        let id = try meeting.requireID()
        let items = try await AgendaItem.query(on: req.db).filter(\.$meeting.$id == id).sort(\.$position).all()
        let open = items.filter { $0.minutes.isEmpty && $0.decisionText == nil }
        let next = Meeting(committeeID: meeting.$committee.id, startsAt: times.start, endsAt: times.end, place: meeting.place)
        try await req.db.transaction { database in
            try await next.save(on: database)
            try await req.audit(.create, next, before: nil, on: database)
            let nextID = try next.requireID()
            var position = 0
            if meeting.state != .cancelled {
                position += 1
                let approval = AgendaItem(meetingID: nextID, position: position,
                                          title: req.application.catalog.text("agenda.approve_minutes", .de, [BerlinTime.date(meeting.startsAt, .de)]),
                                          isPublic: true)
                try await approval.save(on: database)
            }
            for item in open {
                position += 1
                try await AgendaItem(meetingID: nextID, position: position, title: item.title, text: item.text, isPublic: item.isPublic,
                                     responsibleID: item.$responsible.id).save(on: database)
            }
        }
        req.flash("meetings.follow_up_saved", String(open.count))
        return req.redirect(to: SiteURL.meeting(id: try next.requireID().uuidString).path)
    }

    /// The committee approves the minutes of an earlier meeting: they are fixed from now on, and published for public items.
    @Sendable
    func approveMinutes(req: Request) async throws -> Response {
        let meeting = try await Self.find(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        guard let heldID = form["meeting"].flatMap(UUID.init(uuidString:)),
              let held = try await Meeting.query(on: req.db).filter(\.$id == heldID).filter(\.$committee.$id == meeting.$committee.id).first(),
              MinutesApproval.canApprove(heldState: held.state, heldStart: held.startsAt, alreadyApproved: held.minutesApproved,
                                         approvingState: meeting.state, approvingStart: meeting.startsAt)
        else {
            return try await Self.page(req, meeting: meeting, errors: [req.t("minutes.error.approve")], status: .badRequest)
        }
        let before = held.auditSnapshot
        held.minutesApprovedAt = Date()
        held.approvedInMeetingID = try meeting.requireID()
        try await held.save(on: req.db)
        try await req.audit(.update, held, before: before)
        req.flash("minutes.approved", BerlinTime.date(held.startsAt, req.language))
        return req.redirect(to: SiteURL.meeting(id: try meeting.requireID().uuidString).path)
    }

    /// Tasks past their due date, for the dashboard.
    static func overdueTasks(on database: any Database) async throws -> Int {
        try await CommitteeTask.query(on: database).filter(\.$doneAt == nil).filter(\.$dueOn < CalendarDate.today()).count()
    }

    static func find(_ req: Request) async throws -> Meeting {
        guard let id = req.parameters.get("id", as: UUID.self),
              let meeting = try await Meeting.query(on: req.db).filter(\.$id == id).with(\.$committee).first()
        else { throw Abort(.notFound) }
        return meeting
    }
}
