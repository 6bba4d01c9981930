import Fluent
import QuartierCore
import Vapor

/// Staff keep the projects of the neighbourhood: what, in which fields of action and under which ISEK measure, who
/// leads and who takes part, budget by funding source, milestones and the diary the public page tells from.
struct ProjectController: RouteCollection {
    static let perPage = 25

    struct Row: Encodable {
        let title: String
        let href: String
        let phase: String
        let fields: String
        let isPublic: Bool
        let isResidentsInitiative: Bool
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let pagination: PaginationContext
        let newURL: String
        let isekURL: String
        let phases: [SelectOption]
    }

    struct Form: Content {
        var title: String?
        var summary: String?
        var phase: String?
        var measure: String?
        var starts_on: String?
        var ends_on: String?
        var lead: String?
        var partners: String?
        var residents_initiative: String?
        var participation: String?
        var is_public: String?
    }

    struct FieldBox: Encodable {
        let id: String
        let name: String
        let checked: Bool
    }

    struct FormContent: Encodable {
        let form: Form
        let phases: [SelectOption]?
        let measures: [SelectOption]
        let fields: [FieldBox]
        let errors: [String]
        let action: String
    }

    struct ShowContent: Encodable {
        let facts: ProjectFacts
        let editURL: String
        let publicURL: String
        let phaseURL: String
        let transitions: [SelectOption]
        let budgetURL: String
        let milestonesURL: String
        let diaryURL: String
        let eventsURL: String
        let decisionsURL: String
        let decisionOptions: [SelectOption]
        let sources: [SelectOption]
        let eventOptions: [SelectOption]
        let errors: [String]
        let today: String
        let translationsURL: String
        let noticeURL: String
    }

    struct BudgetForm: Content {
        var source: String?
        var purpose: String?
        var planned: String?
        var spent: String?
    }

    struct MilestoneForm: Content {
        var title: String?
        var due_on: String?
    }

    struct DiaryForm: Content {
        var day: String?
        var text: String?
        var file: File?
        var alt: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff), ClearPageCacheAfterChange())
        staff.get(.projects, use: index)
        staff.get(.projectNew, use: new)
        staff.post(.projectNew, use: create)
        staff.get(.project(id: ":id"), use: show)
        staff.get(.projectEdit(id: ":id"), use: edit)
        staff.post(.projectEdit(id: ":id"), use: update)
        staff.post(.projectPhase(id: ":id"), use: changePhase)
        staff.post(.projectBudget(id: ":id"), use: addBudgetLine)
        staff.post(.budgetLineDelete(id: ":id"), use: deleteBudgetLine)
        staff.post(.budgetLine(id: ":id"), use: updateBudgetLine)
        staff.post(.projectMilestones(id: ":id"), use: addMilestone)
        staff.post(.milestoneDone(id: ":id"), use: toggleMilestone)
        staff.on(.POST, SiteURL.projectDiary(id: ":id").pathComponents, body: .collect(maxSize: Uploads.maximumBody), use: addDiaryEntry)
        staff.post(.projectEvents(id: ":id"), use: linkEvent)
        staff.post(.projectDecisions(id: ":id"), use: linkDecision)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let phase = (try? req.query.get(String.self, at: "phase")).flatMap(ProjectPhase.init(rawValue:))
        let base = {
            let query = Project.query(on: req.db)
            if let phase { query.filter(\.$phase == phase) }
            return query
        }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await base().count())
        let projects = try await base().sort(\.$title).range(window.offset..<(window.offset + window.perPage)).all()
        let names = try await Self.fieldNames(of: projects, on: req.db)
        let rows = try projects.map { project in
            Row(title: project.title, href: SiteURL.project(id: try project.requireID().uuidString).path,
                phase: req.t("project.phase.\(project.phase.rawValue)"), fields: (names[try project.requireID()] ?? []).joined(separator: ", "),
                isPublic: project.isPublic, isResidentsInitiative: project.isResidentsInitiative)
        }
        let phases = [SelectOption(value: "", label: req.t("projects.all_phases"), selected: phase == nil)]
            + ProjectPhase.allCases.map { SelectOption(value: $0.rawValue, label: req.t("project.phase.\($0.rawValue)"), selected: $0 == phase) }
        return try await req.renderPage("projects/index", title: req.t("projects.title"), IndexContent(
            rows: rows, pagination: PaginationContext(window, baseURL: SiteURL.projects.path, req: req, query: phase.map { ["phase": $0.rawValue] } ?? [:]),
            newURL: SiteURL.projectNew.path, isekURL: SiteURL.isek.path, phases: phases))
    }

    /// The names of the fields of action of several projects, in two queries.
    static func fieldNames(of projects: [Project], on database: any Database) async throws -> [UUID: [String]] {
        let ids = projects.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        let links = try await ProjectField.query(on: database).filter(\.$project.$id ~~ ids).all()
        let fields = try await FieldOfAction.query(on: database).sort(\.$position).all()
        var names: [UUID: [String]] = [:]
        for field in fields {
            for link in links where link.$fieldOfAction.id == field.id { names[link.$project.id, default: []].append(field.name) }
        }
        return names
    }

    @Sendable
    func new(req: Request) async throws -> Response {
        try await form(req, Form(phase: ProjectPhase.idea.rawValue), project: nil, fieldIDs: [], errors: [], status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(Form.self)
        let fieldIDs = Self.fieldIDs(req)
        let project = Project(title: "")
        var errors: [String] = []
        let phase = ProjectPhase(rawValue: input.phase ?? "")
        if phase == nil { errors.append(req.t("projects.error.phase")) }
        let partners = try await apply(input, fieldIDs: fieldIDs, to: project, errors: &errors, req: req)
        guard errors.isEmpty, let phase else { return try await form(req, input, project: nil, fieldIDs: fieldIDs, errors: errors, status: .badRequest) }
        project.phase = phase
        try await req.db.transaction { database in
            try await project.create(on: database)
            try await Self.save(fieldIDs: fieldIDs, partners: partners, for: project, on: database)
            try await req.audit(.create, project, before: nil, on: database)
        }
        req.flash("projects.saved", project.title)
        return req.redirect(to: SiteURL.project(id: try project.requireID().uuidString).path)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let project = try await Self.find(req)
        return try await showPage(req, project: project, errors: [], status: .ok)
    }

    private func showPage(_ req: Request, project: Project, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try project.requireID().uuidString
        let linked = try await ProjectEvent.query(on: req.db).filter(\.$project.$id == project.requireID()).all().map { $0.$event.id }
        let since = Date().addingTimeInterval(-365 * 86_400)
        let events = try await Event.query(on: req.db).filter(\.$startsAt >= since).sort(\.$startsAt).limit(100).all()
            .filter { !linked.contains($0.id!) }
        // The latest decisions of all committees, newest meeting first, to link one to the project.
        let linkedDecisions = try await ProjectDecision.query(on: req.db).filter(\.$project.$id == project.requireID()).all().map { $0.$agendaItem.id }
        let decisions = try await AgendaItem.query(on: req.db).filter(\.$decisionText != nil)
            .join(Meeting.self, on: \AgendaItem.$meeting.$id == \Meeting.$id).sort(Meeting.self, \.$startsAt, .descending)
            .with(\.$meeting) { $0.with(\.$committee) }.limit(100).all()
            .filter { !linkedDecisions.contains($0.id!) }
        let content = ShowContent(
            facts: try await ProjectFacts.load(project, forPublic: false, req),
            editURL: SiteURL.projectEdit(id: id).path, publicURL: SiteURL.publicProject(id: id).path,
            phaseURL: SiteURL.projectPhase(id: id).path,
            transitions: project.phase.transitions.map { SelectOption(value: $0.rawValue, label: req.t("project.phase.\($0.rawValue)"), selected: false) },
            budgetURL: SiteURL.projectBudget(id: id).path, milestonesURL: SiteURL.projectMilestones(id: id).path,
            diaryURL: SiteURL.projectDiary(id: id).path, eventsURL: SiteURL.projectEvents(id: id).path,
            decisionsURL: SiteURL.projectDecisions(id: id).path,
            decisionOptions: try decisions.map { item in
                SelectOption(value: try item.requireID().uuidString,
                             label: item.meeting.committee.name + ", " + BerlinTime.date(item.meeting.startsAt, req.language) + ": " + item.title, selected: false)
            },
            sources: FundingSource.allCases.map { SelectOption(value: $0.rawValue, label: req.t("funding.\($0.rawValue)"), selected: false) },
            eventOptions: try events.map { SelectOption(value: try $0.requireID().uuidString, label: $0.title + " (" + BerlinTime.date($0.startsAt, req.language) + ")", selected: false) },
            errors: errors, today: CalendarDate.iso(CalendarDate.today()),
            translationsURL: SiteURL.translations(type: TranslatableContent.project.rawValue, id: id).path,
            noticeURL: SiteURL.projectNotice(id: id).path
        )
        return try await req.renderPage("projects/show", title: project.title, content, status: status, withForms: true)
    }

    @Sendable
    func edit(req: Request) async throws -> Response {
        let project = try await Self.find(req)
        let id = try project.requireID()
        let fieldIDs = try await ProjectField.query(on: req.db).filter(\.$project.$id == id).all().map { $0.$fieldOfAction.id }
        let partners = try await ProjectPartner.query(on: req.db).filter(\.$project.$id == id).with(\.$organisation).with(\.$person).all()
        var lead = ""
        if let organisationID = project.$leadOrganisation.id { lead = try await Organisation.find(organisationID, on: req.db)?.name ?? "" }
        if let personID = project.$leadPerson.id { lead = try await Person.find(personID, on: req.db).map(Self.personLine) ?? "" }
        let input = Form(
            title: project.title, summary: project.summary, phase: project.phase.rawValue, measure: project.$measure.id?.uuidString,
            starts_on: project.startsOn.map(CalendarDate.iso), ends_on: project.endsOn.map(CalendarDate.iso), lead: lead,
            partners: partners.compactMap { $0.organisation?.name ?? $0.person.map(Self.personLine) }.joined(separator: "\n"),
            residents_initiative: project.isResidentsInitiative ? "on" : nil, participation: project.participation,
            is_public: project.isPublic ? "on" : nil
        )
        return try await form(req, input, project: project, fieldIDs: Set(fieldIDs), errors: [], status: .ok)
    }

    /// A person as staff type her into the lead or partner field: by e-mail when she has one, which is unique.
    static func personLine(_ person: Person) -> String { person.email.isEmpty ? person.displayName : person.email }

    @Sendable
    func update(req: Request) async throws -> Response {
        let project = try await Self.find(req)
        let input = try req.content.decode(Form.self)
        let fieldIDs = Self.fieldIDs(req)
        let before = project.auditSnapshot
        var errors: [String] = []
        let partners = try await apply(input, fieldIDs: fieldIDs, to: project, errors: &errors, req: req)
        guard errors.isEmpty else { return try await form(req, input, project: project, fieldIDs: fieldIDs, errors: errors, status: .badRequest) }
        try await req.db.transaction { database in
            try await project.save(on: database)
            try await Self.save(fieldIDs: fieldIDs, partners: partners, for: project, on: database)
            try await req.audit(.update, project, before: before, on: database)
        }
        req.flash("projects.saved", project.title)
        return req.redirect(to: SiteURL.project(id: try project.requireID().uuidString).path)
    }

    @Sendable
    func changePhase(req: Request) async throws -> Response {
        let project = try await Self.find(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        guard let next = form["phase"].flatMap(ProjectPhase.init(rawValue:)), project.phase.canMove(to: next) else {
            throw UserError(.badRequest, "projects.error.transition")
        }
        let before = project.auditSnapshot
        project.phase = next
        try await project.save(on: req.db)
        try await req.audit(.update, project, before: before)
        req.flash("projects.phase_saved", req.t("project.phase.\(next.rawValue)"))
        return req.redirect(to: SiteURL.project(id: try project.requireID().uuidString).path)
    }

    @Sendable
    func addBudgetLine(req: Request) async throws -> Response {
        let project = try await Self.find(req)
        let input = try req.content.decode(BudgetForm.self)
        var errors: [String] = []
        let source = FundingSource(rawValue: input.source ?? "")
        if source == nil { errors.append(req.t("projects.error.source")) }
        let purpose = (input.purpose ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if purpose.isEmpty || purpose.count > 200 { errors.append(req.t("projects.error.purpose")) }
        let planned = Money.parseCents(input.planned ?? "")
        if planned == nil { errors.append(req.t("projects.error.amount", req.t("projects.planned"), input.planned ?? "")) }
        let spentText = (input.spent ?? "").trimmingCharacters(in: .whitespaces)
        let spent = spentText.isEmpty ? 0 : Money.parseCents(spentText)
        if spent == nil { errors.append(req.t("projects.error.amount", req.t("projects.spent"), spentText)) }
        let count = try await BudgetLine.query(on: req.db).filter(\.$project.$id == project.requireID()).count()
        if count >= ProjectRules.maximumBudgetLines { errors.append(req.t("projects.error.too_many")) }
        guard errors.isEmpty, let source, let planned, let spent else { return try await showPage(req, project: project, errors: errors, status: .badRequest) }
        let line = BudgetLine(projectID: try project.requireID(), source: source, purpose: purpose, plannedCents: planned, spentCents: spent)
        try await line.create(on: req.db)
        try await req.audit(.create, line, before: nil)
        req.flash("projects.budget_saved")
        return req.redirect(to: SiteURL.project(id: try project.requireID().uuidString).path + "#budget")
    }

    /// Planned and spent change over a project's life: staff correct both amounts of a line.
    @Sendable
    func updateBudgetLine(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let line = try await BudgetLine.find(id, on: req.db),
              let project = try await Project.find(line.$project.id, on: req.db) else { throw Abort(.notFound) }
        let input = try req.content.decode(BudgetForm.self)
        var errors: [String] = []
        let planned = Money.parseCents(input.planned ?? "")
        if planned == nil { errors.append(req.t("projects.error.amount", req.t("projects.planned"), input.planned ?? "")) }
        let spent = Money.parseCents(input.spent ?? "")
        if spent == nil { errors.append(req.t("projects.error.amount", req.t("projects.spent"), input.spent ?? "")) }
        guard errors.isEmpty, let planned, let spent else { return try await showPage(req, project: project, errors: errors, status: .badRequest) }
        let before = line.auditSnapshot
        line.plannedCents = planned
        line.spentCents = spent
        try await line.save(on: req.db)
        try await req.audit(.update, line, before: before)
        req.flash("projects.budget_saved")
        return req.redirect(to: SiteURL.project(id: line.$project.id.uuidString).path + "#budget")
    }

    @Sendable
    func deleteBudgetLine(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let line = try await BudgetLine.find(id, on: req.db) else { throw Abort(.notFound) }
        let before = line.auditSnapshot
        try await line.delete(on: req.db)
        try await req.audit(.delete, line, before: before)
        req.flash("projects.budget_deleted")
        return req.redirect(to: SiteURL.project(id: line.$project.id.uuidString).path + "#budget")
    }

    @Sendable
    func addMilestone(req: Request) async throws -> Response {
        let project = try await Self.find(req)
        let input = try req.content.decode(MilestoneForm.self)
        var errors: [String] = []
        let title = (input.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty || title.count > 200 { errors.append(req.t("projects.error.milestone_title")) }
        let day = CalendarDate.parse(input.due_on ?? "")
        if day == nil { errors.append(req.t("form.error.date", input.due_on ?? "")) }
        let count = try await Milestone.query(on: req.db).filter(\.$project.$id == project.requireID()).count()
        if count >= ProjectRules.maximumMilestones { errors.append(req.t("projects.error.too_many")) }
        guard errors.isEmpty, let day else { return try await showPage(req, project: project, errors: errors, status: .badRequest) }
        let milestone = Milestone(projectID: try project.requireID(), title: title, dueOn: day)
        try await milestone.create(on: req.db)
        try await req.audit(.create, milestone, before: nil)
        req.flash("projects.milestone_saved")
        return req.redirect(to: SiteURL.project(id: try project.requireID().uuidString).path + "#meilensteine")
    }

    @Sendable
    func toggleMilestone(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let milestone = try await Milestone.find(id, on: req.db) else { throw Abort(.notFound) }
        let before = milestone.auditSnapshot
        milestone.done.toggle()
        try await milestone.save(on: req.db)
        try await req.audit(.update, milestone, before: before)
        req.flash("projects.milestone_saved")
        return req.redirect(to: SiteURL.project(id: milestone.$project.id.uuidString).path + "#meilensteine")
    }

    @Sendable
    func addDiaryEntry(req: Request) async throws -> Response {
        let project = try await Self.find(req)
        let input = (try? req.content.decode(DiaryForm.self)) ?? DiaryForm()
        var errors: [String] = []
        let day = CalendarDate.parse(input.day ?? "")
        if day == nil { errors.append(req.t("form.error.date", input.day ?? "")) }
        let text = (input.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.count > ProjectRules.maximumTextLength { errors.append(req.t("projects.error.diary_text")) }
        // An optional photo, checked as the event documentation checks its photos, with its text for screen readers.
        let alt = (input.alt ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let photo = UploadedPhoto.accept(input.file, errors: &errors, req: req)
        if (input.file?.data.readableBytes ?? 0) > 0 { errors += EventDocumentationController.checkDescription(alt: alt, caption: "", req) }
        guard errors.isEmpty, let day else { return try await showPage(req, project: project, errors: errors, status: .badRequest) }
        let entry = DiaryEntry(projectID: try project.requireID(), day: day, text: text)
        let accepted = photo
        try await req.db.transaction { database in
            try await entry.create(on: database)
            try await req.audit(.create, entry, before: nil, on: database)
            if let photo = accepted {
                let stored = DiaryPhoto(entryID: try entry.requireID(), filename: photo.name, type: photo.type, bytes: photo.bytes, altText: alt)
                try await stored.create(on: database)
                try await FileContent(id: try stored.requireID(), data: Data(photo.bytes)).save(on: database)
                try await req.audit(.create, stored, before: nil, on: database)
            }
        }
        req.flash("projects.diary_saved")
        return req.redirect(to: SiteURL.project(id: try project.requireID().uuidString).path + "#tagebuch")
    }

    @Sendable
    func linkEvent(req: Request) async throws -> Response {
        let project = try await Self.find(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        guard let eventID = form["event"].flatMap(UUID.init(uuidString:)), try await Event.find(eventID, on: req.db) != nil else {
            throw UserError(.badRequest, "projects.error.event")
        }
        let projectID = try project.requireID()
        if try await ProjectEvent.query(on: req.db).filter(\.$project.$id == projectID).filter(\.$event.$id == eventID).count() == 0 {
            try await ProjectEvent(projectID: projectID, eventID: eventID).create(on: req.db)
        }
        req.flash("projects.event_linked")
        return req.redirect(to: SiteURL.project(id: projectID.uuidString).path + "#veranstaltungen")
    }

    @Sendable
    func linkDecision(req: Request) async throws -> Response {
        let project = try await Self.find(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        guard let itemID = form["decision"].flatMap(UUID.init(uuidString:)), let item = try await AgendaItem.find(itemID, on: req.db),
              item.decisionText != nil else {
            throw UserError(.badRequest, "projects.error.decision")
        }
        let projectID = try project.requireID()
        if try await ProjectDecision.query(on: req.db).filter(\.$project.$id == projectID).filter(\.$agendaItem.$id == itemID).count() == 0 {
            try await ProjectDecision(projectID: projectID, agendaItemID: itemID).create(on: req.db)
        }
        req.flash("projects.decision_linked")
        return req.redirect(to: SiteURL.project(id: projectID.uuidString).path + "#beschluesse")
    }

    // MARK: Form

    enum PartnerRef: Equatable {
        case organisation(UUID)
        case person(UUID)
    }

    /// An organisation by its exact name, or else a person as the directory finds her ("Given Family" or e-mail).
    static func resolve(_ line: String, errors: inout [String], req: Request) async throws -> PartnerRef? {
        if let organisation = try await Organisation.query(on: req.db).filter(\.$searchKey == Person.searchKey(line)).first() {
            return .organisation(try organisation.requireID())
        }
        var personErrors: [String] = []
        if let person = try await Person.named(line, errors: &personErrors, req: req) { return .person(try person.requireID()) }
        errors.append(req.t("projects.error.directory", line))
        return nil
    }

    private func apply(_ input: Form, fieldIDs: Set<UUID>, to project: Project, errors: inout [String], req: Request) async throws -> [PartnerRef] {
        func text(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let title = text(input.title)
        if title.isEmpty || title.count > ProjectRules.maximumTitleLength { errors.append(req.t("projects.error.title")) }
        let summary = text(input.summary)
        let participation = text(input.participation)
        if summary.count > ProjectRules.maximumSummaryLength || participation.count > ProjectRules.maximumTextLength { errors.append(req.t("texts.error.long")) }
        let start = PersonController.optionalDay(input.starts_on, errors: &errors, req: req)
        let end = PersonController.optionalDay(input.ends_on, errors: &errors, req: req)
        if !ProjectRules.periodIsValid(start: start, end: end) { errors.append(req.t("projects.error.period")) }
        if fieldIDs.isEmpty { errors.append(req.t("projects.error.fields")) }
        let known = fieldIDs.isEmpty ? 0 : try await FieldOfAction.query(on: req.db).filter(\.$id ~~ Array(fieldIDs)).count()
        if known != fieldIDs.count { errors.append(req.t("projects.error.fields")) }
        var measureID: UUID?
        if let raw = input.measure, !raw.isEmpty {
            measureID = UUID(uuidString: raw)
            if try await measureID.asyncMap({ try await Measure.find($0, on: req.db) }) == nil { errors.append(req.t("projects.error.measure")) }
        }
        let leadLine = text(input.lead)
        let lead = leadLine.isEmpty ? nil : try await Self.resolve(leadLine, errors: &errors, req: req)
        var partners: [PartnerRef] = []
        let lines = text(input.partners).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if lines.count > ProjectRules.maximumPartners { errors.append(req.t("projects.error.too_many")) }
        for line in lines.prefix(ProjectRules.maximumPartners) {
            if let partner = try await Self.resolve(line, errors: &errors, req: req), !partners.contains(partner) { partners.append(partner) }
        }
        guard errors.isEmpty else { return [] }
        project.title = title
        project.summary = summary
        project.participation = participation
        project.startsOn = start
        project.endsOn = end
        project.$measure.id = measureID
        switch lead {
        case .organisation(let id)?: project.$leadOrganisation.id = id; project.$leadPerson.id = nil
        case .person(let id)?: project.$leadPerson.id = id; project.$leadOrganisation.id = nil
        case nil: project.$leadPerson.id = nil; project.$leadOrganisation.id = nil
        }
        project.isResidentsInitiative = !(input.residents_initiative ?? "").isEmpty
        project.isPublic = !(input.is_public ?? "").isEmpty
        return partners
    }

    private static func save(fieldIDs: Set<UUID>, partners: [PartnerRef], for project: Project, on database: any Database) async throws {
        let id = try project.requireID()
        try await ProjectField.query(on: database).filter(\.$project.$id == id).delete()
        for fieldID in fieldIDs { try await ProjectField(projectID: id, fieldOfActionID: fieldID).create(on: database) }
        try await ProjectPartner.query(on: database).filter(\.$project.$id == id).delete()
        for partner in partners {
            switch partner {
            case .organisation(let organisationID): try await ProjectPartner(projectID: id, organisationID: organisationID, personID: nil).create(on: database)
            case .person(let personID): try await ProjectPartner(projectID: id, organisationID: nil, personID: personID).create(on: database)
            }
        }
    }

    private func form(_ req: Request, _ input: Form, project: Project?, fieldIDs: Set<UUID>, errors: [String], status: HTTPStatus) async throws -> Response {
        let fields = try await FieldOfAction.query(on: req.db).sort(\.$position).limit(100).all()
        let measures = try await Measure.query(on: req.db).sort(\.$number).limit(500).all()
        let content = FormContent(
            form: input,
            phases: project == nil ? ProjectPhase.allCases.map { .init(value: $0.rawValue, label: req.t("project.phase.\($0.rawValue)"), selected: $0.rawValue == input.phase) } : nil,
            measures: [SelectOption(value: "", label: req.t("projects.no_measure"), selected: (input.measure ?? "").isEmpty)]
                + (try measures.map { .init(value: try $0.requireID().uuidString, label: $0.label, selected: $0.id?.uuidString == input.measure) }),
            fields: try fields.map { FieldBox(id: try $0.requireID().uuidString, name: $0.name, checked: fieldIDs.contains(try $0.requireID())) },
            errors: errors,
            action: try project.map { SiteURL.projectEdit(id: try $0.requireID().uuidString).path } ?? SiteURL.projectNew.path
        )
        let title = project.map { req.t("projects.edit.title", $0.title) } ?? req.t("projects.new.title")
        return try await req.renderPage("projects/form", title: title, content, status: status, withForms: true)
    }

    private static func fieldIDs(_ req: Request) -> Set<UUID> {
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        return Set(form.compactMap { key, value in
            key.hasPrefix("field_") && !value.isEmpty ? UUID(uuidString: String(key.dropFirst("field_".count))) : nil
        })
    }

    static func find(_ req: Request) async throws -> Project {
        guard let id = req.parameters.get("id", as: UUID.self), let project = try await Project.find(id, on: req.db) else { throw Abort(.notFound) }
        return project
    }
}
