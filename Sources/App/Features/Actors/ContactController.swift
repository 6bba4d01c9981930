import Fluent
import QuartierCore
import SQLKit
import Vapor

/// The contact log (Kontakte): who was met, called or visited, about what, which needs came up,
/// and the follow-ups that fall due.
struct ContactController: RouteCollection {
    static let perPage = 25

    struct Row: Encodable {
        let date: String
        let kind: String
        let subject: String
        let href: String
        let participants: String
        let followUp: String?
        let followUpDue: Bool
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let pagination: PaginationContext
        let newURL: String
        let filterName: String?
    }

    struct ShowContent: Encodable {
        struct Link: Encodable {
            let label: String
            let href: String
        }

        let date: String
        let kind: String
        let subject: String
        let staff: String?
        let persons: [Link]
        let organisations: [Link]
        let erased: Int
        let topics: [String]
        let notes: [[String]]
        let needs: [[String]]
        let followUp: String?
        let followUpDone: String?
        let doneURL: String?
    }

    struct Form: Content {
        var kind: String?
        var happened_on: String?
        var subject: String?
        var persons: String?
        var organisations: String?
        var person_ids: [String]?
        var organisation_ids: [String]?
        var topics: String?
        var notes: String?
        var needs: String?
        var follow_up_on: String?
    }

    struct FormContent: Encodable {
        struct Fixed: Encodable {
            let id: String
            let name: String
        }

        let form: Form
        let kinds: [SelectOption]
        let fixedPersons: [Fixed]
        let fixedOrganisations: [Fixed]
        let errors: [String]
        let action: String
    }

    struct FollowUpRow: Encodable {
        let due: String
        let overdue: Bool
        let subject: String
        let href: String
        let participants: String
        let doneURL: String
    }

    struct FollowUpContent: Encodable {
        let rows: [FollowUpRow]
        let pagination: PaginationContext
    }

    struct ListFilter: Content {
        var person: String?
        var organisation: String?
        var seite: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.contacts, use: index)
        staff.get(.contactNew, use: new)
        staff.post(.contactNew, use: create)
        staff.get(.contact(id: ":id"), use: show)
        staff.get(.followUps, use: followUps)
        staff.post(.followUpDone(id: ":id"), use: followUpDone)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let filter = try req.query.decode(ListFilter.self)
        let personID = filter.person.flatMap(UUID.init(uuidString:))
        let organisationID = filter.organisation.flatMap(UUID.init(uuidString:))
        func base() -> QueryBuilder<Contact> {
            var query = Contact.query(on: req.db)
            if let personID {
                query = query.filter("id", in: SQLSubquery.select { $0.column("contact_id").from(ContactPerson.schema).where("person_id", .equal, personID) })
            }
            if let organisationID {
                query = query.filter("id", in: SQLSubquery.select { $0.column("contact_id").from(ContactOrganisation.schema).where("organisation_id", .equal, organisationID) })
            }
            return query
        }
        let window = PageWindow(page: filter.seite.flatMap { Int($0) }, perPage: Self.perPage, total: try await base().count())
        let contacts = try await base().with(\.$persons).with(\.$organisations)
            .sort(\.$happenedOn, .descending).sort(\.$createdAt, .descending)
            .range(window.offset..<(window.offset + window.perPage)).all()
        let today = CalendarDate.today()
        let rows = try contacts.map { try Self.row($0, today: today, req: req) }
        var filterName: String?
        if let personID { filterName = try await Person.find(personID, on: req.db)?.displayName }
        if let organisationID { filterName = try await Organisation.find(organisationID, on: req.db)?.name }
        var query: [String: String] = [:]
        query["person"] = personID?.uuidString
        query["organisation"] = organisationID?.uuidString
        let content = IndexContent(rows: rows, pagination: PaginationContext(window, baseURL: SiteURL.contacts.path, req: req, query: query),
                                   newURL: SiteURL.contactNew.path + OrganisationController.queryString(query), filterName: filterName)
        return try await req.renderPage("actors/contacts", title: req.t("contacts.title"), content)
    }

    static func row(_ contact: Contact, today: Date, req: Request) throws -> Row {
        Row(date: CalendarDate.display(contact.happenedOn, req.language), kind: req.t("contact.kind.\(contact.kind.rawValue)"),
            subject: contact.subject, href: SiteURL.contact(id: try contact.requireID().uuidString).path,
            participants: (contact.persons.map(\.displayName).sorted() + contact.organisations.map(\.name).sorted()).joined(separator: ", "),
            followUp: contact.followUpDoneAt == nil ? contact.followUpOn.map { CalendarDate.display($0, req.language) } : nil,
            followUpDue: contact.followUpDoneAt == nil && (contact.followUpOn.map { $0 <= today } ?? false))
    }

    @Sendable
    func new(req: Request) async throws -> Response {
        let filter = try req.query.decode(ListFilter.self)
        let form = Form(kind: Contact.Kind.visit.rawValue, happened_on: CalendarDate.iso(CalendarDate.today()),
                        person_ids: filter.person.map { [$0] }, organisation_ids: filter.organisation.map { [$0] })
        return try await page(req, form, errors: [], status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(Form.self)
        var errors: [String] = []
        let kind = Contact.Kind(rawValue: input.kind ?? "")
        if kind == nil { errors.append(req.t("contacts.error.kind")) }
        let day = CalendarDate.parse(input.happened_on ?? "")
        if day == nil { errors.append(req.t("contacts.error.date")) }
        if let day, day > CalendarDate.today() { errors.append(req.t("contacts.error.future")) }
        let subject = (input.subject ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if subject.isEmpty || subject.count > 200 { errors.append(req.t("contacts.error.subject")) }
        let followUp = PersonController.optionalDay(input.follow_up_on, errors: &errors, req: req)
        var persons = try await Person.query(on: req.db).filter(\.$id ~~ (input.person_ids ?? []).compactMap(UUID.init(uuidString:))).all()
        var organisations = try await Organisation.query(on: req.db).filter(\.$id ~~ (input.organisation_ids ?? []).compactMap(UUID.init(uuidString:))).all()
        for line in PlainText.lines(input.persons ?? "") {
            if let match = try await Person.named(line, errors: &errors, req: req), !persons.contains(where: { $0.id == match.id }) {
                persons.append(match)
            }
        }
        for line in PlainText.lines(input.organisations ?? "") {
            let matches = try await Organisation.query(on: req.db).filter(\.$searchKey == Person.searchKey(line)).limit(2).all()
            switch matches.count {
            case 1: if !organisations.contains(where: { $0.id == matches[0].id }) { organisations.append(matches[0]) }
            case 0: errors.append(req.t("contacts.error.organisation_unknown", line))
            default: errors.append(req.t("contacts.error.organisation_ambiguous", line))
            }
        }
        if persons.isEmpty && organisations.isEmpty { errors.append(req.t("contacts.error.nobody")) }
        let notes = (input.notes ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let needs = (input.needs ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if notes.count > 20_000 || needs.count > 20_000 { errors.append(req.t("contacts.error.long")) }
        guard errors.isEmpty, let kind, let day else {
            var shown = input
            shown.person_ids = try persons.map { try $0.requireID().uuidString }
            shown.organisation_ids = try organisations.map { try $0.requireID().uuidString }
            shown.persons = nil
            shown.organisations = nil
            return try await page(req, shown, errors: errors, status: .badRequest, keepLines: input)
        }
        let contact = Contact(kind: kind, happenedOn: day, staffID: req.currentUser?.id, subject: subject, notes: notes, needs: needs, followUpOn: followUp)
        let participants = (persons: persons, organisations: organisations)
        try await req.db.transaction { database in
            let (persons, organisations) = participants
            try await contact.save(on: database)
            try await contact.$persons.attach(persons, on: database)
            try await contact.$organisations.attach(organisations, on: database)
            try await contact.$topics.attach(try await TopicInput.resolve(TopicInput.names(input.topics), on: database), on: database)
            for person in persons where (person.lastContactAt ?? .distantPast) < day {
                person.lastContactAt = day
                try await person.save(on: database)
            }
            for organisation in organisations where (organisation.lastContactAt ?? .distantPast) < day {
                organisation.lastContactAt = day
                try await organisation.save(on: database)
            }
            try await req.audit(.create, contact, before: nil, on: database)
        }
        req.flash("contacts.saved")
        return req.redirect(to: SiteURL.contact(id: try contact.requireID().uuidString).path)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self),
              let contact = try await Contact.query(on: req.db).filter(\.$id == id)
              .with(\.$persons).with(\.$organisations).with(\.$topics).with(\.$staff).first()
        else { throw Abort(.notFound) }
        let content = ShowContent(
            date: CalendarDate.display(contact.happenedOn, req.language), kind: req.t("contact.kind.\(contact.kind.rawValue)"),
            subject: contact.subject, staff: contact.staff?.name,
            persons: try contact.persons.sorted { $0.displayName < $1.displayName }.map { .init(label: $0.displayName, href: SiteURL.person(id: try $0.requireID().uuidString).path) },
            organisations: try contact.organisations.sorted { $0.name < $1.name }.map { .init(label: $0.name, href: SiteURL.organisation(id: try $0.requireID().uuidString).path) },
            erased: contact.erasedParticipants,
            topics: contact.topics.map(\.name).sorted(),
            notes: PlainText.paragraphs(contact.notes), needs: PlainText.paragraphs(contact.needs),
            followUp: contact.followUpOn.map { CalendarDate.display($0, req.language) },
            followUpDone: contact.followUpDoneAt.map { BerlinTime.dateTime($0, req.language) },
            doneURL: contact.followUpOn != nil && contact.followUpDoneAt == nil ? SiteURL.followUpDone(id: id.uuidString).path : nil
        )
        return try await req.renderPage("actors/contact", title: contact.subject, content, withForms: true)
    }

    @Sendable
    func followUps(req: Request) async throws -> Response {
        let today = CalendarDate.today()
        func base() -> QueryBuilder<Contact> {
            Contact.query(on: req.db).filter(\.$followUpOn != nil).filter(\.$followUpDoneAt == nil)
        }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await base().count())
        let contacts = try await base().with(\.$persons).with(\.$organisations).sort(\.$followUpOn)
            .range(window.offset..<(window.offset + window.perPage)).all()
        let rows = try contacts.map { contact in
            FollowUpRow(due: CalendarDate.display(contact.followUpOn!, req.language), overdue: contact.followUpOn! <= today, subject: contact.subject,
                        href: SiteURL.contact(id: try contact.requireID().uuidString).path,
                        participants: (contact.persons.map(\.displayName).sorted() + contact.organisations.map(\.name).sorted()).joined(separator: ", "),
                        doneURL: SiteURL.followUpDone(id: try contact.requireID().uuidString).path)
        }
        return try await req.renderPage("actors/follow-ups", title: req.t("followups.title"),
                                        FollowUpContent(rows: rows, pagination: PaginationContext(window, baseURL: SiteURL.followUps.path, req: req)), withForms: true)
    }

    @Sendable
    func followUpDone(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let contact = try await Contact.find(id, on: req.db) else { throw Abort(.notFound) }
        if contact.followUpDoneAt == nil {
            let before = contact.auditSnapshot
            contact.followUpDoneAt = Date()
            try await contact.save(on: req.db)
            try await req.audit(.update, contact, before: before)
        }
        req.flash("followups.done")
        return req.redirect(to: SiteURL.followUps.path)
    }

    /// Counts follow-ups due today or earlier, for the dashboard.
    static func dueCount(on database: any Database) async throws -> Int {
        try await Contact.query(on: database).filter(\.$followUpOn <= CalendarDate.today()).filter(\.$followUpDoneAt == nil).count()
    }

    private func page(_ req: Request, _ input: Form, errors: [String], status: HTTPStatus, keepLines: Form? = nil) async throws -> Response {
        let persons = try await Person.query(on: req.db).filter(\.$id ~~ (input.person_ids ?? []).compactMap(UUID.init(uuidString:))).all()
        let organisations = try await Organisation.query(on: req.db).filter(\.$id ~~ (input.organisation_ids ?? []).compactMap(UUID.init(uuidString:))).all()
        var shown = input
        shown.persons = keepLines?.persons
        shown.organisations = keepLines?.organisations
        let content = FormContent(
            form: shown,
            kinds: Contact.Kind.allCases.map { .init(value: $0.rawValue, label: req.t("contact.kind.\($0.rawValue)"), selected: $0.rawValue == input.kind) },
            fixedPersons: try persons.map { .init(id: try $0.requireID().uuidString, name: $0.displayName) },
            fixedOrganisations: try organisations.map { .init(id: try $0.requireID().uuidString, name: $0.name) },
            errors: errors, action: SiteURL.contactNew.path
        )
        return try await req.renderPage("actors/contact-form", title: req.t("contacts.new.title"), content, status: status, withForms: true)
    }
}
