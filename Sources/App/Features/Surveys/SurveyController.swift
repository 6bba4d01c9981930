import Fluent
import QuartierCore
import Vapor

/// The survey project: list and creation, the overview with its phase, area, period, notes per phase and
/// interviewer teams, and the way to the guide, the sample, the field mode, coding, results and activation.
struct SurveyController: RouteCollection {
    struct Row: Encodable {
        let title: String
        let area: String
        let phase: String
        let url: String
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let pagination: PaginationContext
        let form: [String: String]
        let errors: [String]
        let actionURL: String
    }

    struct NoteField: Encodable {
        let phase: String
        let label: String
        let text: String
        let current: Bool
    }

    struct PhaseButton: Encodable {
        let value: String
        let label: String
    }

    struct TeamRow: Encodable {
        let name: String
        let members: [String]
        let addURL: String
        let fieldID: String
    }

    struct Link: Encodable {
        let href: String
        let label: String
    }

    struct ShowContent: Encodable {
        let form: [String: String]
        let phase: String
        let phaseNumber: Int
        let phaseCount: Int
        let phaseButtons: [PhaseButton]
        let phaseURL: String
        let notes: [NoteField]
        let notesURL: String
        let teams: [TeamRow]
        let teamsURL: String
        let links: [Link]
        let figures: [Link]
        let actionURL: String
        let errors: [String]
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.surveys, use: index)
        staff.post(.surveys, use: create)
        staff.get(.survey(id: ":id"), use: show)
        staff.post(.survey(id: ":id"), use: update)
        staff.post(.surveyPhase(id: ":id"), use: changePhase)
        staff.post(.surveyNotes(id: ":id"), use: saveNotes)
        staff.post(.surveyTeams(id: ":id"), use: addTeam)
        staff.post(.surveyTeamMembers(id: ":id"), use: addMember)
    }

    static func find(_ req: Request) async throws -> Survey {
        guard let id = req.parameters.get("id", as: UUID.self), let survey = try await Survey.find(id, on: req.db) else { throw Abort(.notFound) }
        return survey
    }

    static func form(_ fields: [String: String]) -> [String: String] {
        ["title": fields["title"] ?? "", "area": fields["area"] ?? "", "startsOn": fields["startsOn"] ?? "", "endsOn": fields["endsOn"] ?? ""]
    }

    /// Reads title, area and period; nil with messages when something is missing or wrong.
    static func parse(_ form: [String: String], req: Request, errors: inout [String]) -> (title: String, area: String, starts: Date?, ends: Date?)? {
        let title = (form["title"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let area = (form["area"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty || title.count > SurveyLimits.titleLength { errors.append(req.t("survey.error.title")) }
        func date(_ key: String) -> Date?? {
            let text = (form[key] ?? "").trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return .some(nil) }
            return CalendarDate.parse(text).map { .some($0) }
        }
        let starts = date("startsOn"), ends = date("endsOn")
        if starts == nil || ends == nil { errors.append(req.t("survey.error.date")) }
        if let starts = starts ?? nil, let ends = ends ?? nil, ends < starts { errors.append(req.t("survey.error.period")) }
        guard errors.isEmpty, let starts, let ends else { return nil }
        return (title, area, starts, ends)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        try await indexPage(req, form: Self.form([:]), errors: [], status: .ok)
    }

    private func indexPage(_ req: Request, form: [String: String], errors: [String], status: HTTPStatus) async throws -> Response {
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: SurveyLimits.perPage, total: try await Survey.query(on: req.db).count())
        let surveys = try await Survey.query(on: req.db).sort(\.$createdAt, .descending).sort(\.$id).range(window.offset..<(window.offset + window.perPage)).all()
        let content = IndexContent(
            rows: try surveys.map { Row(title: $0.title, area: $0.area, phase: req.t("survey.phase.\($0.phase.rawValue)"), url: SiteURL.survey(id: try $0.requireID().uuidString).path) },
            pagination: PaginationContext(window, baseURL: SiteURL.surveys.path, req: req), form: form, errors: errors, actionURL: SiteURL.surveys.path)
        return try await req.renderPage("surveys/index", title: req.t("survey.title"), content, status: status, withForms: true)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        var errors: [String] = []
        guard let parsed = Self.parse(fields, req: req, errors: &errors) else {
            return try await indexPage(req, form: Self.form(fields), errors: errors, status: .badRequest)
        }
        let survey = Survey(title: parsed.title, area: parsed.area, startsOn: parsed.starts, endsOn: parsed.ends)
        try await req.db.transaction { db in
            try await survey.create(on: db)
            try await SurveyGuide(surveyID: try survey.requireID(), version: 1).create(on: db)
        }
        try await req.audit(.create, survey, before: nil)
        req.flash("survey.created")
        return req.redirect(to: SiteURL.survey(id: try survey.requireID().uuidString).path)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let survey = try await Self.find(req)
        return try await page(req, survey: survey, form: Self.form(Self.fields(survey)), errors: [], status: .ok)
    }

    static func fields(_ survey: Survey) -> [String: String] {
        ["title": survey.title, "area": survey.area, "startsOn": survey.startsOn.map(CalendarDate.iso) ?? "", "endsOn": survey.endsOn.map(CalendarDate.iso) ?? ""]
    }

    private func page(_ req: Request, survey: Survey, form: [String: String], errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try survey.requireID()
        let key = id.uuidString
        let notes = try await SurveyPhaseNote.query(on: req.db).filter(\.$survey.$id == id).all()
        let teams = try await SurveyTeam.query(on: req.db).filter(\.$survey.$id == id).sort(\.$name).all()
        let members = teams.isEmpty ? [] : try await SurveyTeamMember.query(on: req.db).filter(\.$team.$id ~~ teams.compactMap(\.id)).with(\.$user).all()
        let content = ShowContent(
            form: form,
            phase: req.t("survey.phase.\(survey.phase.rawValue)"), phaseNumber: survey.phase.number, phaseCount: SurveyPhase.allCases.count,
            phaseButtons: survey.phase.transitions.map { target in
                PhaseButton(value: target.rawValue, label: req.t(target > survey.phase ? "survey.phase.forward" : "survey.phase.back", req.t("survey.phase.\(target.rawValue)")))
            },
            phaseURL: SiteURL.surveyPhase(id: key).path,
            notes: SurveyPhase.allCases.map { phase in
                NoteField(phase: phase.rawValue, label: req.t("survey.phase.\(phase.rawValue)"),
                          text: notes.first { $0.phase == phase }?.text ?? "", current: phase == survey.phase)
            },
            notesURL: SiteURL.surveyNotes(id: key).path,
            teams: try teams.map { team in
                let teamID = try team.requireID()
                return TeamRow(name: team.name,
                               members: members.filter { $0.$team.id == teamID }.map { "\($0.user.name) (\(req.t("role.\($0.user.role.rawValue)")))" }.sorted(),
                               addURL: SiteURL.surveyTeamMembers(id: teamID.uuidString).path, fieldID: "team-" + teamID.uuidString.prefix(8).lowercased())
            },
            teamsURL: SiteURL.surveyTeams(id: key).path,
            links: [
                Link(href: SiteURL.surveyGuide(id: key).path, label: req.t("survey.guide.title")),
                Link(href: SiteURL.surveyAddresses(id: key).path, label: req.t("survey.addresses.title")),
                Link(href: SiteURL.surveyField(id: key).path, label: req.t("survey.field.title")),
                Link(href: SiteURL.surveyInterviews(id: key).path, label: req.t("survey.interviews.title")),
                Link(href: SiteURL.surveyCoding(id: key).path, label: req.t("survey.coding.title")),
                Link(href: SiteURL.surveyResults(id: key).path, label: req.t("survey.results.title")),
                Link(href: SiteURL.surveyContacts(id: key).path, label: req.t("survey.contacts.title")),
                Link(href: SiteURL.surveyActionGroups(id: key).path, label: req.t("survey.groups.title")),
            ],
            figures: [
                Link(href: SiteURL.surveyAddresses(id: key).path,
                     label: req.t("survey.figure.addresses", String(try await SurveyAddress.query(on: req.db).filter(\.$survey.$id == id).count()))),
                Link(href: SiteURL.surveyInterviews(id: key).path,
                     label: req.t("survey.figure.interviews", String(try await SurveyInterview.query(on: req.db).filter(\.$survey.$id == id).count()))),
            ],
            actionURL: SiteURL.survey(id: key).path, errors: errors)
        return try await req.renderPage("surveys/show", title: survey.title, content, status: status, withForms: true)
    }

    @Sendable
    func update(req: Request) async throws -> Response {
        let survey = try await Self.find(req)
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        var errors: [String] = []
        guard let parsed = Self.parse(fields, req: req, errors: &errors) else {
            return try await page(req, survey: survey, form: Self.form(fields), errors: errors, status: .badRequest)
        }
        let before = survey.auditSnapshot
        survey.title = parsed.title
        survey.area = parsed.area
        survey.startsOn = parsed.starts
        survey.endsOn = parsed.ends
        try await survey.save(on: req.db)
        try await SurveyStatistics.touch(try survey.requireID(), on: req.db)
        try await req.audit(.update, survey, before: before)
        req.flash("survey.saved")
        return req.redirect(to: SiteURL.survey(id: try survey.requireID().uuidString).path)
    }

    @Sendable
    func changePhase(req: Request) async throws -> Response {
        let survey = try await Self.find(req)
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        guard let target = fields["phase"].flatMap(SurveyPhase.init(rawValue:)), survey.phase.canMove(to: target) else {
            return try await page(req, survey: survey, form: Self.form(Self.fields(survey)), errors: [req.t("survey.error.phase")], status: .badRequest)
        }
        let before = survey.auditSnapshot
        survey.phase = target
        try await survey.save(on: req.db)
        try await req.audit(.update, survey, before: before)
        req.flash("survey.phase_changed", req.t("survey.phase.\(target.rawValue)"))
        return req.redirect(to: SiteURL.survey(id: try survey.requireID().uuidString).path)
    }

    @Sendable
    func saveNotes(req: Request) async throws -> Response {
        let survey = try await Self.find(req)
        let id = try survey.requireID()
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        if SurveyPhase.allCases.contains(where: { (fields["note-\($0.rawValue)"] ?? "").count > SurveyLimits.answerLength }) {
            return try await page(req, survey: survey, form: Self.form(Self.fields(survey)), errors: [req.t("survey.error.answer_length")], status: .badRequest)
        }
        let existing = try await SurveyPhaseNote.query(on: req.db).filter(\.$survey.$id == id).all()
        try await req.db.transaction { db in
            for phase in SurveyPhase.allCases {
                let text = (fields["note-\(phase.rawValue)"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                if let note = existing.first(where: { $0.phase == phase }) {
                    if text.isEmpty { try await note.delete(on: db) } else if note.text != text { note.text = text; try await note.save(on: db) }
                } else if !text.isEmpty {
                    try await SurveyPhaseNote(surveyID: id, phase: phase, text: text).create(on: db)
                }
            }
        }
        req.flash("survey.saved")
        return req.redirect(to: SiteURL.survey(id: id.uuidString).path + "#notizen")
    }

    @Sendable
    func addTeam(req: Request) async throws -> Response {
        let survey = try await Self.find(req)
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= SurveyLimits.titleLength else {
            return try await page(req, survey: survey, form: Self.form(Self.fields(survey)), errors: [req.t("survey.error.team_name")], status: .badRequest)
        }
        try await SurveyTeam(surveyID: try survey.requireID(), name: name).create(on: req.db)
        req.flash("survey.saved")
        return req.redirect(to: SiteURL.survey(id: try survey.requireID().uuidString).path + "#teams")
    }

    /// Adds an interviewer to a team by the e-mail address of her account (staff or member).
    @Sendable
    func addMember(req: Request) async throws -> Response {
        guard let teamID = req.parameters.get("id", as: UUID.self), let team = try await SurveyTeam.find(teamID, on: req.db),
              let survey = try await Survey.find(team.$survey.id, on: req.db) else { throw Abort(.notFound) }
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let email = (fields["email"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard let user = try await User.query(on: req.db).filter(\.$email == email).first(), user.isActive else {
            return try await page(req, survey: survey, form: Self.form(Self.fields(survey)), errors: [req.t("survey.error.no_account", email)], status: .badRequest)
        }
        let userID = try user.requireID()
        if try await SurveyTeamMember.query(on: req.db).filter(\.$team.$id == teamID).filter(\.$user.$id == userID).first() == nil {
            try await SurveyTeamMember(teamID: teamID, userID: userID).create(on: req.db)
        }
        req.flash("survey.saved")
        return req.redirect(to: SiteURL.survey(id: try survey.requireID().uuidString).path + "#teams")
    }
}
