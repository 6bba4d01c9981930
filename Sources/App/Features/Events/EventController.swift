import Fluent
import QuartierCore
import Vapor

/// Staff plan events: what, when, where, for whom, how accessible, with or without registration; then publish,
/// move or call them off. Calendars learn of every change through the event's SEQUENCE.
struct EventController: RouteCollection {
    static let perPage = 25

    struct Row: Encodable {
        let title: String
        let href: String
        let format: String
        let date: String
        let machine: String
        let state: String
        let isDraft: Bool
        let isCancelled: Bool
        let places: String?
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let pagination: PaginationContext
        let newURL: String
        let views: [SelectOption]
        let view: String
    }

    struct Form: Content {
        var title: String?
        var format: String?
        var description: String?
        var date: String?
        var start: String?
        var end: String?
        var place: String?
        var organisers: String?
        var committee: String?
        var step_free: String?
        var childcare: String?
        var hearing_loop: String?
        var interpreting: String?
        var accessibility_note: String?
        var registration: String?
        var capacity: String?
        var ask_childcare: String?
        var ask_language: String?
        var ask_accessibility: String?
    }

    struct TopicBox: Encodable {
        let id: String
        let name: String
        let checked: Bool
    }

    struct FormContent: Encodable {
        let form: Form
        let formats: [SelectOption]
        let committees: [SelectOption]
        let topics: [TopicBox]
        let errors: [String]
        let action: String
    }

    struct ShowContent: Encodable {
        let facts: EventFacts
        let stateLabel: String
        let isDraft: Bool
        let isCancelled: Bool
        let editURL: String
        let stateURL: String
        let publicURL: String
        let registrationsURL: String
        let checkInURL: String
        let documentationURL: String
        let workshopURL: String?
        let registrationSummary: String?
        let participation: String
        let translationsURL: String
        let noticeURL: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.events, use: index)
        staff.get(.eventNew, use: new)
        staff.post(.eventNew, use: create)
        staff.get(.event(id: ":id"), use: show)
        staff.get(.eventEdit(id: ":id"), use: edit)
        staff.post(.eventEdit(id: ":id"), use: update)
        staff.post(.eventState(id: ":id"), use: changeState)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let view = (try? req.query.get(String.self, at: "ansicht")) ?? "kommend"
        let now = Date()
        let base = {
            let query = Event.query(on: req.db)
            switch view {
            case "vergangen": return query.filter(\.$endsAt < now)
            case "entwuerfe": return query.filter(\.$state == .draft)
            default: return query.filter(\.$endsAt >= now)
            }
        }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await base().count())
        let events = try await (view == "vergangen" ? base().sort(\.$startsAt, .descending) : base().sort(\.$startsAt))
            .range(window.offset..<(window.offset + window.perPage)).all()
        let ids = try events.map { try $0.requireID() }
        let registrations = ids.isEmpty ? [] : try await Registration.query(on: req.db).filter(\.$event.$id ~~ ids).filter(\.$status == .confirmed).all()
        let rows = try events.map { event in
            let id = try event.requireID()
            let taken = registrations.filter { $0.$event.id == id }.reduce(0) { $0 + $1.people }
            return Row(title: event.title, href: SiteURL.event(id: id.uuidString).path, format: req.t("event.format.\(event.format.rawValue)"),
                       date: BerlinTime.dateTime(event.startsAt, req.language), machine: BerlinTime.machineReadable(event.startsAt),
                       state: req.t("event.state.\(event.state.rawValue)"), isDraft: event.state == .draft, isCancelled: event.state == .cancelled,
                       places: event.registration ? (event.capacity.map { req.t("events.places_of", String(taken), String($0)) } ?? req.t("events.places", String(taken))) : nil)
        }
        let views = [("kommend", "events.view.upcoming"), ("vergangen", "events.view.past"), ("entwuerfe", "events.view.drafts")]
            .map { SelectOption(value: $0.0, label: req.t($0.1), selected: $0.0 == view) }
        return try await req.renderPage("events/index", title: req.t("events.title"),
                                        IndexContent(rows: rows, pagination: PaginationContext(window, baseURL: SiteURL.events.path, req: req, query: ["ansicht": view]),
                                                     newURL: SiteURL.eventNew.path, views: views, view: view))
    }

    @Sendable
    func new(req: Request) async throws -> Response {
        try await form(req, Form(format: EventFormat.information.rawValue, start: "18:00", end: "20:00"), event: nil, topicIDs: [], errors: [], status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(Form.self)
        let topicIDs = Self.topicIDs(req)
        let event = Event(title: "", format: .other, startsAt: Date(), endsAt: Date(), place: "")
        let errors = try await apply(input, to: event, req: req)
        guard errors.isEmpty else { return try await form(req, input, event: nil, topicIDs: topicIDs, errors: errors, status: .badRequest) }
        try await req.db.transaction { database in
            try await event.create(on: database)
            try await Self.saveTopics(topicIDs, for: event, on: database)
            try await req.audit(.create, event, before: nil, on: database)
        }
        req.application.pageCache.clear()
        req.flash("events.saved", event.title)
        return req.redirect(to: SiteURL.event(id: try event.requireID().uuidString).path)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let event = try await Self.find(req)
        let id = try event.requireID()
        let registrations = try await Registration.query(on: req.db).filter(\.$event.$id == id).filter(\.$status != .cancelled).all()
        let confirmed = registrations.filter { $0.status == .confirmed }.reduce(0) { $0 + $1.people }
        let waiting = registrations.filter { $0.status == .waiting }.reduce(0) { $0 + $1.people }
        let checkedIn = registrations.filter { $0.checkedInAt != nil }.reduce(0) { $0 + $1.people }
        let walkIns = try await WalkIn.query(on: req.db).filter(\.$event.$id == id).all().reduce(0) { $0 + $1.count }
        let content = ShowContent(
            facts: try await EventFacts.load(event, req), stateLabel: req.t("event.state.\(event.state.rawValue)"),
            isDraft: event.state == .draft, isCancelled: event.state == .cancelled,
            editURL: SiteURL.eventEdit(id: id.uuidString).path, stateURL: SiteURL.eventState(id: id.uuidString).path,
            publicURL: SiteURL.publicEvent(id: id.uuidString).path, registrationsURL: SiteURL.eventRegistrations(id: id.uuidString).path,
            checkInURL: SiteURL.eventCheckIn(id: id.uuidString).path, documentationURL: SiteURL.eventDocumentation(id: id.uuidString).path,
            workshopURL: event.format == .futureWorkshop ? SiteURL.eventWorkshop(id: id.uuidString).path : nil,
            registrationSummary: event.registration
                ? req.t("events.registration_summary", String(confirmed), event.capacity.map(String.init) ?? "–", String(waiting)) : nil,
            participation: Self.participation(checkedIn: checkedIn, walkIns: walkIns, req),
            translationsURL: SiteURL.translations(type: TranslatableContent.event.rawValue, id: id.uuidString).path,
            noticeURL: SiteURL.eventNotice(id: id.uuidString).path
        )
        return try await req.renderPage("events/show", title: event.title, content, withForms: true)
    }

    @Sendable
    func edit(req: Request) async throws -> Response {
        let event = try await Self.find(req)
        let topics = try await EventTopic.query(on: req.db).filter(\.$event.$id == event.requireID()).all().map { $0.$topic.id }
        func box(_ value: Bool) -> String? { value ? "on" : nil }
        let input = Form(
            title: event.title, format: event.format.rawValue, description: event.description,
            date: CalendarDate.iso(CalendarDate.day(of: event.startsAt)), start: BerlinTime.time(event.startsAt, .de), end: BerlinTime.time(event.endsAt, .de),
            place: event.place, organisers: event.organisers, committee: event.$committee.id?.uuidString,
            step_free: box(event.stepFree), childcare: box(event.childcare), hearing_loop: box(event.hearingLoop), interpreting: event.interpreting,
            accessibility_note: event.accessibilityNote, registration: box(event.registration), capacity: event.capacity.map(String.init),
            ask_childcare: box(event.askChildcare), ask_language: box(event.askLanguage), ask_accessibility: box(event.askAccessibility)
        )
        return try await form(req, input, event: event, topicIDs: Set(topics), errors: [], status: .ok)
    }

    @Sendable
    func update(req: Request) async throws -> Response {
        let event = try await Self.find(req)
        let input = try req.content.decode(Form.self)
        let topicIDs = Self.topicIDs(req)
        let before = event.auditSnapshot
        let calendarBefore = Self.calendarFields(event)
        let errors = try await apply(input, to: event, req: req)
        guard errors.isEmpty else { return try await form(req, input, event: event, topicIDs: topicIDs, errors: errors, status: .badRequest) }
        if calendarBefore != Self.calendarFields(event) {
            event.sequence += 1
        }
        try await RegistrationDesk.serialized(try event.requireID(), on: req.db) { database in
            try await event.save(on: database)
            try await Self.saveTopics(topicIDs, for: event, on: database)
            try await req.audit(.update, event, before: before, on: database)
            // More places, or no limit any more: people on the waiting list move up at once.
            try await RegistrationDesk.moveUp(event, req: req, on: database)
        }
        req.application.pageCache.clear()
        req.flash("events.saved", event.title)
        return req.redirect(to: SiteURL.event(id: try event.requireID().uuidString).path)
    }

    /// Publish a draft, call an event off, or take it back to draft.
    @Sendable
    func changeState(req: Request) async throws -> Response {
        let event = try await Self.find(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        guard let next = form["state"].flatMap(EventState.init(rawValue:)), next != event.state else {
            throw UserError(.badRequest, "events.error.state")
        }
        let before = event.auditSnapshot
        if next == .cancelled || event.state == .cancelled { event.sequence += 1 }
        event.state = next
        try await RegistrationDesk.serialized(try event.requireID(), on: req.db) { database in
            try await event.save(on: database)
            try await req.audit(.update, event, before: before, on: database)
            // Everybody who registered hears of the cancellation, in her language.
            if next == .cancelled {
                let registered = try await Registration.query(on: database).filter(\.$event.$id == event.requireID()).filter(\.$status != .cancelled).all()
                for registration in registered { try await RegistrationDesk.mail(.eventCancelled, registration, event: event, req: req, on: database) }
            }
        }
        req.application.pageCache.clear()
        req.flash("events.state_saved", req.t("event.state.\(next.rawValue)"))
        return req.redirect(to: SiteURL.event(id: try event.requireID().uuidString).path)
    }

    static func participation(checkedIn: Int, walkIns: Int, _ req: Request) -> String {
        req.t(checkedIn + walkIns == 1 ? "events.participation_one" : "events.participation", String(checkedIn + walkIns), String(checkedIn), String(walkIns))
    }

    /// What a calendar entry shows: a change to any of it raises the SEQUENCE.
    static func calendarFields(_ event: Event) -> [String] {
        [event.title, event.place, event.description, event.organisers, BerlinTime.machineReadable(event.startsAt), BerlinTime.machineReadable(event.endsAt)]
    }

    // MARK: Form

    private func apply(_ input: Form, to event: Event, req: Request) async throws -> [String] {
        var errors: [String] = []
        func text(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let title = text(input.title)
        if title.isEmpty || title.count > 200 { errors.append(req.t("events.error.title")) }
        let format = EventFormat(rawValue: input.format ?? "")
        if format == nil { errors.append(req.t("events.error.format")) }
        let times = MeetingTimes.parse(date: input.date, start: input.start, end: input.end)
        if times == nil { errors.append(req.t("meetings.error.time")) }
        let place = text(input.place)
        if place.isEmpty || place.count > 200 { errors.append(req.t("meetings.error.place")) }
        if text(input.description).count > 10_000 || text(input.organisers).count > 500 || text(input.accessibility_note).count > 2_000
            || text(input.interpreting).count > 200 {
            errors.append(req.t("texts.error.long"))
        }
        var committeeID: UUID?
        if let raw = input.committee, !raw.isEmpty {
            committeeID = UUID(uuidString: raw)
            if try await committeeID.asyncMap({ try await Committee.find($0, on: req.db) }) == nil { errors.append(req.t("events.error.committee")) }
        }
        var capacity: Int?
        let registration = input.registration != nil
        let capacityText = text(input.capacity)
        if !capacityText.isEmpty {
            capacity = Int(capacityText)
            if capacity == nil || !(1...10_000).contains(capacity!) { errors.append(req.t("events.error.capacity")) }
        }
        guard errors.isEmpty, let format, let times else { return errors }
        event.title = title
        event.format = format
        event.description = text(input.description)
        event.startsAt = times.start
        event.endsAt = times.end
        event.place = place
        event.organisers = text(input.organisers)
        event.$committee.id = committeeID
        event.stepFree = input.step_free != nil
        event.childcare = input.childcare != nil
        event.hearingLoop = input.hearing_loop != nil
        event.interpreting = text(input.interpreting)
        event.accessibilityNote = text(input.accessibility_note)
        event.registration = registration
        event.capacity = registration ? capacity : nil
        event.askChildcare = registration && input.ask_childcare != nil
        event.askLanguage = registration && input.ask_language != nil
        event.askAccessibility = registration && input.ask_accessibility != nil
        return []
    }

    private func form(_ req: Request, _ input: Form, event: Event?, topicIDs: Set<UUID>, errors: [String], status: HTTPStatus) async throws -> Response {
        let committees = try await Committee.query(on: req.db).sort(\.$name).limit(500).all()
        let topics = try await Topic.query(on: req.db).sort(\.$name).limit(200).all()
        let content = FormContent(
            form: input,
            formats: EventFormat.allCases.map { .init(value: $0.rawValue, label: req.t("event.format.\($0.rawValue)"), selected: $0.rawValue == input.format) },
            committees: [SelectOption(value: "", label: req.t("events.no_committee"), selected: (input.committee ?? "").isEmpty)]
                + (try committees.map { .init(value: try $0.requireID().uuidString, label: $0.name, selected: $0.id?.uuidString == input.committee) }),
            topics: try topics.map { TopicBox(id: try $0.requireID().uuidString, name: $0.name, checked: topicIDs.contains(try $0.requireID())) },
            errors: errors,
            action: try event.map { SiteURL.eventEdit(id: try $0.requireID().uuidString).path } ?? SiteURL.eventNew.path
        )
        let title = event.map { req.t("events.edit.title", $0.title) } ?? req.t("events.new.title")
        return try await req.renderPage("events/form", title: title, content, status: status, withForms: true)
    }

    private static func topicIDs(_ req: Request) -> Set<UUID> {
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        return Set(form.compactMap { key, _ in key.hasPrefix("topic_") ? UUID(uuidString: String(key.dropFirst("topic_".count))) : nil })
    }

    private static func saveTopics(_ ids: Set<UUID>, for event: Event, on database: any Database) async throws {
        let id = try event.requireID()
        try await EventTopic.query(on: database).filter(\.$event.$id == id).delete()
        let existing = ids.isEmpty ? [] : try await Topic.query(on: database).filter(\.$id ~~ Array(ids)).all()
        for topic in existing { try await EventTopic(eventID: id, topicID: try topic.requireID()).create(on: database) }
    }

    static func find(_ req: Request) async throws -> Event {
        guard let id = req.parameters.get("id", as: UUID.self), let event = try await Event.find(id, on: req.db) else { throw Abort(.notFound) }
        return event
    }
}

/// What staff and residents read about an event, in one shape for both.
struct EventFacts: Encodable {
    let title: String
    let format: String
    let date: String
    let machine: String
    let end: String
    let place: String
    let organisers: String?
    let description: [[String]]
    let accessibility: [String]
    let accessibilityNote: String?
    let committee: String?
    let topics: [String]
    let icsURL: String
    let cancelled: Bool

    static func load(_ event: Event, _ req: Request) async throws -> EventFacts {
        let id = try event.requireID()
        let topicIDs = try await EventTopic.query(on: req.db).filter(\.$event.$id == id).all().map { $0.$topic.id }
        let topics = topicIDs.isEmpty ? [] : try await Topic.query(on: req.db).filter(\.$id ~~ topicIDs).sort(\.$name).all()
        var committee: Committee?
        if let committeeID = event.$committee.id { committee = try await Committee.find(committeeID, on: req.db) }
        var accessibility: [String] = []
        if event.stepFree { accessibility.append(req.t("event.access.step_free")) }
        if event.childcare { accessibility.append(req.t("event.access.childcare")) }
        if event.hearingLoop { accessibility.append(req.t("event.access.hearing_loop")) }
        if !event.interpreting.isEmpty { accessibility.append(req.t("event.access.interpreting", event.interpreting)) }
        let sameDay = CalendarDate.day(of: event.startsAt) == CalendarDate.day(of: event.endsAt)
        return EventFacts(
            title: event.title, format: req.t("event.format.\(event.format.rawValue)"),
            date: BerlinTime.dateTime(event.startsAt, req.language), machine: BerlinTime.machineReadable(event.startsAt),
            end: sameDay ? BerlinTime.time(event.endsAt, req.language) : BerlinTime.dateTime(event.endsAt, req.language),
            place: event.place, organisers: event.organisers.isEmpty ? nil : event.organisers, description: PlainText.paragraphs(event.description),
            accessibility: accessibility, accessibilityNote: event.accessibilityNote.isEmpty ? nil : event.accessibilityNote,
            committee: committee.flatMap { $0.isPublic ? $0.name : nil }, topics: topics.map(\.name),
            icsURL: SiteURL.publicEventICS(id: id.uuidString).path, cancelled: event.state == .cancelled
        )
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
