import Fluent
import QuartierCore
import SQLKit
import Vapor

/// Coding of the open answers: a codebook of themes mapped to fields of action, and one form per page of answers in
/// which staff tick themes per answer (or one theme for the whole page at once) and mark anonymous quotes.
struct SurveyCodingController: RouteCollection {
    struct ThemeRow: Encodable {
        let name: String
        let fieldOfAction: String
    }

    struct ThemeBox: Encodable {
        let name: String
        let id: String
        let label: String
        let checked: Bool
    }

    struct AnswerRow: Encodable {
        let index: Int
        let answerID: String
        let question: String
        let text: String
        let isCoded: Bool
        let quoteName: String
        let isQuote: Bool
        let themes: [ThemeBox]
    }

    struct PageContent: Encodable {
        let surveyTitle: String
        let surveyURL: String
        let themes: [ThemeRow]
        let fieldsOfAction: [SelectOption]
        let themeURL: String
        let questions: [SelectOption]
        let onlyUncoded: Bool
        let answers: [AnswerRow]
        let themeOptions: [SelectOption]
        let pagination: PaginationContext
        let actionURL: String
        let returnQuery: String
        let draft: [String: String]
        let errors: [String]
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.surveyCoding(id: ":id"), use: show)
        staff.post(.surveyCoding(id: ":id"), use: save)
        staff.post(.surveyThemes(id: ":id"), use: addTheme)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        try await page(req, survey: try await SurveyController.find(req), draft: [:], errors: [], status: .ok)
    }

    private func page(_ req: Request, survey: Survey, draft: [String: String], errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try survey.requireID()
        let themes = try await SurveyTheme.query(on: req.db).filter(\.$survey.$id == id).sort(\.$position).sort(\.$name).with(\.$fieldOfAction).all()
        let fields = try await FieldOfAction.query(on: req.db).sort(\.$position).all()
        // Open questions of every version, by key; the newest wording names them.
        let guides = try await SurveyGuide.query(on: req.db).filter(\.$survey.$id == id).sort(\.$version, .descending).all()
        let allQuestions = guides.isEmpty ? [] : try await SurveyQuestion.query(on: req.db).filter(\.$guide.$id ~~ guides.compactMap(\.id)).filter(\.$kind == .open).all()
        let order = Dictionary(uniqueKeysWithValues: guides.enumerated().map { ($0.element.id!, $0.offset) })
        var questionText: [UUID: String] = [:]
        var questionOrder: [UUID] = []
        for question in allQuestions.sorted(by: { (order[$0.$guide.id] ?? 0, $0.position) < (order[$1.$guide.id] ?? 0, $1.position) }) where questionText[question.key] == nil {
            questionText[question.key] = question.text
            questionOrder.append(question.key)
        }
        // One question at a time: its answers are one range of an index, however many interviews there are.
        let chosenQuestion = (try? req.query.get(String.self, at: "frage")).flatMap(UUID.init(uuidString:)).flatMap { questionText[$0] != nil ? $0 : nil }
            ?? questionOrder.first
        let onlyUncoded = (try? req.query.get(String.self, at: "offen")) == "1"
        let base = {
            let query = SurveyAnswer.query(on: req.db).filter(\.$survey.$id == id)
            if let chosenQuestion { query.filter(\.$questionKey == chosenQuestion) }
            if onlyUncoded { query.filter(\.$isCoded == false) }
            return query
        }
        let total = chosenQuestion == nil ? 0 : try await base().count()
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: SurveyLimits.codingPerPage, total: total)
        let answers = total == 0 ? [] : try await base().sort(\.$isCoded).sort(\.$id).range(window.offset..<(window.offset + window.perPage)).all()
        var codes: [UUID: Set<UUID>] = [:]
        if !answers.isEmpty {
            for row in try await SurveyStatistics.sql(req.db).raw("""
                SELECT answer_id AS a, theme_id AS t FROM survey_answer_themes WHERE answer_id IN (\(SQLList(answers.map { SQLBind($0.id!) })))
                """).all() {
                codes[try row.decode(column: "a", as: UUID.self), default: []].insert(try row.decode(column: "t", as: UUID.self))
            }
        }
        var query: [String: String] = [:]
        if let chosenQuestion { query["frage"] = chosenQuestion.uuidString }
        if onlyUncoded { query["offen"] = "1" }
        if window.page > 1 { query["seite"] = String(window.page) }
        let content = PageContent(
            surveyTitle: survey.title, surveyURL: SiteURL.survey(id: id.uuidString).path,
            themes: themes.map { ThemeRow(name: $0.name, fieldOfAction: $0.fieldOfAction?.name ?? "–") },
            fieldsOfAction: [SelectOption(value: "", label: req.t("survey.coding.no_field"), selected: true)]
                + fields.map { SelectOption(value: $0.id?.uuidString ?? "", label: $0.name, selected: false) },
            themeURL: SiteURL.surveyThemes(id: id.uuidString).path,
            questions: questionOrder.map { SelectOption(value: $0.uuidString, label: questionText[$0] ?? "", selected: $0 == chosenQuestion) },
            onlyUncoded: onlyUncoded,
            answers: answers.enumerated().map { index, answer in
                AnswerRow(index: index + 1, answerID: answer.id!.uuidString, question: questionText[answer.questionKey] ?? "", text: answer.text,
                          isCoded: answer.isCoded, quoteName: "a\(index + 1)_quote", isQuote: answer.isQuote,
                          themes: themes.enumerated().map { themeIndex, theme in
                              ThemeBox(name: "a\(index + 1)_t\(themeIndex + 1)", id: "a\(index + 1)-t\(themeIndex + 1)", label: theme.name,
                                       checked: codes[answer.id!]?.contains(theme.id!) ?? false)
                          })
            },
            themeOptions: [SelectOption(value: "", label: req.t("survey.coding.no_bulk"), selected: true)]
                + themes.enumerated().map { SelectOption(value: String($0.offset + 1), label: $0.element.name, selected: false) },
            pagination: PaginationContext(window, baseURL: SiteURL.surveyCoding(id: id.uuidString).path, req: req,
                                          query: query.filter { $0.key != "seite" }),
            actionURL: SiteURL.surveyCoding(id: id.uuidString).path,
            returnQuery: query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&"),
            draft: draft, errors: errors)
        return try await req.renderPage("surveys/coding", title: req.t("survey.coding.heading", survey.title), content, status: status, withForms: true)
    }

    /// Saves the codes of every answer on the page: the ticked themes (and the page-wide theme, if chosen) replace the
    /// answer's themes, the quote mark is set or cleared, and the answer counts as coded.
    @Sendable
    func save(req: Request) async throws -> Response {
        let survey = try await SurveyController.find(req)
        let id = try survey.requireID()
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let themes = try await SurveyTheme.query(on: req.db).filter(\.$survey.$id == id).sort(\.$position).sort(\.$name).all()
        let bulk = fields["bulkTheme"].flatMap(Int.init).flatMap { themes.indices.contains($0 - 1) ? themes[$0 - 1].id : nil }
        var chosen: [UUID: (themes: Set<UUID>, quote: Bool)] = [:]
        for index in 1...SurveyLimits.codingPerPage {
            guard let answerID = fields["a\(index)"].flatMap(UUID.init(uuidString:)) else { continue }
            var set = Set(themes.enumerated().compactMap { fields["a\(index)_t\($0.offset + 1)"] == "on" ? $0.element.id : nil })
            if let bulk { set.insert(bulk) }
            chosen[answerID] = (set, fields["a\(index)_quote"] == "on")
        }
        let picked = chosen
        let answers = picked.isEmpty ? [] : try await SurveyAnswer.query(on: req.db).filter(\.$survey.$id == id).filter(\.$id ~~ Array(picked.keys)).all()
        try await req.db.transaction { db in
            let sql = SurveyStatistics.sql(db)
            if !answers.isEmpty {
                try await sql.raw("DELETE FROM survey_answer_themes WHERE answer_id IN (\(SQLList(answers.map { SQLBind($0.id!) })))").run()
            }
            var rows: [[any SQLExpression]] = []
            for answer in answers {
                guard let choice = picked[answer.id!] else { continue }
                rows += choice.themes.map { [SQLBind(answer.id!), SQLBind($0), SQLBind(id), SQLBind(answer.$interview.id)] }
                answer.isQuote = choice.quote
                answer.isCoded = true
                try await answer.save(on: db)
            }
            if !rows.isEmpty {
                var insert = sql.insert(into: SurveyTables.answerThemes).columns("answer_id", "theme_id", "survey_id", "interview_id")
                for row in rows { insert = insert.values(row) }
                try await insert.run()
            }
            try await SurveyStatistics.refreshInterviewThemes(Array(Set(answers.map(\.$interview.id))), on: db)
            try await SurveyStatistics.touch(id, on: db)
        }
        req.flash("survey.coding.saved", String(answers.count))
        let back = (fields["return"] ?? "").isEmpty ? "" : "?" + (fields["return"] ?? "")
        return req.redirect(to: SiteURL.surveyCoding(id: id.uuidString).path + back)
    }

    @Sendable
    func addTheme(req: Request) async throws -> Response {
        let survey = try await SurveyController.find(req)
        let id = try survey.requireID()
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let fieldID = fields["fieldOfAction"].flatMap(UUID.init(uuidString:))
        var errors: [String] = []
        if name.isEmpty || name.count > SurveyLimits.titleLength { errors.append(req.t("survey.error.theme_name")) }
        if let fieldID, try await FieldOfAction.find(fieldID, on: req.db) == nil { errors.append(req.t("survey.error.choice")) }
        let themes = try await SurveyTheme.query(on: req.db).filter(\.$survey.$id == id).all()
        if themes.contains(where: { $0.name.lowercased() == name.lowercased() }) { errors.append(req.t("survey.error.theme_taken", name)) }
        guard errors.isEmpty else { return try await page(req, survey: survey, draft: fields, errors: errors, status: .badRequest) }
        let theme = SurveyTheme(surveyID: id, name: name, fieldOfActionID: fieldID, position: (themes.map(\.position).max() ?? 0) + 1)
        try await theme.create(on: req.db)
        try await SurveyStatistics.touch(id, on: req.db)
        try await req.audit(.create, theme, before: nil)
        req.flash("survey.coding.theme_added", name)
        return req.redirect(to: SiteURL.surveyCoding(id: id.uuidString).path)
    }
}
