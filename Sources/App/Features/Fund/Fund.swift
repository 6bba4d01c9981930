import Fluent
import SQLKit
import QuartierCore
import Vapor

/// The neighbourhood fund (Verfügungsfonds) of one year: its budget and rules. Money in integer cents.
final class Fund: Model, @unchecked Sendable {
    static let schema = "funds"

    @ID(key: .id) var id: UUID?
    @Field(key: "year") var year: Int
    @Field(key: "budget_cents") var budgetCents: Int
    @Field(key: "maximum_cents") var maximumPerApplicationCents: Int
    @Field(key: "staff_limit_cents") var staffLimitCents: Int
    /// Raised by every approval inside its transaction, so that concurrent approvals queue up on this row and
    /// the fund can never be overdrawn.
    @Field(key: "lock_version") var lockVersion: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(year: Int, terms: FundTerms) {
        self.id = UUID()
        self.year = year
        self.budgetCents = terms.budgetCents
        self.maximumPerApplicationCents = terms.maximumPerApplicationCents
        self.staffLimitCents = terms.staffLimitCents
        self.lockVersion = 0
    }

    var terms: FundTerms {
        FundTerms(budgetCents: budgetCents, maximumPerApplicationCents: maximumPerApplicationCents, staffLimitCents: staffLimitCents)
    }
}

extension Fund: Auditable {
    static let auditType = "fund"

    var auditSnapshot: [String: String] {
        ["year": String(year), "budget_cents": String(budgetCents), "maximum_cents": String(maximumPerApplicationCents),
         "staff_limit_cents": String(staffLimitCents)]
    }
}

/// An application to the fund by a resident or a group, without an account; the token is her personal link.
final class FundApplication: Model, @unchecked Sendable {
    static let schema = "fund_applications"

    typealias State = FundApplicationState

    @ID(key: .id) var id: UUID?
    @Parent(key: "fund_id") var fund: Fund
    @Enum(key: "state") var state: State
    @Field(key: "token") var token: String
    // The applicant.
    @Field(key: "applicant_name") var applicantName: String
    /// The group or initiative she applies for; empty for a person on her own.
    @Field(key: "group_name") var groupName: String
    @Field(key: "email") var email: String
    @Field(key: "phone") var phone: String
    @Field(key: "locale") var locale: String
    // The project.
    @Field(key: "title") var title: String
    @Field(key: "aim") var aim: String
    @Field(key: "target_group") var targetGroup: String
    @Field(key: "partners") var partners: String
    @Field(key: "requested_cents") var requestedCents: Int
    /// The applicant agreed that a funded project is shown on the public list (title, aim, group, amount).
    @Field(key: "public_consent") var publicConsent: Bool
    // The way through the office.
    @Field(key: "precheck_note") var precheckNote: String
    @OptionalEnum(key: "decided_by") var decidedBy: FundDecider?
    @OptionalParent(key: "agenda_item_id") var agendaItem: AgendaItem?
    @OptionalField(key: "approved_cents") var approvedCents: Int?
    @Field(key: "decision_reason") var decisionReason: String
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "paid_cents") var paidCents: Int?
    @OptionalField(key: "paid_at") var paidAt: Date?
    @Field(key: "report") var report: String
    @Field(key: "review_note") var reviewNote: String
    @OptionalField(key: "reclaimed_cents") var reclaimedCents: Int?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(fundID: UUID, applicantName: String, groupName: String, email: String, phone: String, locale: Language,
         title: String, aim: String, targetGroup: String, partners: String, requestedCents: Int, publicConsent: Bool) {
        self.id = UUID()
        self.$fund.id = fundID
        self.state = .submitted
        self.token = Registration.newToken()
        self.applicantName = applicantName
        self.groupName = groupName
        self.email = email
        self.phone = phone
        self.locale = locale.rawValue
        self.title = title
        self.aim = aim
        self.targetGroup = targetGroup
        self.partners = partners
        self.requestedCents = requestedCents
        self.publicConsent = publicConsent
        self.precheckNote = ""
        self.decisionReason = ""
        self.report = ""
        self.reviewNote = ""
    }

    var readerLanguage: Language { Language(rawValue: locale) ?? .de }
}

extension FundApplication: Auditable {
    static let auditType = "fund_application"

    var auditSnapshot: [String: String] {
        var snapshot = ["state": state.rawValue, "applicant": applicantName, "group": groupName, "title": title,
                        "requested_cents": String(requestedCents), "public_consent": String(publicConsent), "precheck_note": precheckNote,
                        "decision_reason": decisionReason, "report": report, "review_note": reviewNote]
        snapshot["decided_by"] = decidedBy?.rawValue
        snapshot["approved_cents"] = approvedCents.map(String.init)
        snapshot["paid_cents"] = paidCents.map(String.init)
        snapshot["reclaimed_cents"] = reclaimedCents.map(String.init)
        snapshot["agenda_item"] = $agendaItem.id?.uuidString
        return snapshot
    }
}

/// One line of an application's financing plan.
final class FundLine: Model, @unchecked Sendable {
    static let schema = "fund_lines"

    @ID(key: .id) var id: UUID?
    @Parent(key: "application_id") var application: FundApplication
    @Enum(key: "kind") var kind: FinancingLine.Kind
    @Field(key: "position") var position: Int
    @Field(key: "label") var label: String
    @Field(key: "cents") var cents: Int

    init() {}

    init(applicationID: UUID, line: FinancingLine, position: Int) {
        self.id = UUID()
        self.$application.id = applicationID
        self.kind = line.kind
        self.position = position
        self.label = line.label
        self.cents = line.cents
    }
}

/// A file of an application: an attachment to the form, or a receipt or photo of the proof of use. The bytes are
/// in `FileContent` under the same id.
final class FundFile: Model, @unchecked Sendable {
    static let schema = "fund_files"

    enum Kind: String, Codable, CaseIterable, Sendable {
        case attachment, receipt, photo
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "application_id") var application: FundApplication
    @Enum(key: "kind") var kind: Kind
    @Field(key: "filename") var filename: String
    @Field(key: "mime_type") var mimeType: String
    @Field(key: "size") var size: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(applicationID: UUID, kind: Kind, filename: String, mimeType: String, size: Int) {
        self.id = UUID()
        self.$application.id = applicationID
        self.kind = kind
        self.filename = filename
        self.mimeType = mimeType
        self.size = size
    }
}

struct CreateFund: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Fund.schema)
            .id()
            .field("year", .int, .required)
            .field("budget_cents", .int, .required)
            .field("maximum_cents", .int, .required)
            .field("staff_limit_cents", .int, .required)
            .field("lock_version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "year")
            .create()
        let state = try await FundApplicationState.allCases.reduce(database.enum("fund_application_state")) { $0.case($1.rawValue) }.create()
        let decider = try await FundDecider.allCases.reduce(database.enum("fund_decider")) { $0.case($1.rawValue) }.create()
        try await database.schema(FundApplication.schema)
            .id()
            .field("fund_id", .uuid, .required, .references(Fund.schema, "id", onDelete: .restrict))
            .field("state", state, .required)
            .field("token", .string, .required)
            .field("applicant_name", .string, .required)
            .field("group_name", .string, .required)
            .field("email", .string, .required)
            .field("phone", .string, .required)
            .field("locale", .string, .required)
            .field("title", .string, .required)
            .field("aim", .string, .required)
            .field("target_group", .string, .required)
            .field("partners", .string, .required)
            .field("requested_cents", .int, .required)
            .field("public_consent", .bool, .required)
            .field("precheck_note", .string, .required)
            .field("decided_by", decider)
            .field("agenda_item_id", .uuid, .references(AgendaItem.schema, "id", onDelete: .setNull))
            .field("approved_cents", .int)
            .field("decision_reason", .string, .required)
            .field("decided_at", .datetime)
            .field("paid_cents", .int)
            .field("paid_at", .datetime)
            .field("report", .string, .required)
            .field("review_note", .string, .required)
            .field("reclaimed_cents", .int)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "token")
            .create()
        let kind = try await FinancingLine.Kind.allCases.reduce(database.enum("fund_line_kind")) { $0.case($1.rawValue) }.create()
        try await database.schema(FundLine.schema)
            .id()
            .field("application_id", .uuid, .required, .references(FundApplication.schema, "id", onDelete: .cascade))
            .field("kind", kind, .required)
            .field("position", .int, .required)
            .field("label", .string, .required)
            .field("cents", .int, .required)
            .create()
        let fileKind = try await FundFile.Kind.allCases.reduce(database.enum("fund_file_kind")) { $0.case($1.rawValue) }.create()
        try await database.schema(FundFile.schema)
            .id()
            .field("application_id", .uuid, .required, .references(FundApplication.schema, "id", onDelete: .cascade))
            .field("kind", fileKind, .required)
            .field("filename", .string, .required)
            .field("mime_type", .string, .required)
            .field("size", .int, .required)
            .field("created_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.raw("CREATE INDEX fund_applications_fund_state ON fund_applications (fund_id, state)").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FundFile.schema).delete()
        try await database.schema(FundLine.schema).delete()
        try await database.schema(FundApplication.schema).delete()
        try await database.schema(Fund.schema).delete()
        for name in ["fund_file_kind", "fund_line_kind", "fund_decider", "fund_application_state"] { try await database.enum(name).delete() }
    }
}
