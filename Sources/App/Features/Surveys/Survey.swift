import Fluent
import QuartierCore
import SQLKit
import Vapor

/// An activating survey (Aktivierende Befragung): the project with its phase, area, period and interviewer teams.
final class Survey: Model, @unchecked Sendable {
    static let schema = "surveys"

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "area") var area: String
    @Field(key: "phase") var phase: SurveyPhase
    @OptionalField(key: "starts_on") var startsOn: Date?
    @OptionalField(key: "ends_on") var endsOn: Date?
    /// Counts up with every change that alters the results, so that computed results are reused until then.
    @Field(key: "results_version") var resultsVersion: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(title: String, area: String, startsOn: Date? = nil, endsOn: Date? = nil, phase: SurveyPhase = .plan) {
        self.id = UUID()
        self.title = title
        self.area = area
        self.phase = phase
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.resultsVersion = 0
    }
}

extension Survey: Auditable {
    static let auditType = "survey"

    var auditSnapshot: [String: String] {
        var snapshot = ["title": title, "area": area, "phase": phase.rawValue]
        snapshot["starts_on"] = startsOn.map(CalendarDate.iso)
        snapshot["ends_on"] = endsOn.map(CalendarDate.iso)
        return snapshot
    }
}

/// What the team notes about one phase (who decided what, what the training covered, ...).
final class SurveyPhaseNote: Model, @unchecked Sendable {
    static let schema = "survey_phase_notes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "survey_id") var survey: Survey
    @Field(key: "phase") var phase: SurveyPhase
    @Field(key: "text") var text: String

    init() {}

    init(surveyID: UUID, phase: SurveyPhase, text: String) {
        self.id = UUID()
        self.$survey.id = surveyID
        self.phase = phase
        self.text = text
    }
}

/// A team of interviewers; its members (staff or member accounts) may use the survey's field mode.
final class SurveyTeam: Model, @unchecked Sendable {
    static let schema = "survey_teams"

    @ID(key: .id) var id: UUID?
    @Parent(key: "survey_id") var survey: Survey
    @Field(key: "name") var name: String

    init() {}

    init(surveyID: UUID, name: String) {
        self.id = UUID()
        self.$survey.id = surveyID
        self.name = name
    }
}

final class SurveyTeamMember: Model, @unchecked Sendable {
    static let schema = "survey_team_members"

    @ID(key: .id) var id: UUID?
    @Parent(key: "team_id") var team: SurveyTeam
    @Parent(key: "user_id") var user: User

    init() {}

    init(teamID: UUID, userID: UUID) {
        self.id = UUID()
        self.$team.id = teamID
        self.$user.id = userID
    }
}

/// One version of the interview guide. Interviews keep the version they were made with.
final class SurveyGuide: Model, @unchecked Sendable {
    static let schema = "survey_guides"

    @ID(key: .id) var id: UUID?
    @Parent(key: "survey_id") var survey: Survey
    @Field(key: "version") var version: Int
    @Field(key: "asks_demographics") var asksDemographics: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(surveyID: UUID, version: Int, asksDemographics: Bool = true) {
        self.id = UUID()
        self.$survey.id = surveyID
        self.version = version
        self.asksDemographics = asksDemographics
    }
}

/// A question of a guide version. `key` stays the same when a question is carried into a new version, so that
/// results count the same question across versions.
final class SurveyQuestion: Model, @unchecked Sendable {
    static let schema = "survey_questions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "guide_id") var guide: SurveyGuide
    @Field(key: "key") var key: UUID
    @Field(key: "position") var position: Int
    @Field(key: "kind") var kind: QuestionKind
    @Field(key: "text") var text: String
    /// The options of a single or multiple choice, one per line.
    @Field(key: "options") var options: String

    init() {}

    init(guideID: UUID, key: UUID = UUID(), position: Int, kind: QuestionKind, text: String, options: [String] = []) {
        self.id = UUID()
        self.$guide.id = guideID
        self.key = key
        self.position = position
        self.kind = kind
        self.text = text
        self.options = options.joined(separator: "\n")
    }

    var optionList: [String] { GuideVersioning.options(options, kind: kind) }
}

extension SurveyQuestion: Auditable {
    static let auditType = "survey_question"

    var auditSnapshot: [String: String] {
        ["guide": $guide.id.uuidString, "position": String(position), "kind": kind.rawValue, "text": text, "options": options]
    }
}

/// An address of the sample: a house entrance, in a sub-area of the survey's area.
final class SurveyAddress: Model, @unchecked Sendable {
    static let schema = "survey_addresses"

    @ID(key: .id) var id: UUID?
    @Parent(key: "survey_id") var survey: Survey
    @Field(key: "street") var street: String
    @Field(key: "house_number") var houseNumber: String
    @Field(key: "entrance") var entrance: String
    @Field(key: "sub_area") var subArea: String

    init() {}

    init(surveyID: UUID, street: String, houseNumber: String, entrance: String = "", subArea: String = "") {
        self.id = UUID()
        self.$survey.id = surveyID
        self.street = street
        self.houseNumber = houseNumber
        self.entrance = entrance
        self.subArea = subArea
    }

    var label: String { [street + " " + houseNumber, entrance].filter { !$0.isEmpty }.joined(separator: ", ") }

    /// Street by street, and the houses as one walks them: 2 before 10, 12 before 12a (a shorter house number first,
    /// then by its text), entrances last.
    static func inWalkingOrder(_ query: QueryBuilder<SurveyAddress>) -> QueryBuilder<SurveyAddress> {
        query.sort(\.$street).sort(.sql(unsafeRaw: #"LENGTH("survey_addresses"."house_number")"#)).sort(\.$houseNumber).sort(\.$entrance)
    }
}

/// One visit at an address. `clientID` is made by the form (in the browser, or on the server for the paper form)
/// and is unique, so that the same visit sent twice is stored once.
final class SurveyVisit: Model, @unchecked Sendable {
    static let schema = "survey_visits"

    @ID(key: .id) var id: UUID?
    @Parent(key: "survey_id") var survey: Survey
    @Parent(key: "address_id") var address: SurveyAddress
    @Field(key: "outcome") var outcome: VisitOutcome
    @Field(key: "visited_on") var visitedOn: Date
    @OptionalParent(key: "interviewer_id") var interviewer: User?
    @Field(key: "client_id") var clientID: UUID

    init() {}

    init(surveyID: UUID, addressID: UUID, outcome: VisitOutcome, visitedOn: Date, interviewerID: UUID?, clientID: UUID) {
        self.id = UUID()
        self.$survey.id = surveyID
        self.$address.id = addressID
        self.outcome = outcome
        self.visitedOn = visitedOn
        self.$interviewer.id = interviewerID
        self.clientID = clientID
    }
}

/// An interview: anonymous by design. It holds no name and no contact details, and no table links it to a person;
/// whoever wants to be invited gives that into a separate `SurveyContact`.
final class SurveyInterview: Model, @unchecked Sendable {
    static let schema = "survey_interviews"

    @ID(key: .id) var id: UUID?
    @Parent(key: "survey_id") var survey: Survey
    @Parent(key: "guide_id") var guide: SurveyGuide
    @Parent(key: "visit_id") var visit: SurveyVisit
    /// The address's sub-area when the interview was made, kept here for the cross-tables.
    @Field(key: "sub_area") var subArea: String
    @Field(key: "interviewed_on") var interviewedOn: Date
    @OptionalField(key: "age_group") var ageGroup: SurveyAgeGroup?
    @OptionalField(key: "gender") var gender: SurveyGender?
    @OptionalField(key: "household") var household: SurveyHousehold?
    @OptionalField(key: "tenure") var tenure: SurveyTenure?
    @OptionalField(key: "language") var language: InterviewLanguage?
    @Field(key: "is_group") var isGroup: Bool
    @OptionalField(key: "willingness") var willingness: Int?
    @Field(key: "skills") var skills: String
    @Field(key: "wants_invitation") var wantsInvitation: Bool

    init() {}

    init(surveyID: UUID, guideID: UUID, visitID: UUID, subArea: String, interviewedOn: Date) {
        self.id = UUID()
        self.$survey.id = surveyID
        self.$guide.id = guideID
        self.$visit.id = visitID
        self.subArea = subArea
        self.interviewedOn = interviewedOn
        self.isGroup = false
        self.skills = ""
        self.wantsInvitation = false
    }
}

/// One answer of an interview to one question. Closed answers keep the chosen options as text here and as
/// numbers in `survey_answer_choices`, where they are counted.
final class SurveyAnswer: Model, @unchecked Sendable {
    static let schema = "survey_answers"

    @ID(key: .id) var id: UUID?
    @Parent(key: "survey_id") var survey: Survey
    @Parent(key: "interview_id") var interview: SurveyInterview
    @Field(key: "question_key") var questionKey: UUID
    @Field(key: "text") var text: String
    @Field(key: "is_quote") var isQuote: Bool
    @Field(key: "is_coded") var isCoded: Bool

    init() {}

    init(surveyID: UUID, interviewID: UUID, questionKey: UUID, text: String) {
        self.id = UUID()
        self.$survey.id = surveyID
        self.$interview.id = interviewID
        self.questionKey = questionKey
        self.text = text
        self.isQuote = false
        self.isCoded = false
    }
}

/// A theme of the survey's codebook, mapped to a field of action of the ISEK.
final class SurveyTheme: Model, @unchecked Sendable {
    static let schema = "survey_themes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "survey_id") var survey: Survey
    @Field(key: "name") var name: String
    @OptionalParent(key: "field_of_action_id") var fieldOfAction: FieldOfAction?
    @Field(key: "position") var position: Int

    init() {}

    init(surveyID: UUID, name: String, fieldOfActionID: UUID?, position: Int) {
        self.id = UUID()
        self.$survey.id = surveyID
        self.name = name
        self.$fieldOfAction.id = fieldOfActionID
        self.position = position
    }
}

extension SurveyTheme: Auditable {
    static let auditType = "survey_theme"

    var auditSnapshot: [String: String] {
        var snapshot = ["survey": $survey.id.uuidString, "name": name]
        snapshot["field_of_action"] = $fieldOfAction.id?.uuidString
        return snapshot
    }
}

/// The consent-based contact record of somebody met in the survey who wants to be invited to the results or offers
/// to help: a person in the directory, linked to the survey, never to an interview. It carries only the day it was
/// recorded, no time, so that it cannot be matched to an interview by the minute.
final class SurveyContact: Model, @unchecked Sendable {
    static let schema = "survey_contacts"

    @ID(key: .id) var id: UUID?
    @Parent(key: "survey_id") var survey: Survey
    @Parent(key: "person_id") var person: Person
    @Field(key: "wants_invitation") var wantsInvitation: Bool
    @Field(key: "offers") var offers: String
    @Field(key: "recorded_on") var recordedOn: Date

    init() {}

    init(surveyID: UUID, personID: UUID, wantsInvitation: Bool, offers: String, recordedOn: Date) {
        self.id = UUID()
        self.$survey.id = surveyID
        self.$person.id = personID
        self.wantsInvitation = wantsInvitation
        self.offers = offers
        self.recordedOn = recordedOn
    }
}

extension SurveyContact: Auditable {
    static let auditType = "survey_contact"

    var auditSnapshot: [String: String] {
        ["survey": $survey.id.uuidString, "person": $person.id.uuidString, "wants_invitation": String(wantsInvitation), "offers": offers]
    }
}

/// An action group formed from the results around a theme; later it may continue as a committee or a project.
final class SurveyActionGroup: Model, @unchecked Sendable {
    static let schema = "survey_action_groups"

    @ID(key: .id) var id: UUID?
    @Parent(key: "survey_id") var survey: Survey
    @OptionalParent(key: "theme_id") var theme: SurveyTheme?
    @Field(key: "name") var name: String
    @Field(key: "goal") var goal: String
    @OptionalParent(key: "committee_id") var committee: Committee?
    @OptionalParent(key: "project_id") var project: Project?

    init() {}

    init(surveyID: UUID, themeID: UUID?, name: String, goal: String) {
        self.id = UUID()
        self.$survey.id = surveyID
        self.$theme.id = themeID
        self.name = name
        self.goal = goal
    }
}

extension SurveyActionGroup: Auditable {
    static let auditType = "survey_action_group"

    var auditSnapshot: [String: String] {
        var snapshot = ["survey": $survey.id.uuidString, "name": name, "goal": goal]
        snapshot["theme"] = $theme.id?.uuidString
        snapshot["committee"] = $committee.id?.uuidString
        snapshot["project"] = $project.id?.uuidString
        return snapshot
    }
}

final class SurveyActionGroupMember: Model, @unchecked Sendable {
    static let schema = "survey_action_group_members"

    @ID(key: .id) var id: UUID?
    @Parent(key: "group_id") var group: SurveyActionGroup
    @Parent(key: "contact_id") var contact: SurveyContact

    init() {}

    init(groupID: UUID, contactID: UUID) {
        self.id = UUID()
        self.$group.id = groupID
        self.$contact.id = contactID
    }
}

/// Tables without a model of their own, written and counted with SQL only: the chosen options of closed answers,
/// the themes coded on each answer, and each interview's set of themes with the interview's sub-area, age group and
/// tenure beside it, so that frequencies and cross-tables are one GROUP BY each.
enum SurveyTables {
    static let choices = "survey_answer_choices"
    static let answerThemes = "survey_answer_themes"
    static let interviewThemes = "survey_interview_themes"
}

struct CreateSurveys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Survey.schema)
            .id()
            .field("title", .string, .required)
            .field("area", .string, .required)
            .field("phase", .string, .required)
            .field("starts_on", .date)
            .field("ends_on", .date)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(SurveyPhaseNote.schema)
            .id()
            .field("survey_id", .uuid, .required, .references(Survey.schema, "id", onDelete: .cascade))
            .field("phase", .string, .required)
            .field("text", .string, .required)
            .unique(on: "survey_id", "phase")
            .create()
        try await database.schema(SurveyTeam.schema)
            .id()
            .field("survey_id", .uuid, .required, .references(Survey.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .create()
        try await database.schema(SurveyTeamMember.schema)
            .id()
            .field("team_id", .uuid, .required, .references(SurveyTeam.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .unique(on: "team_id", "user_id")
            .create()
        try await database.schema(SurveyGuide.schema)
            .id()
            .field("survey_id", .uuid, .required, .references(Survey.schema, "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("asks_demographics", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "survey_id", "version")
            .create()
        try await database.schema(SurveyQuestion.schema)
            .id()
            .field("guide_id", .uuid, .required, .references(SurveyGuide.schema, "id", onDelete: .cascade))
            .field("key", .uuid, .required)
            .field("position", .int, .required)
            .field("kind", .string, .required)
            .field("text", .string, .required)
            .field("options", .string, .required)
            .create()
        try await database.schema(SurveyAddress.schema)
            .id()
            .field("survey_id", .uuid, .required, .references(Survey.schema, "id", onDelete: .cascade))
            .field("street", .string, .required)
            .field("house_number", .string, .required)
            .field("entrance", .string, .required)
            .field("sub_area", .string, .required)
            .unique(on: "survey_id", "street", "house_number", "entrance")
            .create()
        try await database.schema(SurveyVisit.schema)
            .id()
            .field("survey_id", .uuid, .required, .references(Survey.schema, "id", onDelete: .cascade))
            .field("address_id", .uuid, .required, .references(SurveyAddress.schema, "id", onDelete: .cascade))
            .field("outcome", .string, .required)
            .field("visited_on", .date, .required)
            .field("interviewer_id", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("client_id", .uuid, .required)
            .unique(on: "client_id")
            .create()
        try await database.schema(SurveyInterview.schema)
            .id()
            .field("survey_id", .uuid, .required, .references(Survey.schema, "id", onDelete: .cascade))
            .field("guide_id", .uuid, .required, .references(SurveyGuide.schema, "id"))
            .field("visit_id", .uuid, .required, .references(SurveyVisit.schema, "id", onDelete: .cascade))
            .field("sub_area", .string, .required)
            .field("interviewed_on", .date, .required)
            .field("age_group", .string)
            .field("gender", .string)
            .field("household", .string)
            .field("tenure", .string)
            .field("language", .string)
            .field("is_group", .bool, .required)
            .field("willingness", .int)
            .field("skills", .string, .required)
            .field("wants_invitation", .bool, .required)
            .unique(on: "visit_id")
            .create()
        try await database.schema(SurveyAnswer.schema)
            .id()
            .field("survey_id", .uuid, .required, .references(Survey.schema, "id", onDelete: .cascade))
            .field("interview_id", .uuid, .required, .references(SurveyInterview.schema, "id", onDelete: .cascade))
            .field("question_key", .uuid, .required)
            .field("text", .string, .required)
            .field("is_quote", .bool, .required)
            .field("is_coded", .bool, .required)
            .create()
        try await database.schema(SurveyTheme.schema)
            .id()
            .field("survey_id", .uuid, .required, .references(Survey.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("field_of_action_id", .uuid, .references(FieldOfAction.schema, "id", onDelete: .setNull))
            .field("position", .int, .required)
            .create()
        try await database.schema(SurveyContact.schema)
            .id()
            .field("survey_id", .uuid, .required, .references(Survey.schema, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("wants_invitation", .bool, .required)
            .field("offers", .string, .required)
            .field("recorded_on", .date, .required)
            .unique(on: "survey_id", "person_id")
            .create()
        try await database.schema(SurveyActionGroup.schema)
            .id()
            .field("survey_id", .uuid, .required, .references(Survey.schema, "id", onDelete: .cascade))
            .field("theme_id", .uuid, .references(SurveyTheme.schema, "id", onDelete: .setNull))
            .field("name", .string, .required)
            .field("goal", .string, .required)
            .field("committee_id", .uuid, .references(Committee.schema, "id", onDelete: .setNull))
            .field("project_id", .uuid, .references(Project.schema, "id", onDelete: .setNull))
            .create()
        try await database.schema(SurveyActionGroupMember.schema)
            .id()
            .field("group_id", .uuid, .required, .references(SurveyActionGroup.schema, "id", onDelete: .cascade))
            .field("contact_id", .uuid, .required, .references(SurveyContact.schema, "id", onDelete: .cascade))
            .unique(on: "group_id", "contact_id")
            .create()
        try await database.schema(SurveyTables.choices)
            .field("survey_id", .uuid, .required, .references(Survey.schema, "id", onDelete: .cascade))
            .field("interview_id", .uuid, .required, .references(SurveyInterview.schema, "id", onDelete: .cascade))
            .field("question_key", .uuid, .required)
            .field("choice", .int, .required)
            .create()
        try await database.schema(SurveyTables.answerThemes)
            .field("answer_id", .uuid, .required, .references(SurveyAnswer.schema, "id", onDelete: .cascade))
            .field("theme_id", .uuid, .required, .references(SurveyTheme.schema, "id", onDelete: .cascade))
            .field("survey_id", .uuid, .required)
            .field("interview_id", .uuid, .required)
            .compositeIdentifier(over: "answer_id", "theme_id")
            .create()
        try await database.schema(SurveyTables.interviewThemes)
            .field("interview_id", .uuid, .required, .references(SurveyInterview.schema, "id", onDelete: .cascade))
            .field("theme_id", .uuid, .required, .references(SurveyTheme.schema, "id", onDelete: .cascade))
            .field("survey_id", .uuid, .required)
            .field("sub_area", .string, .required)
            .field("age_group", .string)
            .field("tenure", .string)
            .compositeIdentifier(over: "interview_id", "theme_id")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "survey_questions_guide").on(SurveyQuestion.schema).column("guide_id").column("position").run()
        try await sql.create(index: "survey_addresses_street").on(SurveyAddress.schema).column("survey_id").column("sub_area").column("street").run()
        try await sql.create(index: "survey_visits_address").on(SurveyVisit.schema).column("survey_id").column("address_id").column("outcome").run()
        try await sql.create(index: "survey_interviews_survey").on(SurveyInterview.schema).column("survey_id").column("sub_area").run()
        try await sql.create(index: "survey_answers_interview").on(SurveyAnswer.schema).column("interview_id").run()
        try await sql.create(index: "survey_answers_question").on(SurveyAnswer.schema).column("survey_id").column("question_key").column("is_coded").run()
        try await sql.create(index: "survey_choices_question").on(SurveyTables.choices).column("survey_id").column("question_key").column("choice").run()
        try await sql.create(index: "survey_choices_interview").on(SurveyTables.choices).column("interview_id").run()
        try await sql.create(index: "survey_answer_themes_theme").on(SurveyTables.answerThemes).column("theme_id").run()
        try await sql.create(index: "survey_answer_themes_interview").on(SurveyTables.answerThemes).column("interview_id").run()
        try await sql.create(index: "survey_interview_themes_survey").on(SurveyTables.interviewThemes).column("survey_id").column("theme_id").column("sub_area").run()
        try await sql.create(index: "survey_interview_themes_age").on(SurveyTables.interviewThemes).column("survey_id").column("theme_id").column("age_group").run()
        try await sql.create(index: "survey_interview_themes_tenure").on(SurveyTables.interviewThemes).column("survey_id").column("theme_id").column("tenure").run()
        try await sql.create(index: "survey_contacts_person").on(SurveyContact.schema).column("person_id").run()
        try await sql.create(index: "survey_group_members_contact").on(SurveyActionGroupMember.schema).column("contact_id").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [SurveyTables.interviewThemes, SurveyTables.answerThemes, SurveyTables.choices, SurveyActionGroupMember.schema,
                       SurveyActionGroup.schema, SurveyContact.schema, SurveyTheme.schema, SurveyAnswer.schema, SurveyInterview.schema,
                       SurveyVisit.schema, SurveyAddress.schema, SurveyQuestion.schema, SurveyGuide.schema, SurveyTeamMember.schema,
                       SurveyTeam.schema, SurveyPhaseNote.schema, Survey.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// Indexes for the lists that grow with the interviews: the interviews by date, the open answers of one question in
/// the coding page's order, and the marked quotes, so that none of them reads the whole answers table.
struct UpdateSurveysAddListIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "survey_interviews_date").on(SurveyInterview.schema).column("survey_id").column("interviewed_on").column("id").run()
        try await sql.create(index: "survey_answers_coding").on(SurveyAnswer.schema).column("survey_id").column("question_key").column("is_coded").column("id").run()
        try await sql.create(index: "survey_answers_quotes").on(SurveyAnswer.schema).column("survey_id").column("is_quote").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for name in ["survey_answers_quotes", "survey_answers_coding", "survey_interviews_date"] {
            try await sql.drop(index: name).run()
        }
    }
}

/// The results page counts interviews by each demographic column; with every such column in one index, each count
/// reads the index alone instead of looking up a hundred thousand rows.
struct UpdateSurveysAddResultIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "survey_interviews_figures").on(SurveyInterview.schema)
            .column("survey_id").column("sub_area").column("age_group").column("gender").column("household").column("tenure").column("language")
            .column("is_group").column("willingness").run()
        try await sql.create(index: "survey_visits_outcome").on(SurveyVisit.schema).column("survey_id").column("outcome").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "survey_visits_outcome").run()
        try await sql.drop(index: "survey_interviews_figures").run()
    }
}

/// The themes' counts and their three cross-tables come from one pass along a single index that holds survey, theme,
/// sub-area, age group and tenure; it replaces the three indexes that each served one cross-table.
struct UpdateSurveysThemeFiguresIndex: AsyncMigration {
    static let replaced = ["survey_interview_themes_survey", "survey_interview_themes_age", "survey_interview_themes_tenure"]

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "survey_interview_themes_figures").on(SurveyTables.interviewThemes)
            .column("survey_id").column("theme_id").column("sub_area").column("age_group").column("tenure").run()
        for name in Self.replaced { try await sql.drop(index: name).run() }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "survey_interview_themes_survey").on(SurveyTables.interviewThemes).column("survey_id").column("theme_id").column("sub_area").run()
        try await sql.create(index: "survey_interview_themes_age").on(SurveyTables.interviewThemes).column("survey_id").column("theme_id").column("age_group").run()
        try await sql.create(index: "survey_interview_themes_tenure").on(SurveyTables.interviewThemes).column("survey_id").column("theme_id").column("tenure").run()
        try await sql.drop(index: "survey_interview_themes_figures").run()
    }
}

struct UpdateSurveysAddResultsVersion: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Survey.schema).field("results_version", .int, .required, .sql(.default(0))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Survey.schema).deleteField("results_version").update()
    }
}
