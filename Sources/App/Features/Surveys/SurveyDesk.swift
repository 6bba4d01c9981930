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
    /// Named by the question's key, not its place: a visit waiting on a phone still answers the right questions after
    /// the guide's questions were reordered, and the same question has the same name in every version.
    static func fieldName(_ question: SurveyQuestion) -> String { "q" + question.key.uuidString.replacingOccurrences(of: "-", with: "").lowercased() }
    static func optionFieldName(_ question: SurveyQuestion, option: Int) -> String { fieldName(question) + "_\(option)" }

    private static func value<T: RawRepresentable>(_ type: T.Type, _ text: String?, errors: inout [String]) -> T? where T.RawValue == String {
        guard let text, !text.isEmpty else { return nil }
        guard let value = T(rawValue: text) else {
            errors.append("survey.error.choice")
            return nil
        }
        return value
    }

    /// Reads an interview's answers, demographics, willingness, skills and invitation wish from the form's fields into
    /// `made` (a new interview, or the stored one being corrected; the answers get its id). Closed answers come
    /// back also as (question key, option number) to be counted.
    static func read(_ fields: [String: String], into made: SurveyInterview, guide: SurveyGuide, questions guideQuestions: [SurveyQuestion],
                     errors: inout [String]) throws -> (answers: [SurveyAnswer], choices: [(UUID, Int)]) {
        let surveyID = made.$survey.id
        let interviewID = try made.requireID()
        var answers: [SurveyAnswer] = []
        var choices: [(UUID, Int)] = []
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
        made.willingness = nil
        if let raw = fields["willingness"], !raw.isEmpty {
            made.willingness = SurveyScale.parse(raw)
            if made.willingness == nil { errors.append("survey.error.willingness") }
        }
        made.skills = (fields["skills"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        made.wantsInvitation = fields["wantsInvitation"] == "on"
        if made.skills.count > SurveyLimits.answerLength { errors.append("survey.error.answer_length") }
        return (answers, choices)
    }

    static func insertChoices(_ choices: [(UUID, Int)], surveyID: UUID, interviewID: UUID, on db: any Database) async throws {
        guard !choices.isEmpty else { return }
        var insert = SurveyStatistics.sql(db).insert(into: SurveyTables.choices).columns("survey_id", "interview_id", "question_key", "choice")
        for choice in choices {
            insert = insert.values([SQLBind(surveyID), SQLBind(interviewID), SQLBind(choice.0), SQLBind(choice.1)] as [any SQLExpression])
        }
        try await insert.run()
    }

    /// The contact details a person gives apart from her answers: to be invited to the results, or to offer help.
    struct ContactDetails {
        let name: String
        let email: String
        let phone: String
        let offers: String
        let wantsInvitation: Bool
        let consent: Bool

        init(_ fields: [String: String]) {
            name = (fields["contactName"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            email = (fields["contactEmail"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            phone = (fields["contactPhone"] ?? "").trimmingCharacters(in: .whitespaces)
            offers = (fields["contactOffers"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            wantsInvitation = fields["wantsInvitation"] == "on"
            consent = fields["contactConsent"] == "on"
        }

        var isGiven: Bool { !name.isEmpty || !email.isEmpty || !phone.isEmpty }

        var problems: [String] {
            guard isGiven else { return [] }
            var problems: [String] = []
            if name.isEmpty || (email.isEmpty && phone.isEmpty) { problems.append("survey.error.contact_incomplete") }
            if !consent { problems.append("survey.error.contact_consent") }
            if !email.isEmpty && !email.contains("@") { problems.append("survey.error.contact_email") }
            if offers.count > SurveyLimits.answerLength || name.count > SurveyLimits.titleLength { problems.append("survey.error.answer_length") }
            return problems
        }
    }

    /// Puts the person into the directory with her consent to be contacted, and records her for this survey. A person
    /// already in the directory under the same e-mail address is the same person: she gets no second entry, and a
    /// second contact for the same survey adds to the first one.
    @discardableResult
    static func storeContact(_ contact: ContactDetails, surveyID: UUID, source: ConsentSource, day: Date, on db: any Database) async throws -> SurveyContact {
        let known = contact.email.isEmpty ? nil : try await Person.query(on: db).filter(\.$email == contact.email).sort(\.$id).first()
        let person: Person
        if let known {
            person = known
        } else {
            let name = ActorImport.splitName(contact.name)
            person = Person(givenName: name.given, familyName: name.family, email: contact.email, phone: contact.phone)
            try await person.create(on: db)
        }
        let personID = try person.requireID()
        if person.phone.isEmpty && !contact.phone.isEmpty {
            person.phone = contact.phone
            try await person.save(on: db)
        }
        if try await Consent.query(on: db).filter(\.$person.$id == personID).filter(\.$purpose == .contact).filter(\.$withdrawnAt == nil).first() == nil {
            try await Consent(personID: personID, purpose: .contact, givenAt: Date(), source: source).create(on: db)
        }
        if let existing = try await SurveyContact.query(on: db).filter(\.$survey.$id == surveyID).filter(\.$person.$id == personID).first() {
            existing.wantsInvitation = existing.wantsInvitation || contact.wantsInvitation
            if !contact.offers.isEmpty && !existing.offers.contains(contact.offers) {
                existing.offers = [existing.offers, contact.offers].filter { !$0.isEmpty }.joined(separator: "\n")
            }
            try await existing.save(on: db)
            return existing
        }
        let made = SurveyContact(surveyID: surveyID, personID: personID, wantsInvitation: contact.wantsInvitation, offers: contact.offers, recordedOn: day)
        try await made.create(on: db)
        return made
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
            let made = SurveyInterview(surveyID: surveyID, guideID: try guide.requireID(), visitID: UUID(), subArea: address?.subArea ?? "",
                                       interviewedOn: visitedOn ?? Date())
            let questions = try await questions(guideID: try guide.requireID(), on: db)
            (answers, choices) = try read(fields, into: made, guide: guide, questions: questions, errors: &errors)
            interview = made
        }

        let contact = ContactDetails(fields)
        errors += contact.problems
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
                    try await insertChoices(madeChoices, surveyID: surveyID, interviewID: try interview.requireID(), on: db)
                }
                if contact.isGiven {
                    try await storeContact(contact, surveyID: surveyID, source: source, day: CalendarDate.day(of: visitedOn), on: db)
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
