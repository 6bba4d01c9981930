import Fluent
import QuartierCore
import SQLKit
import Vapor

/// The public calendar: what is coming up (as a list or a month), each event with what residents need to decide
/// whether they can come, its `.ics`, and registration without an account.
struct PublicEventController: RouteCollection {
    static let perPage = 20
    /// The feed holds what is coming and the last three months.
    static let feedPastDays = 90
    static let feedMaximum = 500
    static let meetingsBeside = 5

    struct Row: Encodable {
        let title: String
        let href: String
        let format: String
        let date: String
        let machine: String
        let place: String
        let cancelled: Bool
        let accessibility: [String]
        /// The language of the title: the reader's content language where the event is translated.
        let lang: String
        let dir: String
    }

    struct Day: Encodable {
        let number: Int?
        let label: String
        let isToday: Bool
        let events: [Row]
    }

    struct Week: Encodable {
        let days: [Day]
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let pagination: PaginationContext?
        let formats: [SelectOption]
        let topics: [SelectOption]
        let format: String
        let topic: String
        let isMonth: Bool
        let isPast: Bool
        let monthTitle: String?
        let weekdays: [String]
        let weeks: [Week]
        let previousMonthURL: String?
        let nextMonthURL: String?
        let listURL: String
        let monthURL: String
        let pastURL: String
        let feedURL: String
        let actionURL: String
        /// Beside the coming events: the next public committee meetings.
        let meetings: [StartPage.MeetingTeaser]
        let committeesURL: String
    }

    struct ShowContent: Encodable {
        let facts: EventFacts
        let isPast: Bool
        let registration: RegistrationBox?
        let documentationURL: String?
        let workshopURL: String?
        let backURL: String
        /// The title and description in the reader's content language, or the note that there is none.
        let translation: TranslatedText?
        let noticeURL: String?
    }

    struct RegistrationBox: Encodable {
        let actionURL: String
        let free: String
        let full: Bool
        let asks: RegistrationController.Asks
        let form: PublicForm
        let errors: [String]
        let maximumPeople: Int
    }

    struct PublicForm: Content {
        var name: String?
        var email: String?
        var phone: String?
        var people: String?
        var childcare: String?
        var language: String?
        var accessibility: String?
        var consent: String?
        var website: String?
    }

    struct TicketContent: Encodable {
        let facts: EventFacts
        let name: String
        let people: Int
        let status: String
        let isWaiting: Bool
        let isCancelled: Bool
        let waitingPosition: Int?
        let cancelURL: String?
        let eventURL: String
        /// What just happened, for a resident without a session (flash messages need one).
        let notice: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.publicEvents, use: index)
        routes.get(.eventsFeed, use: feed)
        routes.get(.publicEvent(id: ":id"), use: show)
        routes.get(.publicEventICS(id: ":id"), use: ics)
        routes.post(.eventRegister(id: ":id"), use: register)
        routes.get(.registration(token: ":token"), use: ticket)
        routes.post(.registrationCancel(token: ":token"), use: cancel)
    }

    // MARK: Calendar

    @Sendable
    func index(req: Request) async throws -> Response {
        let format = (try? req.query.get(String.self, at: "format")).flatMap(EventFormat.init(rawValue:))
        let topicID = (try? req.query.get(String.self, at: "thema")).flatMap(UUID.init(uuidString:))
        let isMonth = (try? req.query.get(String.self, at: "ansicht")) == "monat"
        let isPast = !isMonth && (try? req.query.get(String.self, at: "zeitraum")) == "vergangen"
        let now = Date()
        let base = {
            var query = Event.query(on: req.db).filter(\.$state != .draft)
            if let format { query = query.filter(\.$format == format) }
            if let topicID {
                query = query.filter("id", in: SQLSubquery.select { $0.column("event_id").from(EventTopic.schema).where("topic_id", .equal, SQLBind(topicID)) })
            }
            return query
        }
        var filters: [String: String] = [:]
        filters["format"] = format?.rawValue
        filters["thema"] = topicID?.uuidString
        var rows: [Row] = []
        var pagination: PaginationContext?
        var weeks: [Week] = []
        var monthTitle: String?
        var previousMonthURL: String?
        var nextMonthURL: String?
        if isMonth {
            let month = MonthGrid(month: try? req.query.get(String.self, at: "monat"), today: now)
            let events = try await base().filter(\.$startsAt >= month.start).filter(\.$startsAt < month.end).sort(\.$startsAt).limit(500).all()
            let titles = try await TranslatedTitles.load(.event, ids: events.compactMap(\.id), req: req)
            let rowsByDay = Dictionary(grouping: try events.map { ($0, try row($0, titles, req)) }, by: { CalendarDate.day(of: $0.0.startsAt) })
            weeks = month.weeks.map { week in
                Week(days: week.map { day in
                    guard let day else { return Day(number: nil, label: "", isToday: false, events: []) }
                    return Day(number: month.dayNumber(day), label: CalendarDate.display(day, req.language), isToday: day == CalendarDate.today(now: now),
                               events: rowsByDay[day]?.map(\.1) ?? [])
                })
            }
            monthTitle = month.title(req.language)
            previousMonthURL = Self.url(filters.merging(["ansicht": "monat", "monat": month.previousKey]) { $1 })
            nextMonthURL = Self.url(filters.merging(["ansicht": "monat", "monat": month.nextKey]) { $1 })
        } else {
            let scoped = { isPast ? base().filter(\.$endsAt < now) : base().filter(\.$endsAt >= now) }
            let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await scoped().count())
            let events = try await (isPast ? scoped().sort(\.$startsAt, .descending) : scoped().sort(\.$startsAt))
                .range(window.offset..<(window.offset + window.perPage)).all()
            let titles = try await TranslatedTitles.load(.event, ids: events.compactMap(\.id), req: req)
            rows = try events.map { try row($0, titles, req) }
            var query = filters
            if isPast { query["zeitraum"] = "vergangen" }
            pagination = PaginationContext(window, baseURL: SiteURL.publicEvents.path, req: req, query: query)
        }
        let topics = try await Topic.query(on: req.db).filter("id", in: SQLSubquery.select { $0.column("topic_id").from(EventTopic.schema) })
            .sort(\.$name).limit(100).all()
        let content = IndexContent(
            rows: rows, pagination: pagination,
            formats: [SelectOption(value: "", label: req.t("calendar.all_formats"), selected: format == nil)]
                + EventFormat.allCases.map { .init(value: $0.rawValue, label: req.t("event.format.\($0.rawValue)"), selected: $0 == format) },
            topics: [SelectOption(value: "", label: req.t("calendar.all_topics"), selected: topicID == nil)]
                + (try topics.map { .init(value: try $0.requireID().uuidString, label: $0.name, selected: $0.id == topicID) }),
            format: format?.rawValue ?? "", topic: topicID?.uuidString ?? "", isMonth: isMonth, isPast: isPast, monthTitle: monthTitle,
            weekdays: (1...7).map { req.t("calendar.weekday.\($0)") },
            weeks: weeks, previousMonthURL: previousMonthURL, nextMonthURL: nextMonthURL,
            listURL: Self.url(filters), monthURL: Self.url(filters.merging(["ansicht": "monat"]) { $1 }),
            pastURL: Self.url(filters.merging(["zeitraum": "vergangen"]) { $1 }), feedURL: SiteURL.eventsFeed.path,
            actionURL: SiteURL.publicEvents.path,
            meetings: isMonth || isPast ? [] : try await StartPage.upcomingMeetings(req, limit: Self.meetingsBeside),
            committeesURL: SiteURL.publicCommittees.path
        )
        return try await req.renderPage("events/calendar", title: req.t("calendar.title"), content)
    }

    private func row(_ event: Event, _ titles: TranslatedTitles, _ req: Request) throws -> Row {
        let title = titles.text(event.id, title: event.title, summary: "")
        var accessibility: [String] = []
        if event.stepFree { accessibility.append(req.t("event.access.step_free")) }
        if event.childcare { accessibility.append(req.t("event.access.childcare")) }
        if !event.interpreting.isEmpty { accessibility.append(req.t("event.access.interpreting", event.interpreting)) }
        return Row(title: title.title, href: SiteURL.publicEvent(id: try event.requireID().uuidString).path, format: req.t("event.format.\(event.format.rawValue)"),
                   date: BerlinTime.dateTime(event.startsAt, req.language), machine: BerlinTime.machineReadable(event.startsAt), place: event.place,
                   cancelled: event.state == .cancelled, accessibility: accessibility,
                   lang: title.language.htmlLang, dir: title.language.direction)
    }

    private static func url(_ query: [String: String]) -> String {
        guard !query.isEmpty else { return SiteURL.publicEvents.path }
        var components = URLComponents()
        components.path = SiteURL.publicEvents.path
        components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.string ?? SiteURL.publicEvents.path
    }

    @Sendable
    func feed(req: Request) async throws -> Response {
        let since = Date().addingTimeInterval(-Double(Self.feedPastDays) * 86_400)
        let events = try await Event.query(on: req.db).filter(\.$state != .draft).filter(\.$endsAt >= since).sort(\.$startsAt).limit(Self.feedMaximum).all()
        let portal = try await PortalSettings.current(on: req)
        return Self.calendarResponse(ICalendar(name: req.t("calendar.feed_name", portal.districtName), events: events.map { EventCalendar.calendarEvent($0, req) }),
                                     filename: nil)
    }

    // MARK: One event

    @Sendable
    func show(req: Request) async throws -> Response {
        let event = try await Self.findPublic(req)
        return try await page(req, event: event, form: PublicForm(people: "1"), errors: [], status: .ok)
    }

    private func page(_ req: Request, event: Event, form: PublicForm, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try event.requireID()
        let isPast = event.endsAt < Date()
        var box: RegistrationBox?
        if event.registration && !isPast && event.state == .published {
            let taken = try await RegistrationDesk.confirmedPeople(id, on: req.db)
            let free = event.capacity.map { max(0, $0 - taken) }
            box = RegistrationBox(
                actionURL: SiteURL.eventRegister(id: id.uuidString).path,
                free: free.map { $0 == 0 ? req.t("register.full") : req.t($0 == 1 ? "register.free_one" : "register.free", String($0)) } ?? req.t("register.open"),
                full: free == 0, asks: .init(childcare: event.askChildcare, language: event.askLanguage, accessibility: event.askAccessibility),
                form: form, errors: errors, maximumPeople: RegistrationRules.maximumPeople
            )
        }
        var hasWorkshop = false
        if event.format == .futureWorkshop && event.state == .published {
            hasWorkshop = try await Workshop.query(on: req.db).filter(\.$event.$id == id).count() > 0
        }
        let content = ShowContent(facts: try await EventFacts.load(event, req), isPast: isPast, registration: box,
                                  documentationURL: isPast && event.state == .published ? SiteURL.publicEventDocumentation(id: id.uuidString).path : nil,
                                  workshopURL: hasWorkshop ? SiteURL.publicWorkshop(id: id.uuidString).path : nil,
                                  backURL: SiteURL.publicEvents.path,
                                  translation: req.contentLanguage == .original ? nil : try await TranslatedText.load(
                                      .event, id: id, original: (event.title, "", event.description), body: .plainText, req: req),
                                  noticeURL: SiteURL.eventNotice(id: id.uuidString).path)
        req.share = PageMeta.Share(title: event.title, description: SafeMarkdown.excerpt(event.description.split(whereSeparator: \.isNewline).joined(separator: " ")), type: "article")
        return try await req.renderPage("events/public", title: event.title, content, status: status, withForms: box != nil)
    }

    @Sendable
    func ics(req: Request) async throws -> Response {
        let event = try await Self.findPublic(req)
        return Self.calendarResponse(ICalendar(name: event.title, events: [EventCalendar.calendarEvent(event, req)]), filename: "termin.ics")
    }

    // MARK: Registration

    @Sendable
    func register(req: Request) async throws -> Response {
        let event = try await Self.findPublic(req)
        let input = try req.content.decode(PublicForm.self)
        // A filled hidden field means a robot: it gets the receipt page's address, nothing is stored.
        guard (input.website ?? "").isEmpty else { return req.redirect(to: SiteURL.publicEvent(id: try event.requireID().uuidString).path) }
        var errors: [String] = []
        if !event.registration || event.state != .published || event.endsAt < Date() { errors.append(req.t("registrations.error.closed")) }
        let entry = RegistrationController.entry(name: input.name, email: input.email, phone: input.phone, people: input.people,
                                                 childcare: event.askChildcare ? input.childcare : nil, language: event.askLanguage ? input.language : nil,
                                                 accessibility: event.askAccessibility ? input.accessibility : nil, emailRequired: true, errors: &errors, req: req)
        if input.consent == nil { errors.append(req.t("register.error.consent")) }
        guard errors.isEmpty, let entry else { return try await page(req, event: event, form: input, errors: errors, status: .badRequest) }
        let registration = try await RegistrationDesk.register(entry, for: event, req: req)
        return req.redirect(to: SiteURL.registration(token: registration.token).path + "?neu=1")
    }

    /// The resident's own page, reached through the link in her e-mail: where she stands, and a button to cancel.
    @Sendable
    func ticket(req: Request) async throws -> Response {
        let registration = try await Self.findRegistration(req)
        guard let event = try await Event.find(registration.$event.id, on: req.db) else { throw Abort(.notFound) }
        var position: Int?
        if registration.status == .waiting {
            // The order the move-up follows; timestamps alone are too coarse to compare after a round trip.
            let queue = try await Registration.query(on: req.db).filter(\.$event.$id == event.requireID()).filter(\.$status == .waiting)
                .sort(\.$createdAt).sort(\.$id).field(\.$id).limit(5000).all()
            position = queue.firstIndex { $0.id == registration.id }.map { $0 + 1 }
        }
        let content = TicketContent(
            facts: try await EventFacts.load(event, req), name: registration.name, people: registration.people,
            status: req.t("registration.status.\(registration.status.rawValue)"), isWaiting: registration.status == .waiting,
            isCancelled: registration.status == .cancelled, waitingPosition: position,
            cancelURL: registration.status == .cancelled || event.endsAt < Date() ? nil : SiteURL.registrationCancel(token: registration.token).path,
            eventURL: SiteURL.publicEvent(id: try event.requireID().uuidString).path,
            notice: Self.notice(registration, req)
        )
        let response = try await req.renderPage("events/ticket", title: req.t("ticket.title", event.title), content, withForms: true)
        // The address is the key to the registration: keep it out of caches and other sites' logs.
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    @Sendable
    func cancel(req: Request) async throws -> Response {
        let registration = try await Self.findRegistration(req)
        if registration.status != .cancelled {
            try await RegistrationDesk.cancel(try registration.requireID(), req: req)
            return req.redirect(to: SiteURL.registration(token: registration.token).path + "?storniert=1")
        }
        return req.redirect(to: SiteURL.registration(token: registration.token).path)
    }

    // MARK: Helpers

    private static func notice(_ registration: Registration, _ req: Request) -> String? {
        if req.query[String.self, at: "storniert"] != nil, registration.status == .cancelled { return req.t("ticket.cancelled") }
        guard req.query[String.self, at: "neu"] != nil else { return nil }
        switch registration.status {
        case .confirmed: return req.t(MailMessage.isValidAddress(registration.email) ? "register.done" : "register.done_no_mail")
        case .waiting: return req.t("register.done_waiting")
        case .cancelled: return nil
        }
    }

    static func findPublic(_ req: Request) async throws -> Event {
        guard let id = req.parameters.get("id", as: UUID.self), let event = try await Event.find(id, on: req.db), event.state.isPublic else {
            throw Abort(.notFound)
        }
        return event
    }

    static func findRegistration(_ req: Request) async throws -> Registration {
        guard let token = req.parameters.get("token"), token.count >= 20, token.count <= 64,
              let registration = try await Registration.query(on: req.db).filter(\.$token == token).first()
        else { throw Abort(.notFound) }
        return registration
    }

    static func calendarResponse(_ calendar: ICalendar, filename: String?) -> Response {
        let response = Response(status: .ok, body: .init(string: calendar.rendered(now: Date())))
        response.headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        if let filename { response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"") }
        return response
    }
}

/// A month as the calendar shows it: weeks from Monday to Sunday, days outside the month left empty.
struct MonthGrid {
    let start: Date
    let end: Date
    let year: Int
    let month: Int
    private let calendar: Calendar

    init(month key: String?, today: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = BerlinTime.zone
        self.calendar = calendar
        let parts = (key ?? "").split(separator: "-").compactMap { Int($0) }
        let now = calendar.dateComponents([.year, .month], from: today)
        if parts.count == 2, (1...12).contains(parts[1]), (2000...2100).contains(parts[0]) {
            (year, month) = (parts[0], parts[1])
        } else {
            (year, month) = (now.year!, now.month!)
        }
        start = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
        end = calendar.date(byAdding: .month, value: 1, to: start)!
    }

    var previousKey: String { key(calendar.date(byAdding: .month, value: -1, to: start)!) }
    var nextKey: String { key(end) }

    private func key(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month], from: date)
        return String(format: "%04d-%02d", parts.year!, parts.month!)
    }

    /// Calendar days (UTC midnight, as `CalendarDate` keeps them) in weeks of seven, nil where a week reaches outside the month.
    var weeks: [[Date?]] {
        let count = calendar.range(of: .day, in: .month, for: start)!.count
        let weekday = calendar.component(.weekday, from: start) // 1 = Sunday
        let leading = (weekday + 5) % 7
        var cells: [Date?] = Array(repeating: nil, count: leading)
        for day in 1...count { cells.append(CalendarDate.parse(String(format: "%04d-%02d-%02d", year, month, day))) }
        while cells.count % 7 != 0 { cells.append(nil) }
        return stride(from: 0, to: cells.count, by: 7).map { Array(cells[$0..<($0 + 7)]) }
    }

    func dayNumber(_ day: Date) -> Int {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        return utc.component(.day, from: day)
    }

    func title(_ language: Language) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == .de ? "de_DE" : "en_GB")
        formatter.timeZone = BerlinTime.zone
        formatter.dateFormat = "LLLL yyyy"
        return formatter.string(from: start)
    }
}
