import Fluent
import QuartierCore
import SQLKit
import Vapor

/// One interview as entered, to read in full and to correct (a misread paper questionnaire, a slip on the phone), and
/// the removal of a visit recorded by mistake. A correction keeps the interview's guide version and the coding of
/// every open answer that is still there; what it changes is counted in the results at once.
struct SurveyInterviewController: RouteCollection {
    struct InterviewContent: Encodable {
        let surveyTitle: String
        let surveyURL: String
        let interviewsURL: String
        let address: String
        let subArea: String
        let interviewer: String
        let guideVersion: Int
        let currentVersion: Int
        let visitedOn: String
        let form: SurveyFieldController.InterviewForm
        let codedAnswers: Int
        let actionURL: String
        let deleteURL: String
        let errors: [String]
    }

    struct DeleteContent: Encodable {
        let surveyTitle: String
        let surveyURL: String
        let address: String
        let visitedOn: String
        let outcome: String
        let interviewer: String
        let answers: Int?
        let interviewURL: String?
        let actionURL: String
        let cancelURL: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.surveyInterview(id: ":id"), use: show)
        staff.post(.surveyInterview(id: ":id"), use: correct)
        staff.get(.surveyVisitDelete(id: ":id"), use: confirmDelete)
        staff.post(.surveyVisitDelete(id: ":id"), use: delete)
    }

    private static func find(_ req: Request) async throws -> (SurveyInterview, SurveyVisit, Survey) {
        guard let id = req.parameters.get("id", as: UUID.self),
              let interview = try await SurveyInterview.query(on: req.db).filter(\.$id == id).with(\.$visit, { $0.with(\.$address).with(\.$interviewer) })
                  .with(\.$guide).with(\.$survey).first()
        else { throw Abort(.notFound) }
        return (interview, interview.visit, interview.survey)
    }

    /// The form's fields as the interview was stored: the same names the field form uses.
    static func draft(_ interview: SurveyInterview, questions: [SurveyQuestion], on db: any Database) async throws -> [String: String] {
        let id = try interview.requireID()
        var draft: [String: String] = ["visitedOn": CalendarDate.iso(interview.visit.visitedOn), "skills": interview.skills]
        draft["ageGroup"] = interview.ageGroup?.rawValue
        draft["gender"] = interview.gender?.rawValue
        draft["household"] = interview.household?.rawValue
        draft["tenure"] = interview.tenure?.rawValue
        draft["language"] = interview.language?.rawValue
        draft["willingness"] = interview.willingness.map(String.init)
        if interview.isGroup { draft["isGroup"] = "on" }
        if interview.wantsInvitation { draft["wantsInvitation"] = "on" }
        let answers = try await SurveyAnswer.query(on: db).filter(\.$interview.$id == id).all()
        var chosen: [UUID: [Int]] = [:]
        for row in try await SurveyStatistics.sql(db).raw("SELECT question_key, choice FROM \(ident: SurveyTables.choices) WHERE interview_id = \(bind: id)").all() {
            chosen[try row.decode(column: "question_key", as: UUID.self), default: []].append(try row.decode(column: "choice", as: Int.self))
        }
        for question in questions {
            let name = SurveyDesk.fieldName(question)
            switch question.kind {
            case .open: draft[name] = answers.first { $0.questionKey == question.key }?.text
            case .single, .scale: draft[name] = chosen[question.key]?.first.map(String.init)
            case .multiple: for option in chosen[question.key] ?? [] { draft[SurveyDesk.optionFieldName(question, option: option)] = "on" }
            }
        }
        return draft
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let (interview, _, survey) = try await Self.find(req)
        let questions = try await SurveyDesk.questions(guideID: interview.$guide.id, on: req.db)
        return try await page(req, interview: interview, survey: survey, questions: questions,
                              draft: try await Self.draft(interview, questions: questions, on: req.db), errors: [], status: .ok)
    }

    private func page(_ req: Request, interview: SurveyInterview, survey: Survey, questions: [SurveyQuestion], draft: [String: String], errors: [String],
                      status: HTTPStatus) async throws -> Response {
        let surveyID = try survey.requireID()
        let id = try interview.requireID()
        let current = try await SurveyDesk.currentGuide(surveyID: surveyID, on: req.db)
        let coded = try await SurveyAnswer.query(on: req.db).filter(\.$interview.$id == id).filter(\.$isCoded == true).count()
        let content = InterviewContent(
            surveyTitle: survey.title, surveyURL: SiteURL.survey(id: surveyID.uuidString).path, interviewsURL: SiteURL.surveyInterviews(id: surveyID.uuidString).path,
            address: interview.visit.address.label, subArea: interview.subArea, interviewer: interview.visit.interviewer?.name ?? "–",
            guideVersion: interview.guide.version, currentVersion: current?.version ?? interview.guide.version,
            visitedOn: draft["visitedOn"] ?? "",
            form: SurveyFieldController.interviewForm(questions: questions, guide: interview.guide, draft: draft, req: req),
            codedAnswers: coded,
            actionURL: SiteURL.surveyInterview(id: id.uuidString).path, deleteURL: SiteURL.surveyVisitDelete(id: interview.$visit.id.uuidString).path,
            errors: errors)
        return try await req.renderPage("surveys/interview", title: req.t("survey.interview.heading", interview.visit.address.label), content,
                                        status: status, withForms: true)
    }

    /// Saves the corrected interview. Answers are matched by question: an open answer whose text changes keeps its
    /// themes (the coder sees it again only when it was not coded yet), an answer that is emptied goes with its themes.
    @Sendable
    func correct(req: Request) async throws -> Response {
        let (interview, visit, survey) = try await Self.find(req)
        let surveyID = try survey.requireID()
        let id = try interview.requireID()
        var fields = (try? req.content.decode([String: String].self)) ?? [:]
        fields[CSRF.fieldName] = nil
        let questions = try await SurveyDesk.questions(guideID: interview.$guide.id, on: req.db)
        var errors: [String] = []
        let before = interview.auditSnapshot
        // Read into the interview itself; it is saved only when the whole form is right.
        let (answers, choices) = try SurveyDesk.read(fields, into: interview, guide: interview.guide, questions: questions, errors: &errors)
        let visitedOn = CalendarDate.parse(fields["visitedOn"] ?? "")
        if visitedOn == nil { errors.append("survey.error.date") }
        guard errors.isEmpty, let visitedOn else {
            var seen = Set<String>()
            return try await page(req, interview: interview, survey: survey, questions: questions, draft: fields,
                                  errors: errors.filter { seen.insert($0).inserted }.map { req.t($0) }, status: .badRequest)
        }
        try await req.db.transaction { db in
            try await SurveyStatistics.touch(surveyID, on: db)
            visit.visitedOn = visitedOn
            try await visit.save(on: db)
            interview.interviewedOn = visitedOn
            try await interview.save(on: db)

            let stored = try await SurveyAnswer.query(on: db).filter(\.$interview.$id == id).all()
            let byKey = Dictionary(stored.map { ($0.questionKey, $0) }, uniquingKeysWith: { first, _ in first })
            let newKeys = Set(answers.map(\.questionKey))
            for answer in answers {
                if let old = byKey[answer.questionKey] {
                    if old.text != answer.text {
                        old.text = answer.text
                        try await old.save(on: db)
                    }
                } else {
                    try await answer.create(on: db)
                }
            }
            for old in stored where !newKeys.contains(old.questionKey) { try await old.delete(on: db) }
            try await SurveyStatistics.sql(db).raw("DELETE FROM \(ident: SurveyTables.choices) WHERE interview_id = \(bind: id)").run()
            try await SurveyDesk.insertChoices(choices, surveyID: surveyID, interviewID: id, on: db)
            try await SurveyStatistics.refreshInterviewThemes([id], on: db)
        }
        try await req.audit(.update, interview, before: before)
        req.flash("survey.interview.saved")
        return req.redirect(to: SiteURL.surveyInterview(id: id.uuidString).path)
    }

    private static func findVisit(_ req: Request) async throws -> (SurveyVisit, Survey, SurveyInterview?) {
        guard let id = req.parameters.get("id", as: UUID.self),
              let visit = try await SurveyVisit.query(on: req.db).filter(\.$id == id).with(\.$address).with(\.$interviewer).with(\.$survey).first()
        else { throw Abort(.notFound) }
        let interview = try await SurveyInterview.query(on: req.db).filter(\.$visit.$id == id).first()
        return (visit, visit.survey, interview)
    }

    @Sendable
    func confirmDelete(req: Request) async throws -> Response {
        let (visit, survey, interview) = try await Self.findVisit(req)
        let surveyID = try survey.requireID()
        var answers: Int?
        if let interview { answers = try await SurveyAnswer.query(on: req.db).filter(\.$interview.$id == interview.requireID()).count() }
        let content = DeleteContent(
            surveyTitle: survey.title, surveyURL: SiteURL.survey(id: surveyID.uuidString).path, address: visit.address.label,
            visitedOn: CalendarDate.display(visit.visitedOn, req.language), outcome: req.t("survey.outcome.\(visit.outcome.rawValue)"),
            interviewer: visit.interviewer?.name ?? "–", answers: answers,
            interviewURL: try interview.map { SiteURL.surveyInterview(id: try $0.requireID().uuidString).path },
            actionURL: SiteURL.surveyVisitDelete(id: try visit.requireID().uuidString).path,
            cancelURL: SiteURL.surveyAddresses(id: surveyID.uuidString).path)
        return try await req.renderPage("surveys/visit-delete", title: req.t("survey.visit.delete_heading"), content, withForms: true)
    }

    /// Deletes the visit; its interview, answers, chosen options and coding go with it (the foreign keys cascade).
    /// A contact record made at the same door stays: nothing links the two.
    @Sendable
    func delete(req: Request) async throws -> Response {
        let (visit, survey, _) = try await Self.findVisit(req)
        let surveyID = try survey.requireID()
        let before = visit.auditSnapshot
        try await req.db.transaction { db in
            try await SurveyStatistics.touch(surveyID, on: db)
            try await visit.delete(on: db)
        }
        try await req.audit(.delete, visit, before: before)
        req.flash("survey.visit.deleted", visit.address.label)
        return req.redirect(to: SiteURL.surveyAddresses(id: surveyID.uuidString).path)
    }
}

extension SurveyInterview: Auditable {
    static let auditType = "survey_interview"

    /// What the interview says about the person in categories only: the answers' texts stay out of the log.
    var auditSnapshot: [String: String] {
        var snapshot = ["survey": $survey.id.uuidString, "interviewed_on": CalendarDate.iso(interviewedOn), "is_group": String(isGroup),
                        "wants_invitation": String(wantsInvitation)]
        snapshot["age_group"] = ageGroup?.rawValue
        snapshot["gender"] = gender?.rawValue
        snapshot["household"] = household?.rawValue
        snapshot["tenure"] = tenure?.rawValue
        snapshot["language"] = language?.rawValue
        snapshot["willingness"] = willingness.map(String.init)
        return snapshot
    }
}

extension SurveyVisit: Auditable {
    static let auditType = "survey_visit"

    var auditSnapshot: [String: String] {
        var snapshot = ["survey": $survey.id.uuidString, "address": $address.id.uuidString, "outcome": outcome.rawValue,
                        "visited_on": CalendarDate.iso(visitedOn)]
        snapshot["interviewer"] = $interviewer.id?.uuidString
        return snapshot
    }
}
