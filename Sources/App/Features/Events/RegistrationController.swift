import Fluent
import QuartierCore
import Vapor

/// Staff side of registrations: the attendee list with its export, registering people who call or come by,
/// and the door — check-in on a phone and counting who came without registering.
struct RegistrationController: RouteCollection {
    static let perPage = 100

    struct Row: Encodable {
        let name: String
        let people: Int
        let status: String
        let isWaiting: Bool
        let source: String
        let contact: String
        let answers: String
        let checkedIn: Bool
        let cancelURL: String?
        let checkInURL: String
    }

    struct ListContent: Encodable {
        let eventTitle: String
        let eventURL: String
        let summary: String
        let rows: [Row]
        let pagination: PaginationContext
        let csvURL: String
        let addURL: String
        let checkInURL: String
        let form: StaffForm
        let sources: [SelectOption]
        let asks: Asks
        let errors: [String]
    }

    struct Asks: Encodable {
        let childcare: Bool
        let language: Bool
        let accessibility: Bool
    }

    struct StaffForm: Content {
        var name: String?
        var email: String?
        var phone: String?
        var people: String?
        var source: String?
        var childcare: String?
        var language: String?
        var accessibility: String?
    }

    struct DoorRow: Encodable {
        let name: String
        let people: Int
        let checkedIn: Bool
        let url: String
        let answers: String?
    }

    struct Counter: Encodable {
        let group: String
        let label: String
        let count: Int
    }

    struct DoorContent: Encodable {
        let eventTitle: String
        let eventURL: String
        let rows: [DoorRow]
        let query: String
        let counters: [Counter]
        let walkInsURL: String
        let total: String
        let searchURL: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.eventRegistrations(id: ":id"), use: list)
        staff.post(.eventRegistrations(id: ":id"), use: add)
        staff.get(.eventRegistrationsCSV(id: ":id"), use: csv)
        staff.post(.registrationStaffCancel(id: ":id"), use: cancel)
        staff.get(.eventCheckIn(id: ":id"), use: door)
        staff.post(.registrationCheckIn(id: ":id"), use: checkIn)
        staff.post(.eventWalkIns(id: ":id"), use: walkIns)
    }

    @Sendable
    func list(req: Request) async throws -> Response {
        try await page(req, event: try await EventController.find(req), form: StaffForm(people: "1", source: Registration.Source.phone.rawValue),
                       errors: [], status: .ok)
    }

    private func page(_ req: Request, event: Event, form: StaffForm, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try event.requireID()
        let base = { Registration.query(on: req.db).filter(\.$event.$id == id) }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await base().count())
        let rows = try await base().sort(\.$createdAt).sort(\.$id).range(window.offset..<(window.offset + window.perPage)).all()
        let all = try await base().filter(\.$status != .cancelled).all()
        let confirmed = all.filter { $0.status == .confirmed }.reduce(0) { $0 + $1.people }
        let waiting = all.filter { $0.status == .waiting }.reduce(0) { $0 + $1.people }
        let content = ListContent(
            eventTitle: event.title, eventURL: SiteURL.event(id: id.uuidString).path,
            summary: req.t("events.registration_summary", String(confirmed), event.capacity.map(String.init) ?? "–", String(waiting)),
            rows: try rows.map { row in
                Row(name: row.name, people: row.people, status: req.t("registration.status.\(row.status.rawValue)"), isWaiting: row.status == .waiting,
                    source: req.t("registration.source.\(row.source.rawValue)"), contact: [row.email, row.phone].filter { !$0.isEmpty }.joined(separator: ", "),
                    answers: Self.answers(row, req), checkedIn: row.checkedInAt != nil,
                    cancelURL: row.status == .cancelled ? nil : SiteURL.registrationStaffCancel(id: try row.requireID().uuidString).path,
                    checkInURL: SiteURL.registrationCheckIn(id: try row.requireID().uuidString).path)
            },
            pagination: PaginationContext(window, baseURL: SiteURL.eventRegistrations(id: id.uuidString).path, req: req),
            csvURL: SiteURL.eventRegistrationsCSV(id: id.uuidString).path, addURL: SiteURL.eventRegistrations(id: id.uuidString).path,
            checkInURL: SiteURL.eventCheckIn(id: id.uuidString).path, form: form,
            sources: Registration.Source.allCases.filter { $0 != .online }.map { .init(value: $0.rawValue, label: req.t("registration.source.\($0.rawValue)"), selected: $0.rawValue == form.source) },
            asks: Asks(childcare: event.askChildcare, language: event.askLanguage, accessibility: event.askAccessibility), errors: errors
        )
        return try await req.renderPage("events/registrations", title: req.t("registrations.title", event.title), content, status: status, withForms: true)
    }

    /// Somebody called or came by: staff register her; without an e-mail address nobody is mailed.
    @Sendable
    func add(req: Request) async throws -> Response {
        let event = try await EventController.find(req)
        let input = try req.content.decode(StaffForm.self)
        var errors: [String] = []
        let entry = Self.entry(name: input.name, email: input.email, phone: input.phone, people: input.people, childcare: input.childcare,
                               language: input.language, accessibility: input.accessibility, emailRequired: false, errors: &errors, req: req)
        let source = Registration.Source(rawValue: input.source ?? "")
        if source == nil || source == .online { errors.append(req.t("registrations.error.source")) }
        if !event.registration { errors.append(req.t("registrations.error.closed")) }
        guard errors.isEmpty, var entry, let source else { return try await page(req, event: event, form: input, errors: errors, status: .badRequest) }
        entry.source = source
        let registration = try await RegistrationDesk.register(entry, for: event, req: req)
        req.flash(registration.status == .confirmed ? "registrations.added" : "registrations.added_waiting", registration.name)
        return req.redirect(to: SiteURL.eventRegistrations(id: try event.requireID().uuidString).path)
    }

    @Sendable
    func cancel(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let registration = try await RegistrationDesk.cancel(id, req: req) else {
            throw Abort(.notFound)
        }
        req.flash("registrations.cancelled", registration.name)
        return req.redirect(to: SiteURL.eventRegistrations(id: registration.$event.id.uuidString).path)
    }

    /// The attendee list for the spreadsheet, German Excel style.
    @Sendable
    func csv(req: Request) async throws -> Response {
        let event = try await EventController.find(req)
        let rows = try await Registration.query(on: req.db).filter(\.$event.$id == event.requireID()).sort(\.$createdAt).sort(\.$id).limit(10_000).all()
        let header = ["Name", "Personen", "Status", "Weg", "E-Mail", "Telefon", "Kinderbetreuung", "Sprache", "Barrierefreiheit", "Eingecheckt", "Angemeldet am"]
        let lines = rows.map { row in
            [row.name, String(row.people), req.application.catalog.text("registration.status.\(row.status.rawValue)", .de),
             req.application.catalog.text("registration.source.\(row.source.rawValue)", .de), row.email, row.phone, row.childcare ? "ja" : "nein",
             row.language, row.accessibility, row.checkedInAt.map { BerlinTime.dateTime($0, .de) } ?? "",
             row.createdAt.map { BerlinTime.dateTime($0, .de) } ?? ""]
        }
        return ExportController.csvResponse(GermanCSV.write(header: header, rows: lines), filename: "anmeldungen.csv")
    }

    // MARK: At the door

    @Sendable
    func door(req: Request) async throws -> Response {
        let event = try await EventController.find(req)
        let id = try event.requireID()
        let query = ((try? req.query.get(String.self, at: "q")) ?? "").trimmingCharacters(in: .whitespaces)
        var rows = try await Registration.query(on: req.db).filter(\.$event.$id == id).filter(\.$status == .confirmed).sort(\.$name).limit(1000).all()
        if !query.isEmpty { rows = rows.filter { $0.name.localizedCaseInsensitiveContains(query) } }
        let walkIns = try await WalkIn.query(on: req.db).filter(\.$event.$id == id).all()
        let counted = Dictionary(walkIns.map { ($0.ageGroup, $0.count) }, uniquingKeysWith: +)
        let checkedIn = rows.filter { $0.checkedInAt != nil }.reduce(0) { $0 + $1.people }
        let walkInTotal = walkIns.reduce(0) { $0 + $1.count }
        let content = DoorContent(
            eventTitle: event.title, eventURL: SiteURL.event(id: id.uuidString).path,
            rows: try rows.map { DoorRow(name: $0.name, people: $0.people, checkedIn: $0.checkedInAt != nil,
                                         url: SiteURL.registrationCheckIn(id: try $0.requireID().uuidString).path,
                                         answers: Self.answers($0, req).isEmpty ? nil : Self.answers($0, req)) },
            query: query,
            counters: AgeGroup.allCases.map { Counter(group: $0.rawValue, label: req.t("age_group.\($0.rawValue)"), count: counted[$0] ?? 0) },
            walkInsURL: SiteURL.eventWalkIns(id: id.uuidString).path,
            total: EventController.participation(checkedIn: checkedIn, walkIns: walkInTotal, req),
            searchURL: SiteURL.eventCheckIn(id: id.uuidString).path
        )
        return try await req.renderPage("events/door", title: req.t("door.title", event.title), content, withForms: true)
    }

    /// Checks a person in, or back out when pressed by mistake.
    @Sendable
    func checkIn(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let registration = try await Registration.find(id, on: req.db),
              registration.status == .confirmed
        else { throw Abort(.notFound) }
        let before = registration.auditSnapshot
        registration.checkedInAt = registration.checkedInAt == nil ? Date() : nil
        try await registration.save(on: req.db)
        try await req.audit(.update, registration, before: before)
        req.flash(registration.checkedInAt == nil ? "door.undone" : "door.checked_in", registration.name)
        return req.redirect(to: SiteURL.eventCheckIn(id: registration.$event.id.uuidString).path)
    }

    /// One more (or, to correct a slip, one less) person without registration in an age group.
    @Sendable
    func walkIns(req: Request) async throws -> Response {
        let event = try await EventController.find(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        guard let group = form["group"].flatMap(AgeGroup.init(rawValue:)), let delta = form["delta"].flatMap(Int.init), delta == 1 || delta == -1 else {
            throw UserError(.badRequest, "door.error.count")
        }
        let id = try event.requireID()
        try await RegistrationDesk.serialized(id, on: req.db) { database in
            if let row = try await WalkIn.query(on: database).filter(\.$event.$id == id).filter(\.$ageGroup == group).first() {
                row.count = max(0, row.count + delta)
                try await row.save(on: database)
            } else if delta > 0 {
                try await WalkIn(eventID: id, ageGroup: group, count: 1).create(on: database)
            }
        }
        req.flash("door.counted", req.t("age_group.\(group.rawValue)"))
        return req.redirect(to: SiteURL.eventCheckIn(id: id.uuidString).path)
    }

    // MARK: Shared

    static func answers(_ registration: Registration, _ req: Request) -> String {
        var parts: [String] = []
        if registration.childcare { parts.append(req.t("registration.answer.childcare")) }
        if !registration.language.isEmpty { parts.append(req.t("registration.answer.language", registration.language)) }
        if !registration.accessibility.isEmpty { parts.append(registration.accessibility) }
        return parts.joined(separator: "; ")
    }

    /// Reads and checks what a registration form sent; nil (with messages) when something is wrong.
    static func entry(name: String?, email: String?, phone: String?, people: String?, childcare: String?, language: String?, accessibility: String?,
                      emailRequired: Bool, errors: inout [String], req: Request) -> RegistrationDesk.Entry? {
        func text(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let name = text(name)
        if name.isEmpty || name.count > 120 { errors.append(req.t("registrations.error.name")) }
        let email = text(email).lowercased()
        if emailRequired || !email.isEmpty, !MailMessage.isValidAddress(email) { errors.append(req.t("registrations.error.email")) }
        let phone = text(phone)
        if phone.count > 40 { errors.append(req.t("registrations.error.phone")) }
        let count = Int(text(people).isEmpty ? "1" : text(people))
        if count == nil || !(1...RegistrationRules.maximumPeople).contains(count!) {
            errors.append(req.t("registrations.error.people", String(RegistrationRules.maximumPeople)))
        }
        if text(language).count > 100 || text(accessibility).count > 500 { errors.append(req.t("texts.error.long")) }
        guard errors.isEmpty, let count else { return nil }
        return RegistrationDesk.Entry(name: name, email: email, phone: phone, people: count, childcare: childcare != nil, language: text(language),
                                      accessibility: text(accessibility), source: .online, locale: req.language)
    }
}
