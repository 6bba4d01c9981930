import Fluent
import QuartierCore
import SQLKit
import Vapor

/// Records what an interviewer brings back from a door: the visit, and with an interview its answers; and, apart
/// from them, the contact record of a person who wants to be invited. One function for the paper form, the field
/// form without JavaScript and the offline queue's sync, so all three store the same way and each visit once.
enum SurveyDesk {
    enum Outcome: Equatable {
        case stored
        /// A visit with this form's id is stored already: a second send, or a retry after an interrupted sync.
        case duplicate
        case refused([String])
    }

    /// Who may record visits: staff and admins always, members when they are in one of the survey's teams.
    static func mayRecord(_ user: User, surveyID: UUID, on db: any Database) async throws -> Bool {
        if user.role.includes(.staff) { return true }
        let teams = try await SurveyTeam.query(on: db).filter(\.$survey.$id == surveyID).all().compactMap(\.id)
        guard !teams.isEmpty else { return false }
        return try await SurveyTeamMember.query(on: db).filter(\.$team.$id ~~ teams).filter(\.$user.$id == user.requireID()).first() != nil
    }

    struct FieldLink: Encodable {
        let title: String
        let href: String
    }

    /// The field pages of the surveys in whose teams the signed-in user interviews, for her member area.
    static func fieldLinks(_ req: Request) async throws -> [FieldLink] {
        guard let userID = req.currentUser?.id else { return [] }
        let teams = try await SurveyTeamMember.query(on: req.db).filter(\.$user.$id == userID).with(\.$team).limit(50).all()
        guard !teams.isEmpty else { return [] }
        let surveys = try await Survey.query(on: req.db).filter(\.$id ~~ Set(teams.map(\.team.$survey.id))).sort(\.$title).all()
        return try surveys.map { FieldLink(title: $0.title, href: SiteURL.surveyField(id: try $0.requireID().uuidString).path) }
    }

    /// The user ids of the survey's interviewers, for the paper form's choice of who made the visit.
    static func interviewers(surveyID: UUID, on db: any Database) async throws -> [User] {
        let teams = try await SurveyTeam.query(on: db).filter(\.$survey.$id == surveyID).all().compactMap(\.id)
        guard !teams.isEmpty else { return [] }
        let ids = try await SurveyTeamMember.query(on: db).filter(\.$team.$id ~~ teams).all().map(\.$user.id)
        guard !ids.isEmpty else { return [] }
        return try await User.query(on: db).filter(\.$id ~~ Set(ids)).sort(\.$name).all()
    }

    static func currentGuide(surveyID: UUID, on db: any Database) async throws -> SurveyGuide? {
        try await SurveyGuide.query(on: db).filter(\.$survey.$id == surveyID).sort(\.$version, .descending).first()
    }

    static func questions(guideID: UUID, on db: any Database) async throws -> [SurveyQuestion] {
        try await SurveyQuestion.query(on: db).filter(\.$guide.$id == guideID).sort(\.$position).all()
    }

    /// The field name of a question's answer in the form (and in the offline queue).
    static func fieldName(_ question: SurveyQuestion) -> String { "q\(question.position)" }
    static func optionFieldName(_ question: SurveyQuestion, option: Int) -> String { "q\(question.position)_\(option)" }

    private static func value<T: RawRepresentable>(_ type: T.Type, _ text: String?, errors: inout [String]) -> T? where T.RawValue == String {
        guard let text, !text.isEmpty else { return nil }
        guard let value = T(rawValue: text) else {
            errors.append("survey.error.choice")
            return nil
        }
        return value
    }

    /// Stores one recorded visit from the form's fields. Everything or nothing is stored.
    static func record(_ fields: [String: String], survey: Survey, user: User, source: ConsentSource, on db: any Database) async throws -> Outcome {
        let surveyID = try survey.requireID()
        guard let clientID = fields["clientID"].flatMap(UUID.init(uuidString:)) else { return .refused(["survey.error.client_id"]) }
        if let existing = try await SurveyVisit.query(on: db).filter(\.$clientID == clientID).first() {
            return existing.$survey.id == surveyID ? .duplicate : .refused(["survey.error.client_id"])
        }
        var errors: [String] = []
        let guide: SurveyGuide?
        if let guideID = fields["guide"].flatMap(UUID.init(uuidString:)) {
            guide = try await SurveyGuide.query(on: db).filter(\.$id == guideID).filter(\.$survey.$id == surveyID).first()
        } else {
            guide = try await currentGuide(surveyID: surveyID, on: db)
        }
        var address: SurveyAddress?
        if let addressID = fields["address"].flatMap(UUID.init(uuidString:)) {
            address = try await SurveyAddress.query(on: db).filter(\.$id == addressID).filter(\.$survey.$id == surveyID).first()
        }
        if address == nil { errors.append("survey.error.address") }
        let outcome = fields["outcome"].flatMap(VisitOutcome.init(rawValue:))
        if outcome == nil { errors.append("survey.error.outcome") }
        let visitedOn = CalendarDate.parse(fields["visitedOn"] ?? "")
        if visitedOn == nil { errors.append("survey.error.date") }
        var interviewerID = try user.requireID()
        if user.role.includes(.staff), let chosen = fields["interviewer"].flatMap(UUID.init(uuidString:)), chosen != interviewerID {
            if try await interviewers(surveyID: surveyID, on: db).contains(where: { $0.id == chosen }) {
                interviewerID = chosen
            } else {
                errors.append("survey.error.interviewer")
            }
        }

        var interview: SurveyInterview?
        var answers: [SurveyAnswer] = []
        var choices: [(UUID, Int)] = []
        if outcome == .interview {
            guard let guide else { return .refused(["survey.error.no_guide"]) }
            let guideID = try guide.requireID()
            let made = SurveyInterview(surveyID: surveyID, guideID: guideID, visitID: UUID(), subArea: address?.subArea ?? "", interviewedOn: visitedOn ?? Date())
            let interviewID = try made.requireID()
            let guideQuestions = try await questions(guideID: guideID, on: db)
            for question in guideQuestions {
                switch question.kind {
                case .open:
                    let text = (fields[fieldName(question)] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                    if text.count > SurveyLimits.answerLength { errors.append("survey.error.answer_length") }
                    if !text.isEmpty { answers.append(SurveyAnswer(surveyID: surveyID, interviewID: interviewID, questionKey: question.key, text: text)) }
                case .single, .scale:
                    guard let raw = fields[fieldName(question)], !raw.isEmpty else { continue }
                    let options = question.kind == .scale ? SurveyScale.range.map(String.init) : question.optionList
                    guard let choice = Int(raw), options.indices.contains(choice - 1) else {
                        errors.append("survey.error.choice")
                        continue
                    }
                    answers.append(SurveyAnswer(surveyID: surveyID, interviewID: interviewID, questionKey: question.key, text: options[choice - 1]))
                    choices.append((question.key, choice))
                case .multiple:
                    let chosen = question.optionList.indices.filter { fields[optionFieldName(question, option: $0 + 1)] == "on" }
                    guard !chosen.isEmpty else { continue }
                    answers.append(SurveyAnswer(surveyID: surveyID, interviewID: interviewID, questionKey: question.key,
                                                text: chosen.map { question.optionList[$0] }.joined(separator: "; ")))
                    choices += chosen.map { (question.key, $0 + 1) }
                }
            }
            // Closed answers are counted as they are; only open answers wait for coding.
            let openKeys = Set(guideQuestions.filter { $0.kind == .open }.map(\.key))
            for answer in answers where !openKeys.contains(answer.questionKey) { answer.isCoded = true }
            if guide.asksDemographics {
                made.ageGroup = value(SurveyAgeGroup.self, fields["ageGroup"], errors: &errors)
                made.gender = value(SurveyGender.self, fields["gender"], errors: &errors)
                made.household = value(SurveyHousehold.self, fields["household"], errors: &errors)
                made.tenure = value(SurveyTenure.self, fields["tenure"], errors: &errors)
                made.language = value(InterviewLanguage.self, fields["language"], errors: &errors)
                made.isGroup = fields["isGroup"] == "on"
            }
            if let raw = fields["willingness"], !raw.isEmpty {
                made.willingness = SurveyScale.parse(raw)
                if made.willingness == nil { errors.append("survey.error.willingness") }
            }
            made.skills = (fields["skills"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            made.wantsInvitation = fields["wantsInvitation"] == "on"
            if made.skills.count > SurveyLimits.answerLength { errors.append("survey.error.answer_length") }
            interview = made
        }

        let contactName = (fields["contactName"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let contactEmail = (fields["contactEmail"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let contactPhone = (fields["contactPhone"] ?? "").trimmingCharacters(in: .whitespaces)
        let contactOffers = (fields["contactOffers"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let givesContact = !contactName.isEmpty || !contactEmail.isEmpty || !contactPhone.isEmpty
        if givesContact {
            if contactName.isEmpty || (contactEmail.isEmpty && contactPhone.isEmpty) { errors.append("survey.error.contact_incomplete") }
            if fields["contactConsent"] != "on" { errors.append("survey.error.contact_consent") }
            if !contactEmail.isEmpty && !contactEmail.contains("@") { errors.append("survey.error.contact_email") }
        }
        guard errors.isEmpty, let address, let outcome, let visitedOn else {
            var seen = Set<String>()
            return .refused(errors.filter { seen.insert($0).inserted })
        }

        let (madeInterview, madeAnswers, madeChoices, interviewer) = (interview, answers, choices, interviewerID)
        do {
            try await db.transaction { db in
                try await SurveyStatistics.touch(surveyID, on: db)
                let visit = SurveyVisit(surveyID: surveyID, addressID: try address.requireID(), outcome: outcome, visitedOn: visitedOn,
                                        interviewerID: interviewer, clientID: clientID)
                try await visit.create(on: db)
                if let interview = madeInterview {
                    interview.$visit.id = try visit.requireID()
                    try await interview.create(on: db)
                    if !madeAnswers.isEmpty { try await madeAnswers.create(on: db) }
                    if !madeChoices.isEmpty, let sql = db as? any SQLDatabase {
                        let interviewID = try interview.requireID()
                        var insert = sql.insert(into: SurveyTables.choices).columns("survey_id", "interview_id", "question_key", "choice")
                        for choice in madeChoices {
                            insert = insert.values([SQLBind(surveyID), SQLBind(interviewID), SQLBind(choice.0), SQLBind(choice.1)] as [any SQLExpression])
                        }
                        try await insert.run()
                    }
                }
                if givesContact {
                    let parts = contactName.split(separator: " ")
                    let person = Person(givenName: parts.count > 1 ? parts.dropLast().joined(separator: " ") : contactName,
                                        familyName: parts.count > 1 ? String(parts.last!) : "", email: contactEmail, phone: contactPhone)
                    try await person.create(on: db)
                    let personID = try person.requireID()
                    try await Consent(personID: personID, purpose: .contact, givenAt: Date(), source: source).create(on: db)
                    try await SurveyContact(surveyID: surveyID, personID: personID, wantsInvitation: fields["wantsInvitation"] == "on",
                                            offers: contactOffers, recordedOn: CalendarDate.day(of: visitedOn)).create(on: db)
                }
            }
        } catch {
            // Two sends of the same visit at the same moment: the other one stored it.
            if let failure = error as? any DatabaseError, failure.isConstraintFailure,
               try await SurveyVisit.query(on: db).filter(\.$clientID == clientID).first() != nil {
                return .duplicate
            }
            throw error
        }
        return .stored
    }
}

enum SurveyLimits {
    static let answerLength = 4000
    static let titleLength = 200
    static let perPage = 50
    static let codingPerPage = 20
    static let addressesPerStreet = 400
    static let streets = 500
}
