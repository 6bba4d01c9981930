import Fluent
import QuartierCore
import SQLKit
import Vapor

/// The directory of persons: search and filters, detail page with functions, consent and contact timeline,
/// editing, and the vCard of a person.
struct PersonController: RouteCollection {
    static let perPage = 25

    struct Row: Encodable {
        let name: String
        let href: String
        let functions: String
        let email: String
        let lastContact: String?
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let pagination: PaginationContext
        let q: String
        let options: TopicOptions
        let purposes: [SelectOption]
        let months: String
        let newURL: String
        let exportCSVURL: String
        let exportVCardURL: String
        let importURL: String
    }

    struct FunctionRow: Encodable {
        let organisation: String
        let href: String
        let title: String
        let period: String
        let current: Bool
        let endURL: String?
    }

    struct ConsentRow: Encodable {
        let purpose: String
        let given: String
        let source: String
        let withdrawn: String?
        let valid: Bool
        let withdrawURL: String?
    }

    struct ShowContent: Encodable {
        let name: String
        let email: String
        let phone: String
        let languages: String
        let address: [String]
        let note: [[String]]
        let topics: [String]
        let functions: [FunctionRow]
        let consents: [ConsentRow]
        let validPurposes: [String]
        let timeline: [OrganisationController.TimelineItem]
        let lastContact: String?
        let editURL: String
        let functionsURL: String
        let consentsURL: String
        let vcardURL: String
        let newContactURL: String
        let purposeOptions: [SelectOption]
        let sourceOptions: [SelectOption]
        let today: String
        let privacyURL: String?
        let errors: [String]
    }

    struct Form: Content {
        var given_name: String?
        var family_name: String?
        var email: String?
        var phone: String?
        var languages: String?
        var street: String?
        var postal_code: String?
        var city: String?
        var note: String?
        var topics: String?
    }

    struct FormContent: Encodable {
        let form: Form
        let errors: [String]
        let action: String
        let isNew: Bool
    }

    struct FunctionForm: Content {
        var organisation: String?
        var title: String?
        var from: String?
        var until: String?
    }

    struct ConsentForm: Content {
        var purpose: String?
        var given_on: String?
        var source: String?
    }

    struct PersonFilter: Content {
        var einwilligung: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.persons, use: index)
        staff.get(.personNew, use: new)
        staff.post(.personNew, use: create)
        staff.get(.person(id: ":id"), use: show)
        staff.get(.personEdit(id: ":id"), use: edit)
        staff.post(.personEdit(id: ":id"), use: update)
        staff.post(.personFunctions(id: ":id"), use: addFunction)
        staff.post(.personFunctionEnd(id: ":id", function: ":function"), use: endFunction)
        staff.post(.personConsents(id: ":id"), use: addConsent)
        staff.post(.personConsentWithdraw(id: ":id", consent: ":consent"), use: withdrawConsent)
        staff.get(.personVCard(id: ":id"), use: vcard)
    }

    /// The filtered query, shared by the list and the exports.
    static func filtered(_ filter: DirectoryFilter, purpose: ConsentPurpose?, on database: any Database) -> QueryBuilder<Person> {
        var query = Person.query(on: database)
        if let text = filter.searchText { query = query.filter(\.$searchKey ~~ text) }
        if let topic = filter.topicID {
            query = query.filter(linkedThrough: PersonTopic.schema, ownColumn: "person_id", toTopics: [topic])
        }
        if let field = filter.fieldID {
            query = query.filter(linkedThrough: PersonTopic.schema, ownColumn: "person_id", toFieldOfAction: field)
        }
        if let cutoff = filter.cutoff() {
            query = query.group(.or) { $0.filter(\.$lastContactAt == nil).filter(\.$lastContactAt < cutoff) }
        }
        if let purpose {
            query = query.filter("id", in: Consent.holders(of: purpose))
        }
        return query
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let filter = try req.query.decode(DirectoryFilter.self)
        let purpose = try req.query.decode(PersonFilter.self).einwilligung.flatMap(ConsentPurpose.init(rawValue:))
        let window = PageWindow(page: filter.page, perPage: Self.perPage, total: try await Self.filtered(filter, purpose: purpose, on: req.db).count())
        let persons = try await Self.filtered(filter, purpose: purpose, on: req.db)
            .with(\.$functions) { $0.with(\.$organisation) }
            .sort(\.$familyName).sort(\.$givenName)
            .range(window.offset..<(window.offset + window.perPage)).all()
        let today = CalendarDate.today()
        let rows = try persons.map { person in
            Row(name: person.familyName.isEmpty ? person.givenName : "\(person.familyName), \(person.givenName)",
                href: SiteURL.person(id: try person.requireID().uuidString).path,
                functions: person.functions.filter { $0.period.isCurrent(at: today) }.map { "\($0.title) (\($0.organisation.name))" }.joined(separator: "; "),
                email: person.email,
                lastContact: person.lastContactAt.map { CalendarDate.display($0, req.language) })
        }
        var query = filter.query
        if let purpose { query["einwilligung"] = purpose.rawValue }
        let content = IndexContent(
            rows: rows,
            pagination: PaginationContext(window, baseURL: SiteURL.persons.path, req: req, query: query),
            q: filter.q ?? "",
            options: try await TopicOptions.load(on: req.db, selectedTopic: filter.topicID, selectedField: filter.fieldID),
            purposes: [SelectOption(value: "", label: req.t("filter.all"), selected: purpose == nil)]
                + ConsentPurpose.allCases.map { .init(value: $0.rawValue, label: req.t("consent.purpose.\($0.rawValue)"), selected: $0 == purpose) },
            months: filter.months.map(String.init) ?? "",
            newURL: SiteURL.personNew.path,
            exportCSVURL: SiteURL.personsExportCSV.path + OrganisationController.queryString(query),
            exportVCardURL: SiteURL.personsExportVCard.path + OrganisationController.queryString(query),
            importURL: SiteURL.personsImport.path
        )
        return try await req.renderPage("actors/persons", title: req.t("persons.title"), content)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        try await showPage(req, person: try await Self.find(req), errors: [], status: .ok)
    }

    func showPage(_ req: Request, person: Person, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try person.requireID()
        try await person.$topics.load(on: req.db)
        let functions = try await PersonFunction.query(on: req.db).filter(\.$person.$id == id).with(\.$organisation).all()
        let consents = try await Consent.query(on: req.db).filter(\.$person.$id == id).sort(\.$givenAt, .descending).all()
        let contacts = try await Contact.query(on: req.db)
            .filter("id", in: SQLSubquery.select { $0.column("contact_id").from(ContactPerson.schema).where("person_id", .equal, id) })
            .with(\.$staff).sort(\.$happenedOn, .descending).limit(OrganisationController.timelineLength).all()
        let today = CalendarDate.today()
        let now = Date()
        let valid = ConsentRules.validPurposes(consents.map(\.grant), at: ConsentRules.checkedAt(now: now))
        let content = ShowContent(
            name: person.displayName, email: person.email, phone: person.phone, languages: person.languageList.joined(separator: ", "),
            address: [person.street, [person.postalCode, person.city].filter { !$0.isEmpty }.joined(separator: " ")].filter { !$0.isEmpty },
            note: PlainText.paragraphs(person.note),
            topics: person.topics.map(\.name).sorted(),
            functions: try functions.map { function in
                let current = function.period.isCurrent(at: today)
                return FunctionRow(
                    organisation: function.organisation.name,
                    href: SiteURL.organisation(id: try function.organisation.requireID().uuidString).path,
                    title: function.title, period: OrganisationController.period(function.period, req), current: current,
                    endURL: current ? SiteURL.personFunctionEnd(id: id.uuidString, function: try function.requireID().uuidString).path : nil
                )
            }.sorted { $0.current && !$1.current },
            consents: try consents.map { consent in
                let isValid = ConsentRules.isValid(consent.grant, at: ConsentRules.checkedAt(now: now))
                return ConsentRow(
                    purpose: req.t("consent.purpose.\(consent.purpose.rawValue)"),
                    given: BerlinTime.date(consent.givenAt, req.language),
                    source: req.t("consent.source.\(consent.source.rawValue)"),
                    withdrawn: consent.withdrawnAt.map { BerlinTime.date($0, req.language) },
                    valid: isValid,
                    withdrawURL: consent.withdrawnAt == nil ? SiteURL.personConsentWithdraw(id: id.uuidString, consent: try consent.requireID().uuidString).path : nil
                )
            },
            validPurposes: ConsentPurpose.allCases.filter { valid.contains($0) }.map { req.t("consent.purpose.\($0.rawValue)") },
            timeline: try contacts.map { try OrganisationController.timelineItem($0, req) },
            lastContact: person.lastContactAt.map { CalendarDate.display($0, req.language) },
            editURL: SiteURL.personEdit(id: id.uuidString).path,
            functionsURL: SiteURL.personFunctions(id: id.uuidString).path,
            consentsURL: SiteURL.personConsents(id: id.uuidString).path,
            vcardURL: SiteURL.personVCard(id: id.uuidString).path,
            newContactURL: SiteURL.contactNew.path + "?person=" + id.uuidString,
            purposeOptions: ConsentPurpose.allCases.map { .init(value: $0.rawValue, label: req.t("consent.purpose.\($0.rawValue)"), selected: false) },
            sourceOptions: ConsentSource.allCases.map { .init(value: $0.rawValue, label: req.t("consent.source.\($0.rawValue)"), selected: false) },
            today: CalendarDate.iso(today),
            privacyURL: req.currentUser?.role == .admin ? SiteURL.personPrivacy(id: id.uuidString).path : nil,
            errors: errors
        )
        return try await req.renderPage("actors/person", title: person.displayName, content, status: status, withForms: true)
    }

    @Sendable
    func new(req: Request) async throws -> Response {
        try await form(req, Form(), person: nil, errors: [], status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(Form.self)
        let person = Person(givenName: "", familyName: "")
        let errors = apply(input, to: person, req: req)
        guard errors.isEmpty else { return try await form(req, input, person: nil, errors: errors, status: .badRequest) }
        try await req.db.transaction { database in
            try await person.save(on: database)
            try await person.$topics.attach(try await TopicInput.resolve(TopicInput.names(input.topics), on: database), on: database)
            try await req.audit(.create, person, before: nil, on: database)
        }
        req.flash("persons.saved", person.displayName)
        return req.redirect(to: SiteURL.person(id: try person.requireID().uuidString).path)
    }

    @Sendable
    func edit(req: Request) async throws -> Response {
        let person = try await Self.find(req)
        try await person.$topics.load(on: req.db)
        let input = Form(given_name: person.givenName, family_name: person.familyName, email: person.email, phone: person.phone,
                         languages: person.languages, street: person.street, postal_code: person.postalCode, city: person.city,
                         note: person.note, topics: person.topics.map(\.name).sorted().joined(separator: ", "))
        return try await form(req, input, person: person, errors: [], status: .ok)
    }

    @Sendable
    func update(req: Request) async throws -> Response {
        let person = try await Self.find(req)
        let input = try req.content.decode(Form.self)
        let before = person.auditSnapshot
        let errors = apply(input, to: person, req: req)
        guard errors.isEmpty else { return try await form(req, input, person: person, errors: errors, status: .badRequest) }
        try await req.db.transaction { database in
            try await person.save(on: database)
            try await person.$topics.detachAll(on: database)
            try await person.$topics.attach(try await TopicInput.resolve(TopicInput.names(input.topics), on: database), on: database)
            try await req.audit(.update, person, before: before, on: database)
        }
        req.flash("persons.saved", person.displayName)
        return req.redirect(to: SiteURL.person(id: try person.requireID().uuidString).path)
    }

    @Sendable
    func addFunction(req: Request) async throws -> Response {
        let person = try await Self.find(req)
        let input = try req.content.decode(FunctionForm.self)
        var errors: [String] = []
        let title = (input.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty || title.count > 200 { errors.append(req.t("functions.error.title")) }
        let name = (input.organisation ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let matches = name.isEmpty ? [] : try await Organisation.query(on: req.db).filter(\.$searchKey == Person.searchKey(name)).limit(2).all()
        if matches.count != 1 { errors.append(req.t(matches.isEmpty ? "functions.error.organisation" : "functions.error.organisation_ambiguous", name)) }
        let from = Self.optionalDay(input.from, errors: &errors, req: req)
        let until = Self.optionalDay(input.until, errors: &errors, req: req)
        if !FunctionPeriod(from: from, until: until).isValid { errors.append(req.t("functions.error.period")) }
        guard errors.isEmpty, let organisation = matches.first else {
            return try await showPage(req, person: person, errors: errors, status: .badRequest)
        }
        let function = PersonFunction(personID: try person.requireID(), organisationID: try organisation.requireID(), title: title, from: from, until: until)
        try await function.save(on: req.db)
        try await req.audit(.create, function, before: nil)
        req.flash("functions.saved")
        return req.redirect(to: SiteURL.person(id: try person.requireID().uuidString).path)
    }

    @Sendable
    func endFunction(req: Request) async throws -> Response {
        let person = try await Self.find(req)
        guard let functionID = req.parameters.get("function", as: UUID.self),
              let function = try await PersonFunction.query(on: req.db).filter(\.$id == functionID).filter(\.$person.$id == person.requireID()).first()
        else { throw Abort(.notFound) }
        let before = function.auditSnapshot
        function.until = CalendarDate.today()
        if let from = function.from, from > function.until! { function.until = from }
        try await function.save(on: req.db)
        try await req.audit(.update, function, before: before)
        req.flash("functions.ended")
        return req.redirect(to: SiteURL.person(id: try person.requireID().uuidString).path)
    }

    @Sendable
    func addConsent(req: Request) async throws -> Response {
        let person = try await Self.find(req)
        let input = try req.content.decode(ConsentForm.self)
        var errors: [String] = []
        let purpose = ConsentPurpose(rawValue: input.purpose ?? "")
        if purpose == nil { errors.append(req.t("consent.error.purpose")) }
        let source = ConsentSource(rawValue: input.source ?? "")
        if source == nil { errors.append(req.t("consent.error.source")) }
        let given = CalendarDate.parse(input.given_on ?? "")
        if given == nil || given! > CalendarDate.today() { errors.append(req.t("consent.error.date")) }
        guard errors.isEmpty, let purpose, let source, let given else {
            return try await showPage(req, person: person, errors: errors, status: .badRequest)
        }
        let personID = try person.requireID()
        try await req.db.transaction { database in
            // A new grant replaces a still valid older one for the same purpose, so one row per purpose is active.
            let open = try await Consent.query(on: database).filter(\.$person.$id == personID).filter(\.$purpose == purpose)
                .filter(\.$withdrawnAt == nil).all()
            for old in open {
                let before = old.auditSnapshot
                old.withdrawnAt = given
                try await old.save(on: database)
                try await req.audit(.update, old, before: before, on: database)
            }
            let consent = Consent(personID: personID, purpose: purpose, givenAt: given, source: source)
            try await consent.save(on: database)
            try await req.audit(.create, consent, before: nil, on: database)
        }
        req.flash("consent.saved")
        return req.redirect(to: SiteURL.person(id: personID.uuidString).path)
    }

    @Sendable
    func withdrawConsent(req: Request) async throws -> Response {
        let person = try await Self.find(req)
        guard let consentID = req.parameters.get("consent", as: UUID.self),
              let consent = try await Consent.query(on: req.db).filter(\.$id == consentID).filter(\.$person.$id == person.requireID()).first()
        else { throw Abort(.notFound) }
        if consent.withdrawnAt == nil {
            let before = consent.auditSnapshot
            consent.withdrawnAt = Date()
            try await consent.save(on: req.db)
            try await req.audit(.update, consent, before: before)
        }
        req.flash("consent.withdrawn")
        return req.redirect(to: SiteURL.person(id: try person.requireID().uuidString).path)
    }

    @Sendable
    func vcard(req: Request) async throws -> Response {
        let person = try await Self.find(req)
        let cards = try await Self.vcards([person], on: req.db)
        return Self.vcardResponse(VCard.renderAll(cards), filename: "person.vcf")
    }

    /// vCards with the current functions and topics, for one person or a whole selection (three queries).
    static func vcards(_ persons: [Person], on database: any Database) async throws -> [VCard] {
        let ids = try persons.map { try $0.requireID() }
        guard !ids.isEmpty else { return [] }
        let (functionsByPerson, topicsByPerson) = try await currentFunctionsAndTopics(of: ids, on: database)
        return try persons.map { person in
            let id = try person.requireID()
            let current = functionsByPerson[id] ?? []
            return VCard(
                uid: id.uuidString.lowercased(), formattedName: person.displayName, familyName: person.familyName, givenName: person.givenName,
                organisations: current.map(\.organisation.name), titles: current.map(\.title),
                emails: person.email.isEmpty ? [] : [person.email], phones: person.phone.isEmpty ? [] : [person.phone],
                address: person.street.isEmpty && person.city.isEmpty ? nil : VCard.Address(street: person.street, postalCode: person.postalCode, city: person.city),
                languages: person.languageList, categories: topicsByPerson[id] ?? [],
                note: person.note.isEmpty ? nil : person.note, revision: person.updatedAt
            )
        }
    }

    /// Current functions (with their organisation) and sorted topic names per person, in two queries for any number of persons.
    static func currentFunctionsAndTopics(of ids: [UUID], on database: any Database) async throws
        -> (functions: [UUID: [PersonFunction]], topics: [UUID: [String]]) {
        guard !ids.isEmpty else { return ([:], [:]) }
        let functions = try await PersonFunction.query(on: database).filter(\.$person.$id ~~ ids).with(\.$organisation).all()
        let topics = try await PersonTopic.query(on: database).filter(\.$person.$id ~~ ids).with(\.$topic).all()
        let today = CalendarDate.today()
        return (Dictionary(grouping: functions.filter { $0.period.isCurrent(at: today) }, by: { $0.$person.id }),
                Dictionary(grouping: topics, by: { $0.$person.id }).mapValues { $0.map(\.topic.name).sorted() })
    }

    static func vcardResponse(_ text: String, filename: String) -> Response {
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.replaceOrAdd(name: .contentType, value: "text/vcard; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return response
    }

    private func apply(_ input: Form, to person: Person, req: Request) -> [String] {
        func clean(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var errors: [String] = []
        let given = clean(input.given_name), family = clean(input.family_name)
        if given.isEmpty && family.isEmpty { errors.append(req.t("persons.error.name")) }
        let email = clean(input.email)
        if !email.isEmpty, !MailMessage.isValidAddress(email) { errors.append(req.t("persons.error.email")) }
        if [given, family, email, clean(input.phone), clean(input.languages), clean(input.street), clean(input.city)].contains(where: { $0.count > 200 })
            || clean(input.note).count > 10_000 {
            errors.append(req.t("persons.error.long"))
        }
        guard errors.isEmpty else { return errors }
        person.givenName = given
        person.familyName = family
        person.email = email.lowercased()
        person.phone = clean(input.phone)
        person.languages = clean(input.languages).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: ", ")
        person.street = clean(input.street)
        person.postalCode = clean(input.postal_code)
        person.city = clean(input.city)
        person.note = clean(input.note)
        person.refreshSearchKey()
        return []
    }

    private func form(_ req: Request, _ input: Form, person: Person?, errors: [String], status: HTTPStatus) async throws -> Response {
        let content = FormContent(
            form: input, errors: errors,
            action: try person.map { SiteURL.personEdit(id: try $0.requireID().uuidString).path } ?? SiteURL.personNew.path,
            isNew: person == nil
        )
        let title = person.map { req.t("persons.edit.title", $0.displayName) } ?? req.t("persons.new.title")
        return try await req.renderPage("actors/person-form", title: title, content, status: status, withForms: true)
    }

    static func find(_ req: Request) async throws -> Person {
        guard let id = req.parameters.get("id", as: UUID.self), let person = try await Person.find(id, on: req.db) else {
            throw Abort(.notFound)
        }
        return person
    }

    static func optionalDay(_ text: String?, errors: inout [String], req: Request) -> Date? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let day = CalendarDate.parse(text) else {
            errors.append(req.t("form.error.date", text))
            return nil
        }
        return day
    }
}
