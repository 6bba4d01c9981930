import Fluent
import QuartierCore
import Vapor

/// Staff side of the concerns: the queue, entry on behalf of a resident, and each concern's way through the
/// office — publication, moderation, status steps with public notes, forwarding, merge, agenda and project.
/// Admins also keep the categories and the Open311 API keys.
struct ConcernController: RouteCollection {
    static let perPage = 50
    /// How many recent contacts, events, meetings and projects the choice lists offer.
    static let choices = 60

    struct StaffEntryForm: Content {
        var title: String?
        var description: String?
        var category: String?
        var address: String?
        var latitude: String?
        var longitude: String?
        var name: String?
        var email: String?
        var wantsUpdates: String?
        var consent: String?
        var language: String?
        var source: String?
        var contact: String?
        var event: String?
    }

    struct Row: Encodable {
        let title: String
        let category: String
        let status: String
        let source: String
        let date: String
        let isPublic: Bool
        let needsConfirmation: Bool
        let supports: Int
        let url: String
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let statuses: [SelectOption]
        let pagination: PaginationContext
        let filterURL: String
        let newURL: String
        let categoriesURL: String
        let unpublishedOnly: Bool
    }

    struct NewContent: Encodable {
        let form: PublicConcernController.FormView
        let source: String
        let categories: [SelectOption]
        let sources: [SelectOption]
        let contacts: [SelectOption]
        let events: [SelectOption]
        let languages: [SelectOption]
        let errors: [String]
        let actionURL: String
    }

    struct ModerationView: Encodable {
        let date: String
        let actor: String
        let beforeTitle: String
        let beforeDescription: String
        let afterTitle: String
        let afterDescription: String
        let personalDataHidden: Bool
        let reason: String
    }

    struct ShowContent: Encodable {
        let id: String
        let originalTitle: String
        let originalDescription: String
        let publicTitle: String
        let publicDescription: String
        let category: String
        let status: String
        let statusNote: String
        let source: String
        let address: String
        let point: String?
        let submitterName: String
        let submitterEmail: String
        let wantsUpdates: Bool
        let needsConfirmation: Bool
        let isPublished: Bool
        let isPublic: Bool
        let supports: Int
        let photoURL: String?
        let publicURL: String
        let mergedIntoURL: String?
        let contact: String?
        let event: String?
        let nextStatuses: [SelectOption]
        let organisations: [SelectOption]
        let committees: [SelectOption]
        let meetings: [SelectOption]
        let projects: [SelectOption]
        let onAgenda: Bool
        let steps: [PublicConcernController.StepView]
        let moderations: [ModerationView]
        let moveURL: String
        let publishURL: String
        let moderateURL: String
        let agendaURL: String
        let projectURL: String
        let eraseURL: String
        let errors: [String]
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.concerns, use: index)
        staff.get(.concernStaffNew, use: newForm)
        staff.post(.concernStaffNew, use: create)
        staff.get(.concernStaff(id: ":id"), use: show)
        staff.post(.concernMove(id: ":id"), use: move)
        staff.post(.concernPublish(id: ":id"), use: publish)
        staff.post(.concernModerate(id: ":id"), use: moderate)
        staff.post(.concernAgenda(id: ":id"), use: agenda)
        staff.post(.concernProject(id: ":id"), use: project)
        staff.post(.concernEraseSubmitter(id: ":id"), use: eraseSubmitter)
        staff.get(.concernCategories, use: categories)
        staff.post(.concernCategories, use: addCategory)
    }

    // MARK: The queue

    @Sendable
    func index(req: Request) async throws -> Response {
        let status = (try? req.query.get(String.self, at: "status")).flatMap(ConcernStatus.init(rawValue:))
        let unpublished = (try? req.query.get(String.self, at: "offen")) != nil
        let base = {
            let query = Concern.query(on: req.db)
            if let status { query.filter(\.$status == status) }
            if unpublished { query.filter(\.$publishedAt == nil) }
            return query
        }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await base().count())
        let rows = try await base().sort(\.$createdAt, .descending).sort(\.$id).range(window.offset..<(window.offset + window.perPage)).all()
        let names = try await ConcernCategory.query(on: req.db).all().reduce(into: [UUID: String]()) { $0[$1.id!] = $1.name }
        var query: [String: String] = [:]
        if let status { query["status"] = status.rawValue }
        if unpublished { query["offen"] = "1" }
        let content = IndexContent(
            rows: try rows.map { concern in
                Row(title: concern.title, category: names[concern.$category.id] ?? "", status: req.t("concerns.status.\(concern.status.rawValue)"),
                    source: req.t("concerns.source.\(concern.source.rawValue)"), date: concern.createdAt.map { BerlinTime.date($0, req.language) } ?? "",
                    isPublic: concern.isPublic, needsConfirmation: concern.needsConfirmation, supports: concern.supportCount,
                    url: SiteURL.concernStaff(id: try concern.requireID().uuidString).path)
            },
            statuses: [SelectOption(value: "", label: req.t("concerns.all_statuses"), selected: status == nil)]
                + ConcernStatus.allCases.map { SelectOption(value: $0.rawValue, label: req.t("concerns.status.\($0.rawValue)"), selected: $0 == status) },
            pagination: PaginationContext(window, baseURL: SiteURL.concerns.path, req: req, query: query),
            filterURL: SiteURL.concerns.path, newURL: SiteURL.concernStaffNew.path, categoriesURL: SiteURL.concernCategories.path, unpublishedOnly: unpublished
        )
        return try await req.renderPage("concerns/staff-index", title: req.t("concerns.staff.title"), content)
    }

    // MARK: Entry on behalf of a resident

    @Sendable
    func newForm(req: Request) async throws -> Response {
        var view = PublicConcernController.FormView()
        view.language = req.language.rawValue
        return try await newPage(req, form: view, source: "", contact: "", event: "", errors: [], status: .ok)
    }

    private func newPage(_ req: Request, form: PublicConcernController.FormView, source: String, contact: String, event: String,
                         errors: [String], status: HTTPStatus) async throws -> Response {
        let categories = try await PublicConcernController.activeCategories(on: req.db)
        let contacts = try await Contact.query(on: req.db).sort(\.$happenedOn, .descending).limit(Self.choices).all()
        let events = try await Event.query(on: req.db).sort(\.$startsAt, .descending).limit(Self.choices).all()
        let content = NewContent(
            form: form, source: source, categories: PublicConcernController.categoryOptions(categories, selected: form.category, req: req),
            sources: ConcernSource.staffEntered.map { SelectOption(value: $0.rawValue, label: req.t("concerns.source.\($0.rawValue)"), selected: $0.rawValue == source) },
            contacts: [SelectOption(value: "", label: req.t("concerns.none"), selected: contact.isEmpty)] + contacts.compactMap { item in
                item.id.map { SelectOption(value: $0.uuidString, label: CalendarDate.display(item.happenedOn, req.language) + " – " + item.subject, selected: $0.uuidString == contact) }
            },
            events: [SelectOption(value: "", label: req.t("concerns.none"), selected: event.isEmpty)] + events.compactMap { item in
                item.id.map { SelectOption(value: $0.uuidString, label: BerlinTime.date(item.startsAt, req.language) + " – " + item.title, selected: $0.uuidString == event) }
            },
            languages: Language.allCases.map { SelectOption(value: $0.rawValue, label: req.application.catalog.text("language.name", $0), selected: $0.rawValue == form.language) },
            errors: errors, actionURL: SiteURL.concernStaffNew.path
        )
        return try await req.renderPage("concerns/staff-new", title: req.t("concerns.staff.new_title"), content, status: status, withForms: true)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(StaffEntryForm.self)
        let view = PublicConcernController.view(.init(title: input.title, description: input.description, category: input.category, address: input.address,
                                                      latitude: input.latitude, longitude: input.longitude, name: input.name, email: input.email,
                                                      wantsUpdates: input.wantsUpdates, consent: input.consent, language: input.language))
        var errors: [String] = []
        let categories = try await PublicConcernController.activeCategories(on: req.db)
        let checked = PublicConcernController.check(view, categories: categories, errors: &errors, req: req)
        let source = ConcernSource(rawValue: input.source ?? "").flatMap { ConcernSource.staffEntered.contains($0) ? $0 : nil }
        if source == nil { errors.append(req.t("concerns.error.source")) }
        if view.wantsUpdates && view.email.isEmpty { errors.append(req.t("concerns.error.updates_need_email")) }
        if (!view.email.isEmpty || !view.name.isEmpty) && !view.consent { errors.append(req.t("concerns.error.consent_staff")) }
        var contact: Contact?
        if let text = input.contact, !text.isEmpty {
            contact = try await UUID(uuidString: text).asyncMap { try await Contact.find($0, on: req.db) } ?? nil
            if contact == nil { errors.append(req.t("concerns.error.contact")) }
        }
        var event: Event?
        if let text = input.event, !text.isEmpty {
            event = try await UUID(uuidString: text).asyncMap { try await Event.find($0, on: req.db) } ?? nil
            if event == nil { errors.append(req.t("concerns.error.event")) }
        }
        guard errors.isEmpty, let category = checked.category, let source else {
            return try await newPage(req, form: view, source: input.source ?? "", contact: input.contact ?? "", event: input.event ?? "",
                                     errors: errors, status: .badRequest)
        }
        let concern = Concern(categoryID: try category.requireID(), source: source, title: view.title, description: view.description,
                              address: view.address, latitude: checked.point?.0, longitude: checked.point?.1,
                              locale: Language(rawValue: view.language) ?? .de, submitterName: view.name, submitterEmail: view.email,
                              wantsUpdates: view.wantsUpdates, clientHash: "staff")
        // Staff took the address from the resident in person or on the phone; it needs no confirmation link.
        concern.confirmedAt = Date()
        concern.$contact.id = try contact?.requireID()
        concern.$event.id = try event?.requireID()
        try await PublicConcernController.store(concern, photo: nil, req: req)
        req.flash("concerns.staff.created")
        return req.redirect(to: SiteURL.concernStaff(id: try concern.requireID().uuidString).path)
    }

    // MARK: One concern

    static func find(_ req: Request) async throws -> Concern {
        guard let id = req.parameters.get("id", as: UUID.self), let concern = try await Concern.find(id, on: req.db) else { throw Abort(.notFound) }
        return concern
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        try await page(req, concern: try await Self.find(req), errors: [], status: .ok)
    }

    private func page(_ req: Request, concern: Concern, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try concern.requireID()
        let category = try await ConcernCategory.find(concern.$category.id, on: req.db)
        let organisations = try await Organisation.query(on: req.db).filter(\.$kind ~~ [.administration, .institution, .housing, .association])
            .sort(\.$name).limit(300).all()
        let committees = try await Committee.query(on: req.db).sort(\.$name).all()
        let meetings = try await Meeting.query(on: req.db).filter(\.$startsAt >= Date().addingTimeInterval(-86_400)).with(\.$committee)
            .sort(\.$startsAt).limit(Self.choices).all()
        let projects = try await Project.query(on: req.db).sort(\.$title).limit(300).all()
        let moderations = try await ConcernModeration.query(on: req.db).filter(\.$concern.$id == id).sort(\.$createdAt).all()
        let contact = try await concern.$contact.id.asyncMap { try await Contact.find($0, on: req.db) } ?? nil
        let event = try await concern.$event.id.asyncMap { try await Event.find($0, on: req.db) } ?? nil
        let content = ShowContent(
            id: id.uuidString, originalTitle: concern.title, originalDescription: concern.description,
            publicTitle: concern.publicTitle, publicDescription: concern.publicDescription, category: category?.name ?? "",
            status: req.t("concerns.status.\(concern.status.rawValue)"), statusNote: concern.statusNote, source: req.t("concerns.source.\(concern.source.rawValue)"),
            address: concern.address, point: concern.latitude.flatMap { lat in concern.longitude.map { "\(lat), \($0)" } },
            submitterName: concern.submitterName, submitterEmail: concern.submitterEmail, wantsUpdates: concern.wantsUpdates,
            needsConfirmation: concern.needsConfirmation, isPublished: concern.publishedAt != nil, isPublic: concern.isPublic,
            supports: concern.supportCount, photoURL: concern.photoID == nil ? nil : SiteURL.concernPhoto(id: id.uuidString).path,
            publicURL: SiteURL.concern(id: id.uuidString).path,
            mergedIntoURL: concern.$mergedInto.id.map { SiteURL.concernStaff(id: $0.uuidString).path },
            contact: contact.map { CalendarDate.display($0.happenedOn, req.language) + " – " + $0.subject },
            event: event.map { BerlinTime.date($0.startsAt, req.language) + " – " + $0.title },
            nextStatuses: concern.status.next.map { SelectOption(value: $0.rawValue, label: req.t("concerns.status.\($0.rawValue)"), selected: false) },
            organisations: [SelectOption(value: "", label: req.t("concerns.none"), selected: true)]
                + organisations.compactMap { org in org.id.map { SelectOption(value: $0.uuidString, label: org.name, selected: false) } },
            committees: [SelectOption(value: "", label: req.t("concerns.none"), selected: true)]
                + committees.compactMap { committee in committee.id.map { SelectOption(value: $0.uuidString, label: committee.name, selected: false) } },
            meetings: meetings.compactMap { meeting in
                meeting.id.map { SelectOption(value: $0.uuidString, label: meeting.committee.name + " – " + BerlinTime.dateTime(meeting.startsAt, req.language), selected: false) }
            },
            projects: [SelectOption(value: "", label: req.t("concerns.none"), selected: concern.$project.id == nil)]
                + projects.compactMap { project in project.id.map { SelectOption(value: $0.uuidString, label: project.title, selected: $0 == concern.$project.id) } },
            onAgenda: concern.$agendaItem.id != nil,
            steps: try await PublicConcernController.steps(id, publicOnly: false, req: req),
            moderations: moderations.map {
                ModerationView(date: BerlinTime.dateTime($0.createdAt, req.language), actor: $0.actorEmail, beforeTitle: $0.beforeTitle,
                               beforeDescription: $0.beforeDescription, afterTitle: $0.afterTitle, afterDescription: $0.afterDescription,
                               personalDataHidden: $0.personalDataHidden, reason: $0.reason)
            },
            moveURL: SiteURL.concernMove(id: id.uuidString).path, publishURL: SiteURL.concernPublish(id: id.uuidString).path,
            moderateURL: SiteURL.concernModerate(id: id.uuidString).path, agendaURL: SiteURL.concernAgenda(id: id.uuidString).path,
            projectURL: SiteURL.concernProject(id: id.uuidString).path, eraseURL: SiteURL.concernEraseSubmitter(id: id.uuidString).path, errors: errors
        )
        return try await req.renderPage("concerns/staff-show", title: req.t("concerns.staff.show_title", concern.title), content, status: status, withForms: true)
    }

    /// Runs a change and shows the concern again with the change's message when it was refused.
    private func attempt(_ req: Request, _ concern: Concern, success: String, _ work: () async throws -> Void) async throws -> Response {
        do {
            try await work()
        } catch let error as UserError {
            let fresh = try await Concern.find(concern.requireID(), on: req.db) ?? concern
            return try await page(req, concern: fresh, errors: [req.application.catalog.text(error.messageKey, req.language, error.arguments)], status: error.status)
        }
        req.flash(success)
        return req.redirect(to: SiteURL.concernStaff(id: try concern.requireID().uuidString).path)
    }

    struct MoveForm: Content {
        var status: String?
        var note: String?
        var organisation: String?
        var committee: String?
        var mergeInto: String?
    }

    @Sendable
    func move(req: Request) async throws -> Response {
        let concern = try await Self.find(req)
        let form = try req.content.decode(MoveForm.self)
        return try await attempt(req, concern, success: "concerns.staff.moved") {
            guard let target = ConcernStatus(rawValue: form.status ?? "") else { throw UserError(.badRequest, "concerns.error.status") }
            let responsible = ConcernDesk.Responsible(organisationID: (form.organisation ?? "").isEmpty ? nil : UUID(uuidString: form.organisation!),
                                                      committeeID: (form.committee ?? "").isEmpty ? nil : UUID(uuidString: form.committee!))
            if let id = responsible.organisationID, try await Organisation.find(id, on: req.db) == nil { throw UserError(.badRequest, "concerns.error.responsible") }
            if let id = responsible.committeeID, try await Committee.find(id, on: req.db) == nil { throw UserError(.badRequest, "concerns.error.responsible") }
            // The duplicate's target may be given as its address or its id.
            let mergeText = (form.mergeInto ?? "").trimmingCharacters(in: .whitespaces)
            let mergeInto = UUID(uuidString: String(mergeText.split(separator: "/").last ?? ""))
            try await ConcernDesk.move(try concern.requireID(), to: target, note: form.note ?? "", responsible: responsible, mergedInto: mergeInto, req: req)
        }
    }

    struct PublishForm: Content {
        var action: String?
    }

    @Sendable
    func publish(req: Request) async throws -> Response {
        let concern = try await Self.find(req)
        let form = try req.content.decode(PublishForm.self)
        let hide = form.action == "unpublish"
        return try await attempt(req, concern, success: hide ? "concerns.staff.unpublished" : "concerns.staff.published") {
            if hide { try await ConcernDesk.unpublish(concern, req: req) } else { try await ConcernDesk.publish(concern, req: req) }
        }
    }

    struct ModerateForm: Content {
        var publicTitle: String?
        var publicDescription: String?
        var personalDataHidden: String?
        var reason: String?
    }

    @Sendable
    func moderate(req: Request) async throws -> Response {
        let concern = try await Self.find(req)
        let form = try req.content.decode(ModerateForm.self)
        return try await attempt(req, concern, success: "concerns.staff.moderated") {
            try await ConcernDesk.moderate(concern, title: form.publicTitle ?? "", description: form.publicDescription ?? "",
                                           personalDataHidden: form.personalDataHidden != nil, reason: form.reason ?? "", req: req)
        }
    }

    struct AgendaForm: Content {
        var meeting: String?
    }

    @Sendable
    func agenda(req: Request) async throws -> Response {
        let concern = try await Self.find(req)
        let form = try req.content.decode(AgendaForm.self)
        return try await attempt(req, concern, success: "concerns.staff.on_agenda") {
            guard let id = UUID(uuidString: form.meeting ?? ""), let meeting = try await Meeting.find(id, on: req.db) else {
                throw UserError(.badRequest, "concerns.error.meeting")
            }
            try await ConcernDesk.putOnAgenda(concern, meeting: meeting, req: req)
        }
    }

    struct ProjectForm: Content {
        var project: String?
    }

    @Sendable
    func project(req: Request) async throws -> Response {
        let concern = try await Self.find(req)
        let form = try req.content.decode(ProjectForm.self)
        return try await attempt(req, concern, success: "concerns.staff.project_linked") {
            var project: Project?
            if let text = form.project, !text.isEmpty {
                guard let id = UUID(uuidString: text), let found = try await Project.find(id, on: req.db) else { throw UserError(.badRequest, "concerns.error.project") }
                project = found
            }
            try await ConcernDesk.link(concern, project: project, req: req)
        }
    }

    /// Removes the author's name and address from a concern when she asks for it; the concern stays.
    @Sendable
    func eraseSubmitter(req: Request) async throws -> Response {
        let concern = try await Self.find(req)
        let before = concern.auditSnapshot
        concern.submitterName = ""
        concern.submitterEmail = ""
        concern.wantsUpdates = false
        try await concern.save(on: req.db)
        try await req.audit(.update, concern, before: before)
        req.flash("concerns.staff.submitter_erased")
        return req.redirect(to: SiteURL.concernStaff(id: try concern.requireID().uuidString).path)
    }

    // MARK: Categories

    struct CategoryForm: Content {
        var code: String?
        var name: String?
        var description: String?
        var field: String?
    }

    struct CategoryRow: Encodable {
        let code: String
        let name: String
        let field: String
        let isActive: Bool
    }

    struct CategoriesContent: Encodable {
        let rows: [CategoryRow]
        let fields: [SelectOption]
        let form: CategoryForm
        let errors: [String]
        let actionURL: String
    }

    @Sendable
    func categories(req: Request) async throws -> Response {
        try await categoriesPage(req, form: CategoryForm(), errors: [], status: .ok)
    }

    private func categoriesPage(_ req: Request, form: CategoryForm, errors: [String], status: HTTPStatus) async throws -> Response {
        let categories = try await ConcernCategory.query(on: req.db).with(\.$fieldOfAction).sort(\.$position).limit(500).all()
        let fields = try await FieldOfAction.query(on: req.db).sort(\.$position).all()
        let content = CategoriesContent(
            rows: categories.map { CategoryRow(code: $0.code, name: $0.name, field: $0.fieldOfAction?.name ?? "", isActive: $0.isActive) },
            fields: [SelectOption(value: "", label: req.t("concerns.none"), selected: (form.field ?? "").isEmpty)]
                + fields.compactMap { field in field.id.map { SelectOption(value: $0.uuidString, label: field.name, selected: $0.uuidString == form.field) } },
            form: form, errors: errors, actionURL: SiteURL.concernCategories.path
        )
        return try await req.renderPage("concerns/categories", title: req.t("concerns.categories.title"), content, status: status, withForms: true)
    }

    @Sendable
    func addCategory(req: Request) async throws -> Response {
        let form = try req.content.decode(CategoryForm.self)
        let code = (form.code ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let name = (form.name ?? "").trimmingCharacters(in: .whitespaces)
        var errors: [String] = []
        if !ConcernRules.isServiceCode(code) { errors.append(req.t("concerns.error.code")) }
        else if try await ConcernCategory.query(on: req.db).filter(\.$code == code).first() != nil { errors.append(req.t("concerns.error.code_taken", code)) }
        if name.isEmpty || name.count > 120 { errors.append(req.t("concerns.error.category_name")) }
        let fieldID = UUID(uuidString: form.field ?? "")
        if let fieldID, try await FieldOfAction.find(fieldID, on: req.db) == nil { errors.append(req.t("concerns.error.field")) }
        guard errors.isEmpty else { return try await categoriesPage(req, form: form, errors: errors, status: .badRequest) }
        let position = (try await ConcernCategory.query(on: req.db).max(\.$position) ?? 0) + 1
        let category = ConcernCategory(code: code, name: name, description: String((form.description ?? "").prefix(500)), fieldOfActionID: fieldID, position: position)
        try await category.create(on: req.db)
        try await req.audit(.create, category, before: nil)
        req.flash("concerns.categories.added", name)
        return req.redirect(to: SiteURL.concernCategories.path)
    }
}
