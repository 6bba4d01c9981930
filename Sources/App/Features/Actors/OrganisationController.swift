import Fluent
import QuartierCore
import SQLKit
import Vapor

/// The directory of organisations: search and filters, detail page with people and contact timeline, editing,
/// and the outreach list of organisations nobody has contacted for months.
struct OrganisationController: RouteCollection {
    static let perPage = 25
    static let timelineLength = 20

    struct Row: Encodable {
        let name: String
        let kind: String
        let href: String
        let topics: String
        let lastContact: String?
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let pagination: PaginationContext
        let q: String
        let kinds: [SelectOption]
        let options: TopicOptions
        let months: String
        let newURL: String
        let exportURL: String
        let isOutreach: Bool
    }

    struct FunctionRow: Encodable {
        let person: String
        let href: String
        let title: String
        let period: String
        let current: Bool
    }

    struct TimelineItem: Encodable {
        let date: String
        let kind: String
        let subject: String
        let href: String
        let staff: String?
    }

    struct ShowContent: Encodable {
        let name: String
        let kind: String
        let address: [String]
        let phone: String
        let email: String
        let website: String
        let description: [[String]]
        let topics: [String]
        let isPublic: Bool
        let publicFields: [String]
        let lastContact: String?
        let functions: [FunctionRow]
        let timeline: [TimelineItem]
        let editURL: String
        let newContactURL: String
        let allContactsURL: String
    }

    struct Form: Content {
        var name: String?
        var kind: String?
        var street: String?
        var postal_code: String?
        var city: String?
        var latitude: String?
        var longitude: String?
        var phone: String?
        var email: String?
        var website: String?
        var description: String?
        var topics: String?
        var is_public: String?
        var public_fields: [String]?
    }

    struct FormContent: Encodable {
        let form: Form
        let kinds: [SelectOption]
        let publicFieldOptions: [SelectOption]
        let errors: [String]
        let action: String
        let isNew: Bool
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.organisations) { req in try await index(req, outreach: false) }
        staff.get(.outreach) { req in try await index(req, outreach: true) }
        staff.get(.organisationNew, use: new)
        staff.post(.organisationNew, use: create)
        staff.get(.organisation(id: ":id"), use: show)
        staff.get(.organisationEdit(id: ":id"), use: edit)
        staff.post(.organisationEdit(id: ":id"), use: update)
    }

    /// The filtered query, shared by the list and the CSV export.
    static func filtered(_ filter: DirectoryFilter, on database: any Database) -> QueryBuilder<Organisation> {
        var query = Organisation.query(on: database)
        if let text = filter.searchText { query = query.filter(\.$searchKey ~~ text) }
        if let kind = filter.typ.flatMap(Organisation.Kind.init(rawValue:)) { query = query.filter(\.$kind == kind) }
        if let topic = filter.topicID {
            query = query.filter(linkedThrough: OrganisationTopic.schema, ownColumn: "organisation_id", toTopics: [topic])
        }
        if let field = filter.fieldID {
            query = query.filter(linkedThrough: OrganisationTopic.schema, ownColumn: "organisation_id", toFieldOfAction: field)
        }
        if let cutoff = filter.cutoff() {
            query = query.group(.or) { $0.filter(\.$lastContactAt == nil).filter(\.$lastContactAt < cutoff) }
        }
        return query
    }

    func index(_ req: Request, outreach: Bool) async throws -> Response {
        var filter = try req.query.decode(DirectoryFilter.self)
        if outreach, filter.months == nil { filter.monate = "6" }
        let window = PageWindow(page: filter.page, perPage: Self.perPage, total: try await Self.filtered(filter, on: req.db).count())
        var query = Self.filtered(filter, on: req.db).with(\.$topics)
        query = outreach ? query.sortByLastContactOldestFirst().sort(\.$name) : query.sort(\.$name)
        let organisations = try await query.range(window.offset..<(window.offset + window.perPage)).all()
        let rows = try organisations.map { organisation in
            Row(name: organisation.name, kind: req.t("organisation.kind.\(organisation.kind.rawValue)"),
                href: SiteURL.organisation(id: try organisation.requireID().uuidString).path,
                topics: organisation.topics.map(\.name).sorted().joined(separator: ", "),
                lastContact: organisation.lastContactAt.map { CalendarDate.display($0, req.language) })
        }
        let base = outreach ? SiteURL.outreach.path : SiteURL.organisations.path
        let content = IndexContent(
            rows: rows,
            pagination: PaginationContext(window, baseURL: base, req: req, query: filter.query),
            q: filter.q ?? "",
            kinds: Self.kindOptions(req, selected: filter.typ),
            options: try await TopicOptions.load(on: req.db, selectedTopic: filter.topicID, selectedField: filter.fieldID),
            months: filter.months.map(String.init) ?? "",
            newURL: SiteURL.organisationNew.path,
            exportURL: SiteURL.organisationsExportCSV.path + Self.queryString(filter.query),
            isOutreach: outreach
        )
        let title = outreach ? req.t("outreach.title", String(filter.months ?? 6)) : req.t("organisations.title")
        return try await req.renderPage("actors/organisations", title: title, content)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let organisation = try await Self.find(req)
        let id = try organisation.requireID()
        try await organisation.$topics.load(on: req.db)
        let functions = try await PersonFunction.query(on: req.db).filter(\.$organisation.$id == id).with(\.$person)
            .sort(\.$title).all()
        let contacts = try await Contact.query(on: req.db)
            .filter("id", in: SQLSubquery.select { $0.column("contact_id").from(ContactOrganisation.schema).where("organisation_id", .equal, id) })
            .with(\.$staff).sort(\.$happenedOn, .descending).limit(Self.timelineLength).all()
        let today = CalendarDate.today()
        let content = ShowContent(
            name: organisation.name,
            kind: req.t("organisation.kind.\(organisation.kind.rawValue)"),
            address: [organisation.street, [organisation.postalCode, organisation.city].filter { !$0.isEmpty }.joined(separator: " ")].filter { !$0.isEmpty },
            phone: organisation.phone, email: organisation.email, website: organisation.website,
            description: PlainText.paragraphs(organisation.description),
            topics: organisation.topics.map(\.name).sorted(),
            isPublic: organisation.isPublic,
            publicFields: organisation.publicFieldSet.map { req.t("organisation.public.\($0.rawValue)") }.sorted(),
            lastContact: organisation.lastContactAt.map { CalendarDate.display($0, req.language) },
            functions: try functions.map { function in
                FunctionRow(person: function.person.displayName, href: SiteURL.person(id: try function.person.requireID().uuidString).path,
                            title: function.title, period: Self.period(function.period, req), current: function.period.isCurrent(at: today))
            }.sorted { $0.current && !$1.current },
            timeline: try contacts.map { try Self.timelineItem($0, req) },
            editURL: SiteURL.organisationEdit(id: id.uuidString).path,
            newContactURL: SiteURL.contactNew.path + "?organisation=" + id.uuidString,
            allContactsURL: SiteURL.contacts.path + "?organisation=" + id.uuidString
        )
        return try await req.renderPage("actors/organisation", title: organisation.name, content)
    }

    @Sendable
    func new(req: Request) async throws -> Response {
        try await form(req, Form(kind: Organisation.Kind.institution.rawValue, city: "Marburg"), organisation: nil, errors: [], status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(Form.self)
        let organisation = Organisation(name: "", kind: .other)
        let errors = apply(input, to: organisation, req: req)
        guard errors.isEmpty else { return try await form(req, input, organisation: nil, errors: errors, status: .badRequest) }
        try await req.db.transaction { database in
            try await organisation.save(on: database)
            try await organisation.$topics.attach(try await TopicInput.resolve(TopicInput.names(input.topics), on: database), on: database)
            try await req.audit(.create, organisation, before: nil, on: database)
        }
        req.flash("organisations.saved", organisation.name)
        return req.redirect(to: SiteURL.organisation(id: try organisation.requireID().uuidString).path)
    }

    @Sendable
    func edit(req: Request) async throws -> Response {
        let organisation = try await Self.find(req)
        try await organisation.$topics.load(on: req.db)
        let input = Form(
            name: organisation.name, kind: organisation.kind.rawValue, street: organisation.street, postal_code: organisation.postalCode,
            city: organisation.city, latitude: organisation.latitude.map { String($0) }, longitude: organisation.longitude.map { String($0) },
            phone: organisation.phone, email: organisation.email, website: organisation.website, description: organisation.description,
            topics: organisation.topics.map(\.name).sorted().joined(separator: ", "), is_public: organisation.isPublic ? "on" : nil,
            public_fields: organisation.publicFieldSet.map(\.rawValue)
        )
        return try await form(req, input, organisation: organisation, errors: [], status: .ok)
    }

    @Sendable
    func update(req: Request) async throws -> Response {
        let organisation = try await Self.find(req)
        let input = try req.content.decode(Form.self)
        let before = organisation.auditSnapshot
        let errors = apply(input, to: organisation, req: req)
        guard errors.isEmpty else { return try await form(req, input, organisation: organisation, errors: errors, status: .badRequest) }
        try await req.db.transaction { database in
            try await organisation.save(on: database)
            try await organisation.$topics.detachAll(on: database)
            try await organisation.$topics.attach(try await TopicInput.resolve(TopicInput.names(input.topics), on: database), on: database)
            try await req.audit(.update, organisation, before: before, on: database)
        }
        req.flash("organisations.saved", organisation.name)
        return req.redirect(to: SiteURL.organisation(id: try organisation.requireID().uuidString).path)
    }

    /// Checks the form and copies it onto the organisation; returns the problems in the reader's language.
    private func apply(_ input: Form, to organisation: Organisation, req: Request) -> [String] {
        func clean(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var errors: [String] = []
        let name = clean(input.name)
        if name.isEmpty { errors.append(req.t("organisations.error.name")) }
        guard let kind = Organisation.Kind(rawValue: clean(input.kind)) else { return errors + [req.t("organisations.error.kind")] }
        let email = clean(input.email)
        if !email.isEmpty, !MailMessage.isValidAddress(email) { errors.append(req.t("organisations.error.email")) }
        let website = clean(input.website)
        if !website.isEmpty, !(website.hasPrefix("https://") || website.hasPrefix("http://")) { errors.append(req.t("organisations.error.website")) }
        let latitude = clean(input.latitude).replacingOccurrences(of: ",", with: ".")
        let longitude = clean(input.longitude).replacingOccurrences(of: ",", with: ".")
        var coordinates: (Double, Double)?
        if !latitude.isEmpty || !longitude.isEmpty {
            if let lat = Double(latitude), let lon = Double(longitude), (-90...90).contains(lat), (-180...180).contains(lon) {
                coordinates = (lat, lon)
            } else {
                errors.append(req.t("organisations.error.coordinates"))
            }
        }
        if [name, clean(input.street), clean(input.city), clean(input.phone)].contains(where: { $0.count > 200 }) || clean(input.description).count > 10_000 {
            errors.append(req.t("organisations.error.long"))
        }
        guard errors.isEmpty else { return errors }
        organisation.name = name
        organisation.searchKey = Person.searchKey(name)
        organisation.kind = kind
        organisation.street = clean(input.street)
        organisation.postalCode = clean(input.postal_code)
        organisation.city = clean(input.city)
        organisation.latitude = coordinates?.0
        organisation.longitude = coordinates?.1
        organisation.phone = clean(input.phone)
        organisation.email = email
        organisation.website = website
        organisation.description = clean(input.description)
        organisation.isPublic = input.is_public != nil
        organisation.publicFields = (input.public_fields ?? []).compactMap(Organisation.PublicField.init(rawValue:)).map(\.rawValue).sorted().joined(separator: ",")
        return []
    }

    private func form(_ req: Request, _ input: Form, organisation: Organisation?, errors: [String], status: HTTPStatus) async throws -> Response {
        let selectedFields = Set(input.public_fields ?? [])
        let content = FormContent(
            form: input,
            kinds: Self.kindOptions(req, selected: input.kind, includeAll: false),
            publicFieldOptions: Organisation.PublicField.allCases.map {
                SelectOption(value: $0.rawValue, label: req.t("organisation.public.\($0.rawValue)"), selected: selectedFields.contains($0.rawValue))
            },
            errors: errors,
            action: try organisation.map { SiteURL.organisationEdit(id: try $0.requireID().uuidString).path } ?? SiteURL.organisationNew.path,
            isNew: organisation == nil
        )
        let title = organisation.map { req.t("organisations.edit.title", $0.name) } ?? req.t("organisations.new.title")
        return try await req.renderPage("actors/organisation-form", title: title, content, status: status, withForms: true)
    }

    static func kindOptions(_ req: Request, selected: String?, includeAll: Bool = true) -> [SelectOption] {
        let kinds = Organisation.Kind.allCases.map { SelectOption(value: $0.rawValue, label: req.t("organisation.kind.\($0.rawValue)"), selected: $0.rawValue == selected) }
        return includeAll ? [SelectOption(value: "", label: req.t("filter.all"), selected: selected?.isEmpty ?? true)] + kinds : kinds
    }

    static func find(_ req: Request) async throws -> Organisation {
        guard let id = req.parameters.get("id", as: UUID.self), let organisation = try await Organisation.find(id, on: req.db) else {
            throw Abort(.notFound)
        }
        return organisation
    }

    static func period(_ period: FunctionPeriod, _ req: Request) -> String {
        switch (period.from, period.until) {
        case (nil, nil): ""
        case (let from?, nil): req.t("function.since", CalendarDate.display(from, req.language))
        case (nil, let until?): req.t("function.until", CalendarDate.display(until, req.language))
        case (let from?, let until?): req.t("function.between", CalendarDate.display(from, req.language), CalendarDate.display(until, req.language))
        }
    }

    static func timelineItem(_ contact: Contact, _ req: Request) throws -> TimelineItem {
        TimelineItem(date: CalendarDate.display(contact.happenedOn, req.language), kind: req.t("contact.kind.\(contact.kind.rawValue)"),
                     subject: contact.subject, href: SiteURL.contact(id: try contact.requireID().uuidString).path, staff: contact.staff?.name)
    }

    static func queryString(_ items: [String: String]) -> String {
        guard !items.isEmpty else { return "" }
        var components = URLComponents()
        components.queryItems = items.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return "?" + (components.percentEncodedQuery ?? "")
    }
}
