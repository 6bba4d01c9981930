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
        let inviteBy: String
        let noticeMissed: Bool
        let agendaURL: String
        let stateURL: String
        let nextStates: [StateOption]
        let errors: [String]
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
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        try await page(req, meeting: try await Self.find(req), errors: [], status: .ok)
    }

    private func page(_ req: Request, meeting: Meeting, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try meeting.requireID()
        let items = try await AgendaItem.query(on: req.db).filter(\.$meeting.$id == id).with(\.$responsible).sort(\.$position).all()
        let committee = meeting.committee
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        let inviteBy = berlin.date(byAdding: .day, value: -committee.noticeDays, to: meeting.startsAt) ?? meeting.startsAt
        let content = ShowContent(
            committee: committee.name, committeeURL: SiteURL.committee(id: try committee.requireID().uuidString).path,
            date: BerlinTime.dateTime(meeting.startsAt, req.language), machine: BerlinTime.machineReadable(meeting.startsAt),
            end: BerlinTime.time(meeting.endsAt, req.language), place: meeting.place, state: req.t("meeting.state.\(meeting.state.rawValue)"),
            items: items.map { ItemRow(number: $0.position, title: $0.title, text: PlainText.paragraphs($0.text), isPublic: $0.isPublic, responsible: $0.responsible?.displayName) },
            inviteBy: BerlinTime.date(inviteBy, req.language),
            noticeMissed: meeting.state == .planned && NoticePeriod.days(from: Date(), to: meeting.startsAt) < committee.noticeDays,
            agendaURL: SiteURL.meetingAgenda(id: id.uuidString).path, stateURL: SiteURL.meetingState(id: id.uuidString).path,
            nextStates: meeting.state.transitions.map { StateOption(value: $0.rawValue, label: req.t("meeting.to.\($0.rawValue)")) },
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
            responsible = try await CommitteeController.person(name, errors: &errors, req: req)
        }
        if meeting.state == .held || meeting.state == .cancelled { errors.append(req.t("agenda.error.closed")) }
        guard errors.isEmpty else { return try await page(req, meeting: meeting, errors: errors, status: .badRequest) }
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
            return try await page(req, meeting: meeting, errors: [req.t("meetings.error.state")], status: .badRequest)
        }
        let before = meeting.auditSnapshot
        meeting.state = next
        meeting.sequence += 1
        try await meeting.save(on: req.db)
        try await req.audit(.update, meeting, before: before)
        req.flash("meetings.state_saved", req.t("meeting.state.\(next.rawValue)"))
        return req.redirect(to: SiteURL.meeting(id: try meeting.requireID().uuidString).path)
    }

    static func find(_ req: Request) async throws -> Meeting {
        guard let id = req.parameters.get("id", as: UUID.self),
              let meeting = try await Meeting.query(on: req.db).filter(\.$id == id).with(\.$committee).first()
        else { throw Abort(.notFound) }
        return meeting
    }
}
