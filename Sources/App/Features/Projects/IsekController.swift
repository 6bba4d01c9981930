import Fluent
import QuartierCore
import Vapor

/// The integrated development concept (ISEK) as staff keep it: the programme's years, and per field of action its
/// goals and its numbered measures. Fields of action themselves are added on the topics page and renamed or
/// reordered here.
struct IsekController: RouteCollection {
    static let perPage = 10

    struct FieldBlock: Encodable {
        let id: String
        let name: String
        let position: Int
        let action: String
        let goals: [String]
        let measures: [String]
    }

    struct Content: Encodable {
        let programme: ProgrammeForm
        let programmeAction: String
        let fields: [FieldBlock]
        let fieldOptions: [SelectOption]
        let goalAction: String
        let measureAction: String
        let topicsURL: String
        let pagination: PaginationContext
        let errors: [String]
    }

    struct ProgrammeForm: Codable {
        var start_year: String?
        var isek_year: String?
        var horizon_years: String?
        var consolidation_years: String?
    }

    struct GoalForm: Codable {
        var field: String?
        var text: String?
    }

    struct MeasureForm: Codable {
        var field: String?
        var number: String?
        var title: String?
    }

    struct FieldForm: Codable {
        var name: String?
        var position: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff), ClearPageCacheAfterChange())
        staff.get(.isek, use: index)
        staff.post(.isekProgramme, use: saveProgramme)
        staff.post(.isekGoals, use: addGoal)
        staff.post(.isekMeasures, use: addMeasure)
        staff.post(.fieldOfAction(id: ":id"), use: updateField)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        try await page(req, programmeForm: nil, errors: [], status: .ok)
    }

    private func page(_ req: Request, programmeForm: ProgrammeForm?, errors: [String], status: HTTPStatus) async throws -> Response {
        let programme = try await Programme.current(on: req.db)
        let all = try await FieldOfAction.query(on: req.db).sort(\.$position).sort(\.$name).limit(100).all()
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: all.count)
        let fields = Array(all.dropFirst(window.offset).prefix(window.perPage))
        let ids = fields.compactMap(\.id)
        let goals = ids.isEmpty ? [] : try await IsekGoal.query(on: req.db).filter(\.$fieldOfAction.$id ~~ ids).sort(\.$position).limit(1000).all()
        let measures = ids.isEmpty ? [] : try await Measure.query(on: req.db).filter(\.$fieldOfAction.$id ~~ ids).sort(\.$number).limit(1000).all()
        let content = Content(
            programme: programmeForm ?? ProgrammeForm(start_year: String(programme.startYear), isek_year: programme.isekYear.map(String.init),
                                                      horizon_years: String(programme.horizonYears), consolidation_years: String(programme.consolidationYears)),
            programmeAction: SiteURL.isekProgramme.path,
            fields: try fields.map { field in
                let id = try field.requireID()
                return FieldBlock(id: id.uuidString, name: field.name, position: field.position + 1, action: SiteURL.fieldOfAction(id: id.uuidString).path,
                                  goals: goals.filter { $0.$fieldOfAction.id == id }.map(\.text),
                                  measures: measures.filter { $0.$fieldOfAction.id == id }.map(\.label))
            },
            fieldOptions: try all.map { SelectOption(value: try $0.requireID().uuidString, label: $0.name, selected: false) },
            goalAction: SiteURL.isekGoals.path, measureAction: SiteURL.isekMeasures.path, topicsURL: SiteURL.topics.path,
            pagination: PaginationContext(window, baseURL: SiteURL.isek.path, req: req), errors: errors
        )
        return try await req.renderPage("projects/isek", title: req.t("isek.title"), content, status: status, withForms: true)
    }

    @Sendable
    func saveProgramme(req: Request) async throws -> Response {
        let input = try req.content.decode(ProgrammeForm.self)
        func year(_ text: String?) -> Int? { Int((text ?? "").trimmingCharacters(in: .whitespaces)) }
        let isekText = (input.isek_year ?? "").trimmingCharacters(in: .whitespaces)
        guard let start = year(input.start_year), let horizon = year(input.horizon_years), let consolidation = year(input.consolidation_years),
              isekText.isEmpty || year(isekText) != nil,
              ProgrammeTimeline(startYear: start, isekYear: year(isekText), horizonYears: horizon, consolidationYears: consolidation).isValid else {
            return try await page(req, programmeForm: input, errors: [req.t("isek.error.programme")], status: .badRequest)
        }
        let programme = try await Programme.current(on: req.db)
        let before = programme.auditSnapshot
        programme.startYear = start
        programme.isekYear = year(isekText)
        programme.horizonYears = horizon
        programme.consolidationYears = consolidation
        try await programme.save(on: req.db)
        try await req.audit(.update, programme, before: before)
        req.flash("isek.programme_saved")
        return req.redirect(to: SiteURL.isek.path)
    }

    @Sendable
    func addGoal(req: Request) async throws -> Response {
        let input = try req.content.decode(GoalForm.self)
        let text = (input.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String] = []
        let field = try await input.field.flatMap(UUID.init(uuidString:)).asyncMap { try await FieldOfAction.find($0, on: req.db) }
        if field == nil { errors.append(req.t("isek.error.field")) }
        if text.isEmpty || text.count > 500 { errors.append(req.t("isek.error.goal")) }
        guard errors.isEmpty, let field else { return try await page(req, programmeForm: nil, errors: errors, status: .badRequest) }
        let fieldID = try field.requireID()
        let position = (try await IsekGoal.query(on: req.db).filter(\.$fieldOfAction.$id == fieldID).max(\.$position) ?? -1) + 1
        let goal = IsekGoal(fieldOfActionID: fieldID, text: text, position: position)
        try await goal.create(on: req.db)
        try await req.audit(.create, goal, before: nil)
        req.flash("isek.goal_saved", field.name)
        return req.redirect(to: SiteURL.isek.path)
    }

    @Sendable
    func addMeasure(req: Request) async throws -> Response {
        let input = try req.content.decode(MeasureForm.self)
        let number = (input.number ?? "").trimmingCharacters(in: .whitespaces)
        let title = (input.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String] = []
        let field = try await input.field.flatMap(UUID.init(uuidString:)).asyncMap { try await FieldOfAction.find($0, on: req.db) }
        if field == nil { errors.append(req.t("isek.error.field")) }
        if number.isEmpty || number.count > 20 { errors.append(req.t("isek.error.number")) }
        if try await Measure.query(on: req.db).filter(\.$number == number).count() > 0 { errors.append(req.t("isek.error.number_taken", number)) }
        if title.isEmpty || title.count > 200 { errors.append(req.t("isek.error.measure")) }
        guard errors.isEmpty, let field else { return try await page(req, programmeForm: nil, errors: errors, status: .badRequest) }
        let measure = Measure(fieldOfActionID: try field.requireID(), number: number, title: title)
        try await measure.create(on: req.db)
        try await req.audit(.create, measure, before: nil)
        req.flash("isek.measure_saved", measure.label)
        return req.redirect(to: SiteURL.isek.path)
    }

    /// Renames a field of action or moves it to another place in the order; the others close up behind it.
    @Sendable
    func updateField(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let field = try await FieldOfAction.find(id, on: req.db) else { throw Abort(.notFound) }
        let input = try req.content.decode(FieldForm.self)
        let name = (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String] = []
        if name.isEmpty || name.count > 100 { errors.append(req.t("fields.error.name")) }
        if try await FieldOfAction.query(on: req.db).filter(\.$name == name).filter(\.$id != id).count() > 0 { errors.append(req.t("fields.error.exists")) }
        let position = Int((input.position ?? "").trimmingCharacters(in: .whitespaces))
        if position == nil || position! < 1 || position! > 100 { errors.append(req.t("isek.error.position")) }
        guard errors.isEmpty, let position else { return try await page(req, programmeForm: nil, errors: errors, status: .badRequest) }
        try await req.db.transaction { database in
            var order = try await FieldOfAction.query(on: database).sort(\.$position).sort(\.$name).all().filter { $0.id != id }
            order.insert(field, at: min(position - 1, order.count))
            for (index, item) in order.enumerated() {
                let before = item.auditSnapshot
                if item.id == id { item.name = name }
                guard item.position != index || item.id == id else { continue }
                item.position = index
                try await item.save(on: database)
                if item.id == id { try await req.audit(.update, item, before: before, on: database) }
            }
        }
        req.flash("fields.saved", name)
        return req.redirect(to: SiteURL.isek.path)
    }
}
