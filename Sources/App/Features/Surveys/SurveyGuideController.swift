import Fluent
import QuartierCore
import Vapor

/// The interview guide builder: mainly open questions, optional closed ones, the demographics block. A guide with
/// interviews is never changed in place; the change goes into a new version and old interviews keep theirs.
struct SurveyGuideController: RouteCollection {
    struct QuestionRow: Encodable {
        let number: Int
        let kind: String
        let kindLabel: String
        let text: String
        let options: String
        let isChoice: Bool
        let actionURL: String
        let fieldID: String
        let isFirst: Bool
        let isLast: Bool
    }

    struct PageContent: Encodable {
        let surveyTitle: String
        let surveyURL: String
        let version: Int
        let interviews: Int
        let versionNote: String?
        let asksDemographics: Bool
        let questions: [QuestionRow]
        let kinds: [SelectOption]
        let actionURL: String
        let draft: [String: String]
        let errors: [String]
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.surveyGuide(id: ":id"), use: show)
        staff.post(.surveyGuide(id: ":id"), use: change)
        staff.post(.surveyQuestion(id: ":id"), use: changeQuestion)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        try await page(req, survey: try await SurveyController.find(req), draft: [:], errors: [], status: .ok)
    }

    private func page(_ req: Request, survey: Survey, draft: [String: String], errors: [String], status: HTTPStatus) async throws -> Response {
        let surveyID = try survey.requireID()
        let guide = try await Self.guide(surveyID, on: req.db)
        let guideID = try guide.requireID()
        let interviews = try await SurveyInterview.query(on: req.db).filter(\.$guide.$id == guideID).count()
        let questions = try await SurveyDesk.questions(guideID: guideID, on: req.db)
        let content = PageContent(
            surveyTitle: survey.title, surveyURL: SiteURL.survey(id: surveyID.uuidString).path,
            version: guide.version, interviews: interviews,
            versionNote: GuideVersioning.needsNewVersion(interviews: interviews) ? req.t("survey.guide.version_note", String(interviews), String(guide.version + 1)) : nil,
            asksDemographics: guide.asksDemographics,
            questions: try questions.enumerated().map { index, question in
                QuestionRow(number: index + 1, kind: question.kind.rawValue, kindLabel: req.t("survey.kind.\(question.kind.rawValue)"), text: question.text,
                            options: question.options, isChoice: question.kind == .single || question.kind == .multiple,
                            actionURL: SiteURL.surveyQuestion(id: try question.requireID().uuidString).path, fieldID: "frage-\(index + 1)",
                            isFirst: index == 0, isLast: index == questions.count - 1)
            },
            kinds: QuestionKind.allCases.map { SelectOption(value: $0.rawValue, label: req.t("survey.kind.\($0.rawValue)"), selected: $0.rawValue == (draft["kind"] ?? "open")) },
            actionURL: SiteURL.surveyGuide(id: surveyID.uuidString).path, draft: draft, errors: errors)
        return try await req.renderPage("surveys/guide", title: req.t("survey.guide.heading", survey.title), content, status: status, withForms: true)
    }

    static func guide(_ surveyID: UUID, on db: any Database) async throws -> SurveyGuide {
        if let guide = try await SurveyDesk.currentGuide(surveyID: surveyID, on: db) { return guide }
        let guide = SurveyGuide(surveyID: surveyID, version: 1)
        try await guide.create(on: db)
        return guide
    }

    /// The guide a change goes into: the current one while it has no interviews, otherwise a new version with the
    /// same questions (same keys). Returns the guide and, per question id of the old version, its copy.
    static func writableGuide(_ surveyID: UUID, on db: any Database) async throws -> (SurveyGuide, [UUID: SurveyQuestion]) {
        try await SurveyStatistics.touch(surveyID, on: db)
        let current = try await guide(surveyID, on: db)
        let currentID = try current.requireID()
        let questions = try await SurveyDesk.questions(guideID: currentID, on: db)
        let interviews = try await SurveyInterview.query(on: db).filter(\.$guide.$id == currentID).count()
        guard GuideVersioning.needsNewVersion(interviews: interviews) else {
            return (current, Dictionary(uniqueKeysWithValues: try questions.map { (try $0.requireID(), $0) }))
        }
        let next = SurveyGuide(surveyID: surveyID, version: GuideVersioning.targetVersion(current: current.version, interviews: interviews),
                               asksDemographics: current.asksDemographics)
        try await next.create(on: db)
        var copies: [UUID: SurveyQuestion] = [:]
        for question in questions {
            let copy = SurveyQuestion(guideID: try next.requireID(), key: question.key, position: question.position, kind: question.kind,
                                      text: question.text, options: question.optionList)
            try await copy.create(on: db)
            copies[try question.requireID()] = copy
        }
        return (next, copies)
    }

    @Sendable
    func change(req: Request) async throws -> Response {
        let survey = try await SurveyController.find(req)
        let surveyID = try survey.requireID()
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        switch fields["action"] {
        case "demographics":
            try await req.db.transaction { db in
                let (guide, _) = try await Self.writableGuide(surveyID, on: db)
                guide.asksDemographics = fields["asksDemographics"] == "on"
                try await guide.save(on: db)
            }
        default:
            let kind = fields["kind"].flatMap(QuestionKind.init(rawValue:)) ?? .open
            let text = (fields["text"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let options = GuideVersioning.options(fields["options"] ?? "", kind: kind)
            let problems = GuideVersioning.problems(text: text, kind: kind, options: options)
            guard problems.isEmpty, text.count <= SurveyLimits.answerLength else {
                let errors = problems.isEmpty ? [req.t("survey.error.answer_length")] : problems.map { req.t("survey.error.question.\($0.rawValue)") }
                return try await page(req, survey: survey, draft: fields, errors: errors, status: .badRequest)
            }
            let question = try await req.db.transaction { db in
                let (guide, existing) = try await Self.writableGuide(surveyID, on: db)
                let question = SurveyQuestion(guideID: try guide.requireID(), position: (existing.values.map(\.position).max() ?? 0) + 1,
                                              kind: kind, text: text, options: options)
                try await question.create(on: db)
                return question
            }
            try await req.audit(.create, question, before: nil)
        }
        req.flash("survey.guide.saved")
        return req.redirect(to: SiteURL.surveyGuide(id: surveyID.uuidString).path)
    }

    @Sendable
    func changeQuestion(req: Request) async throws -> Response {
        guard let questionID = req.parameters.get("id", as: UUID.self), let question = try await SurveyQuestion.find(questionID, on: req.db),
              let guide = try await SurveyGuide.find(question.$guide.id, on: req.db), let survey = try await Survey.find(guide.$survey.id, on: req.db)
        else { throw Abort(.notFound) }
        let surveyID = try survey.requireID()
        guard let current = try await SurveyDesk.currentGuide(surveyID: surveyID, on: req.db), current.id == guide.id else {
            return try await page(req, survey: survey, draft: [:], errors: [req.t("survey.error.old_version")], status: .conflict)
        }
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        if let step = ["up": -1, "down": 1][fields["action"] ?? ""] {
            let (moved, before) = try await move(questionID, by: step, surveyID: surveyID, on: req.db)
            if let moved { try await req.audit(.update, moved, before: before) }
            req.flash("survey.guide.moved")
            return req.redirect(to: SiteURL.surveyGuide(id: surveyID.uuidString).path)
        }
        let delete = fields["action"] == "delete"
        let text = (fields["text"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let options = GuideVersioning.options(fields["options"] ?? "", kind: question.kind)
        if !delete {
            let problems = GuideVersioning.problems(text: text, kind: question.kind, options: options)
            guard problems.isEmpty, text.count <= SurveyLimits.answerLength else {
                let errors = problems.isEmpty ? [req.t("survey.error.answer_length")] : problems.map { req.t("survey.error.question.\($0.rawValue)") }
                return try await page(req, survey: survey, draft: [:], errors: errors, status: .badRequest)
            }
        }
        let (target, before) = try await req.db.transaction { db in
            let (_, copies) = try await Self.writableGuide(surveyID, on: db)
            guard let target = copies[questionID] else { throw Abort(.notFound) }
            let before = target.auditSnapshot
            if delete {
                try await target.delete(on: db)
            } else {
                target.text = text
                if question.kind == .single || question.kind == .multiple { target.options = options.joined(separator: "\n") }
                try await target.save(on: db)
            }
            return (target, before)
        }
        try await req.audit(delete ? .delete : .update, target, before: before)
        req.flash("survey.guide.saved")
        return req.redirect(to: SiteURL.surveyGuide(id: surveyID.uuidString).path)
    }

    /// Moves a question one place up or down, swapping places with its neighbour; a guide with interviews changes
    /// in a new version like any other change. Answers are matched by the question's key, never by its place.
    private func move(_ questionID: UUID, by step: Int, surveyID: UUID, on db: any Database) async throws -> (SurveyQuestion?, [String: String]) {
        try await db.transaction { db -> (SurveyQuestion?, [String: String]) in
            let (guide, copies) = try await Self.writableGuide(surveyID, on: db)
            guard let target = copies[questionID] else { throw Abort(.notFound) }
            let ordered = try await SurveyDesk.questions(guideID: try guide.requireID(), on: db)
            guard let index = ordered.firstIndex(where: { $0.id == target.id }), ordered.indices.contains(index + step) else { return (nil, [:]) }
            let neighbour = ordered[index + step]
            let before = target.auditSnapshot
            (target.position, neighbour.position) = (neighbour.position, target.position)
            try await target.save(on: db)
            try await neighbour.save(on: db)
            return (target, before)
        }
    }
}
