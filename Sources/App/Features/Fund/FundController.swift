import Fluent
import QuartierCore
import Vapor

/// Staff side of the fund: the funds of the years with their rules and balance, and each application's way from
/// the pre-check through the decision (staff up to the threshold, the jury in a meeting above it) to payout,
/// proof of use and its review.
struct FundController: RouteCollection {
    static let perPage = 50
    /// The largest receipt or photo of a proof of use.
    static let maximumProofFile = 8 * 1024 * 1024

    struct TermsForm: Content {
        var year: String?
        var budget: String?
        var maximum: String?
        var staffLimit: String?
    }

    struct FundRow: Encodable {
        let year: Int
        let budget: String
        let url: String
    }

    struct IndexContent: Encodable {
        let rows: [FundRow]
        let pagination: PaginationContext
        let form: TermsForm
        let errors: [String]
        let actionURL: String
    }

    struct ApplicationRow: Encodable {
        let title: String
        let applicant: String
        let requested: String
        let approved: String?
        let state: String
        let decider: String
        let url: String
    }

    struct FundContent: Encodable {
        let facts: PublicFundController.FundFacts
        let form: TermsForm
        let errors: [String]
        let actionURL: String
        let rows: [ApplicationRow]
        let states: [SelectOption]
        let pagination: PaginationContext
        let filterURL: String
        let publicURL: String
    }

    @Sendable
    static func parseTerms(_ form: TermsForm, errors: inout [String], req: Request) -> (year: Int, terms: FundTerms)? {
        let year = Int((form.year ?? "").trimmingCharacters(in: .whitespaces))
        if year == nil || !(2000...2100).contains(year!) { errors.append(req.t("fund.error.year")) }
        let budget = Money.parseCents(form.budget ?? "")
        let maximum = Money.parseCents(form.maximum ?? "")
        let limit = Money.parseCents(form.staffLimit ?? "")
        if budget == nil || maximum == nil || limit == nil { errors.append(req.t("fund.error.amounts")) }
        guard let year, let budget, let maximum, let limit, errors.isEmpty else { return nil }
        let terms = FundTerms(budgetCents: budget, maximumPerApplicationCents: maximum, staffLimitCents: limit)
        errors += terms.problems.map { req.t("fund.error.terms.\($0.rawValue)") }
        return errors.isEmpty ? (year, terms) : nil
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.funds, use: index)
        staff.post(.funds, use: create)
        staff.get(.fund(id: ":id"), use: show)
        staff.post(.fund(id: ":id"), use: update)
        staff.get(.fundApplication(id: ":id"), use: application)
        staff.post(.fundPrecheck(id: ":id"), use: precheck)
        staff.post(.fundDecision(id: ":id"), use: decision)
        staff.post(.fundJury(id: ":id"), use: jury)
        staff.post(.fundPayout(id: ":id"), use: payout)
        staff.on(.POST, SiteURL.fundProof(id: ":id").pathComponents, body: .collect(maxSize: Uploads.maximumBody), use: proof)
        staff.post(.fundReview(id: ":id"), use: review)
        staff.get(.fundFile(id: ":id"), use: file)
    }

    // MARK: Funds

    @Sendable
    func index(req: Request) async throws -> Response {
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        return try await indexPage(req, form: TermsForm(year: String(berlin.component(.year, from: Date())), budget: "", maximum: "", staffLimit: ""),
                                   errors: [], status: .ok)
    }

    private func indexPage(_ req: Request, form: TermsForm, errors: [String], status: HTTPStatus) async throws -> Response {
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await Fund.query(on: req.db).count())
        let funds = try await Fund.query(on: req.db).sort(\.$year, .descending).range(window.offset..<(window.offset + window.perPage)).all()
        let content = IndexContent(
            rows: try funds.map { FundRow(year: $0.year, budget: Money.format(cents: $0.budgetCents), url: SiteURL.fund(id: try $0.requireID().uuidString).path) },
            pagination: PaginationContext(window, baseURL: SiteURL.funds.path, req: req), form: form, errors: errors, actionURL: SiteURL.funds.path
        )
        return try await req.renderPage("fund/index", title: req.t("fund.title"), content, status: status, withForms: true)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(TermsForm.self)
        var errors: [String] = []
        let parsed = Self.parseTerms(form, errors: &errors, req: req)
        if let parsed, try await Fund.query(on: req.db).filter(\.$year == parsed.year).first() != nil {
            errors.append(req.t("fund.error.year_taken", String(parsed.year)))
        }
        guard errors.isEmpty, let parsed else { return try await indexPage(req, form: form, errors: errors, status: .badRequest) }
        let fund = Fund(year: parsed.year, terms: parsed.terms)
        try await fund.create(on: req.db)
        try await req.audit(.create, fund, before: nil)
        req.flash("fund.created", String(parsed.year))
        return req.redirect(to: SiteURL.fund(id: try fund.requireID().uuidString).path)
    }

    static func findFund(_ req: Request) async throws -> Fund {
        guard let id = req.parameters.get("id", as: UUID.self), let fund = try await Fund.find(id, on: req.db) else { throw Abort(.notFound) }
        return fund
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let fund = try await Self.findFund(req)
        return try await fundPage(req, fund: fund, form: Self.termsForm(fund), errors: [], status: .ok)
    }

    static func termsForm(_ fund: Fund) -> TermsForm {
        TermsForm(year: String(fund.year), budget: Money.formatNumber(cents: fund.budgetCents),
                  maximum: Money.formatNumber(cents: fund.maximumPerApplicationCents), staffLimit: Money.formatNumber(cents: fund.staffLimitCents))
    }

    private func fundPage(_ req: Request, fund: Fund, form: TermsForm, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try fund.requireID()
        let state = (try? req.query.get(String.self, at: "status")).flatMap(FundApplicationState.init(rawValue:))
        let base = {
            let query = FundApplication.query(on: req.db).filter(\.$fund.$id == id)
            if let state { query.filter(\.$state == state) }
            return query
        }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await base().count())
        let rows = try await base().sort(\.$createdAt, .descending).sort(\.$id).range(window.offset..<(window.offset + window.perPage)).all()
        let content = FundContent(
            facts: try await PublicFundController.facts(fund, req), form: form, errors: errors, actionURL: SiteURL.fund(id: id.uuidString).path,
            rows: try rows.map { row in
                ApplicationRow(title: row.title, applicant: row.groupName.isEmpty ? row.applicantName : "\(row.applicantName) (\(row.groupName))",
                               requested: Money.format(cents: row.requestedCents), approved: row.approvedCents.map { Money.format(cents: $0) },
                               state: req.t("fund.state.\(row.state.rawValue)"),
                               decider: req.t("fund.decider.\((row.decidedBy ?? fund.terms.decider(for: row.requestedCents)).rawValue)"),
                               url: SiteURL.fundApplication(id: try row.requireID().uuidString).path)
            },
            states: [SelectOption(value: "", label: req.t("fund.all_states"), selected: state == nil)]
                + FundApplicationState.allCases.map { SelectOption(value: $0.rawValue, label: req.t("fund.state.\($0.rawValue)"), selected: $0 == state) },
            pagination: PaginationContext(window, baseURL: SiteURL.fund(id: id.uuidString).path, req: req, query: state.map { ["status": $0.rawValue] } ?? [:]),
            filterURL: SiteURL.fund(id: id.uuidString).path, publicURL: SiteURL.publicFund.path
        )
        return try await req.renderPage("fund/fund", title: req.t("fund.fund_title", String(fund.year)), content, status: status, withForms: true)
    }

    /// Changes the fund's rules; under the fund's lock, so that the budget never falls below what is committed and paid.
    @Sendable
    func update(req: Request) async throws -> Response {
        let fund = try await Self.findFund(req)
        var form = try req.content.decode(TermsForm.self)
        form.year = String(fund.year)
        var errors: [String] = []
        guard let parsed = Self.parseTerms(form, errors: &errors, req: req) else {
            return try await fundPage(req, fund: fund, form: form, errors: errors, status: .badRequest)
        }
        let id = try fund.requireID()
        let saved = try await FundDesk.serialized(id, on: req.db) { database -> Bool in
            guard let locked = try await Fund.find(id, on: database) else { throw Abort(.notFound) }
            let balance = try await FundDesk.balance(locked, on: database)
            guard balance.allowsBudget(parsed.terms.budgetCents) else { return false }
            let before = locked.auditSnapshot
            locked.budgetCents = parsed.terms.budgetCents
            locked.maximumPerApplicationCents = parsed.terms.maximumPerApplicationCents
            locked.staffLimitCents = parsed.terms.staffLimitCents
            try await locked.save(on: database)
            try await req.audit(.update, locked, before: before, on: database)
            return true
        }
        guard saved else {
            return try await fundPage(req, fund: fund, form: form, errors: [req.t("fund.error.budget_below_bound")], status: .conflict)
        }
        req.flash("fund.saved")
        return req.redirect(to: SiteURL.fund(id: id.uuidString).path)
    }

    // MARK: One application

    struct FileRow: Encodable {
        let name: String
        let kind: String
        let size: String
        let href: String
    }

    struct LineRow: Encodable {
        let label: String
        let amount: String
    }

    struct MeetingOption: Encodable {
        let value: String
        let label: String
    }

    struct ApplicationContent: Encodable {
        let id: String
        let fundURL: String
        let fundYear: Int
        let state: String
        let stateKey: String
        let applicantName: String
        let groupName: String
        let email: String
        let phone: String
        let title: String
        let aim: String
        let targetGroup: String
        let partners: String
        let requested: String
        let requestedNumber: String
        let costs: [LineRow]
        let incomes: [LineRow]
        let costTotal: String
        let incomeTotal: String
        let publicConsent: Bool
        let precheckNote: String
        let decider: String?
        let mustGoToJury: Bool
        let staffLimit: String
        let approved: String?
        let approvedNumber: String
        let reason: String
        let juryItemURL: String?
        let juryItemTitle: String?
        let paid: String?
        let paidNumber: String
        let report: String
        let reviewNote: String
        let reclaimed: String?
        let files: [FileRow]
        let meetings: [MeetingOption]
        let balance: PublicFundController.FundFacts
        let errors: [String]
        let can: Actions
        let urls: [String: String]
        let maximumProofFile: Int
        let proofTypes: String
    }

    struct Actions: Encodable {
        let precheck: Bool
        let decide: Bool
        let payout: Bool
        let proof: Bool
        let review: Bool
    }

    static func findApplication(_ req: Request) async throws -> FundApplication {
        guard let id = req.parameters.get("id", as: UUID.self), let application = try await FundApplication.find(id, on: req.db) else {
            throw Abort(.notFound)
        }
        return application
    }

    @Sendable
    func application(req: Request) async throws -> Response {
        try await applicationPage(req, try await Self.findApplication(req), errors: [], status: .ok)
    }

    private func applicationPage(_ req: Request, _ application: FundApplication, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try application.requireID()
        guard let fund = try await Fund.find(application.$fund.id, on: req.db) else { throw Abort(.notFound) }
        let lines = try await FundLine.query(on: req.db).filter(\.$application.$id == id).sort(\.$position).all()
        let files = try await FundFile.query(on: req.db).filter(\.$application.$id == id).sort(\.$createdAt).limit(200).all()
        let juries = try await Committee.query(on: req.db).filter(\.$kind == .jury).all().compactMap(\.id)
        let meetings = juries.isEmpty ? [] : try await Meeting.query(on: req.db).filter(\.$committee.$id ~~ juries).with(\.$committee)
            .sort(\.$startsAt, .descending).limit(30).all()
        let item = try await application.$agendaItem.get(on: req.db)
        let costs = lines.filter { $0.kind == .cost }
        let incomes = lines.filter { $0.kind == .income }
        let state = application.state
        let content = ApplicationContent(
            id: id.uuidString, fundURL: SiteURL.fund(id: fund.id!.uuidString).path, fundYear: fund.year,
            state: req.t("fund.state.\(state.rawValue)"), stateKey: state.rawValue,
            applicantName: application.applicantName, groupName: application.groupName, email: application.email, phone: application.phone,
            title: application.title, aim: application.aim, targetGroup: application.targetGroup, partners: application.partners,
            requested: Money.format(cents: application.requestedCents), requestedNumber: Money.formatNumber(cents: application.requestedCents),
            costs: costs.map { LineRow(label: $0.label, amount: Money.format(cents: $0.cents)) },
            incomes: incomes.map { LineRow(label: $0.label, amount: Money.format(cents: $0.cents)) },
            costTotal: Money.format(cents: costs.reduce(0) { $0 + $1.cents }), incomeTotal: Money.format(cents: incomes.reduce(0) { $0 + $1.cents }),
            publicConsent: application.publicConsent, precheckNote: application.precheckNote,
            decider: application.decidedBy.map { req.t("fund.decider.\($0.rawValue)") },
            mustGoToJury: fund.terms.decider(for: application.requestedCents) == .jury, staffLimit: Money.format(cents: fund.staffLimitCents),
            approved: application.approvedCents.map { Money.format(cents: $0) },
            approvedNumber: Money.formatNumber(cents: application.approvedCents ?? application.requestedCents),
            reason: application.decisionReason,
            juryItemURL: item.map { SiteURL.meeting(id: $0.$meeting.id.uuidString).path },
            juryItemTitle: item.map { "TOP \($0.position): \($0.title)" },
            paid: application.paidCents.map { Money.format(cents: $0) }, paidNumber: Money.formatNumber(cents: application.paidCents ?? application.approvedCents ?? 0),
            report: application.report, reviewNote: application.reviewNote, reclaimed: application.reclaimedCents.map { Money.format(cents: $0) },
            files: try files.map { FileRow(name: $0.filename, kind: req.t("fund.file_kind.\($0.kind.rawValue)"), size: FileLink.size($0.size, req.language),
                                           href: SiteURL.fundFile(id: try $0.requireID().uuidString).path) },
            meetings: try meetings.map { MeetingOption(value: try $0.requireID().uuidString,
                                                       label: "\($0.committee.name) – \(BerlinTime.dateTime($0.startsAt, req.language))") },
            balance: try await PublicFundController.facts(fund, req), errors: errors,
            can: Actions(precheck: state == .submitted, decide: state == .prechecked, payout: state == .approved,
                         proof: state == .paid || state == .proofSubmitted, review: state == .proofSubmitted),
            urls: ["precheck": SiteURL.fundPrecheck(id: id.uuidString).path, "decision": SiteURL.fundDecision(id: id.uuidString).path,
                   "jury": SiteURL.fundJury(id: id.uuidString).path, "payout": SiteURL.fundPayout(id: id.uuidString).path,
                   "proof": SiteURL.fundProof(id: id.uuidString).path, "review": SiteURL.fundReview(id: id.uuidString).path],
            maximumProofFile: Self.maximumProofFile / 1024 / 1024,
            proofTypes: DocumentType.acceptedExtensions + "," + ImageType.acceptedExtensions
        )
        return try await req.renderPage("fund/application", title: req.t("fund.application.title", application.title), content, status: status, withForms: true)
    }

    /// Runs a step; a `UserError` from the rules shows on the application's page with the form's other messages.
    private func step(_ req: Request, _ application: FundApplication, flash: String,
                      _ work: () async throws -> Void) async throws -> Response {
        do {
            try await work()
        } catch let error as UserError {
            return try await applicationPage(req, try await FundApplication.find(application.requireID(), on: req.db) ?? application,
                                             errors: [req.application.catalog.text(error.messageKey, req.language, error.arguments)], status: error.status)
        }
        req.flash(flash, application.title)
        return req.redirect(to: SiteURL.fundApplication(id: try application.requireID().uuidString).path)
    }

    private static func text(_ form: [String: String], _ key: String) -> String {
        (form[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Sendable
    func precheck(req: Request) async throws -> Response {
        let application = try await Self.findApplication(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let note = Self.text(form, "note")
        return try await step(req, application, flash: "fund.prechecked") {
            guard note.count <= FundRules.maximumText else { throw UserError(.badRequest, "texts.error.long") }
            _ = try await FundDesk.advance(try application.requireID(), to: .prechecked, req: req) { $0.precheckNote = note }
        }
    }

    /// Reads a decision's outcome: approve with an amount, or reject with a reason.
    private static func outcome(_ form: [String: String]) throws -> FundDesk.Outcome {
        switch text(form, "outcome") {
        case "approve":
            guard let cents = Money.parseCents(text(form, "amount")) else { throw UserError(.badRequest, "fund.error.amount") }
            return .approve(cents: cents)
        case "reject":
            let reason = text(form, "reason")
            guard !reason.isEmpty, reason.count <= FundRules.maximumText else { throw UserError(.badRequest, "fund.error.reason") }
            return .reject(reason: reason)
        default:
            throw UserError(.badRequest, "fund.error.outcome")
        }
    }

    /// Staff decide alone, up to the fund's threshold.
    @Sendable
    func decision(req: Request) async throws -> Response {
        let application = try await Self.findApplication(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        return try await step(req, application, flash: "fund.decided") {
            _ = try await FundDesk.decide(try application.requireID(), try Self.outcome(form), by: .staff, req: req)
        }
    }

    /// The jury decided in a meeting: the decision becomes an agenda item of that meeting with its votes, and the
    /// votes give the result — adopted approves the amount, otherwise the application is rejected with the reason.
    @Sendable
    func jury(req: Request) async throws -> Response {
        let application = try await Self.findApplication(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        return try await step(req, application, flash: "fund.decided") {
            guard let meetingID = UUID(uuidString: Self.text(form, "meeting")), let meeting = try await Meeting.find(meetingID, on: req.db),
                  let committee = try await Committee.find(meeting.$committee.id, on: req.db), committee.kind == .jury
            else { throw UserError(.badRequest, "fund.error.meeting") }
            guard let yes = Int(Self.text(form, "yes")), let no = Int(Self.text(form, "no")), let abstain = Int(Self.text(form, "abstain")) else {
                throw UserError(.badRequest, "fund.error.votes")
            }
            let votes = VoteCount(yes: yes, no: no, abstain: abstain)
            guard votes.isValid, votes.total > 0 else { throw UserError(.badRequest, "fund.error.votes") }
            let outcome: FundDesk.Outcome
            if votes.isAdopted {
                guard let cents = Money.parseCents(Self.text(form, "amount")) else { throw UserError(.badRequest, "fund.error.amount") }
                outcome = .approve(cents: cents)
            } else {
                let reason = Self.text(form, "reason")
                guard !reason.isEmpty, reason.count <= FundRules.maximumText else { throw UserError(.badRequest, "fund.error.reason") }
                outcome = .reject(reason: reason)
            }
            _ = try await FundDesk.decide(try application.requireID(), outcome, by: .jury, jury: .init(meetingID: meetingID, votes: votes), req: req)
        }
    }

    @Sendable
    func payout(req: Request) async throws -> Response {
        let application = try await Self.findApplication(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        return try await step(req, application, flash: "fund.paid") {
            guard let cents = Money.parseCents(Self.text(form, "amount")), cents > 0 else { throw UserError(.badRequest, "fund.error.amount") }
            _ = try await FundDesk.advance(try application.requireID(), to: .paid, req: req) { locked in
                guard cents <= (locked.approvedCents ?? 0) else { throw UserError(.badRequest, "fund.error.payout_above_approved") }
                locked.paidCents = cents
                locked.paidAt = Date()
            }
        }
    }

    struct ProofForm: Content {
        var report: String?
        var kind: String?
        var file: File?
    }

    /// The proof of use: a short report, and receipts and photos one at a time.
    @Sendable
    func proof(req: Request) async throws -> Response {
        let application = try await Self.findApplication(req)
        let input = (try? req.content.decode(ProofForm.self)) ?? ProofForm()
        let report = (input.report ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String] = []
        let kind = FundFile.Kind(rawValue: input.kind ?? "") ?? .receipt
        let accepted = PublicFundController.acceptFile(input.file, maximum: Self.maximumProofFile, imagesOnly: kind == .photo, errors: &errors, req: req)
        if report.isEmpty && application.report.isEmpty { errors.append(req.t("fund.error.report")) }
        if report.count > FundRules.maximumText { errors.append(req.t("texts.error.long")) }
        guard errors.isEmpty else { return try await applicationPage(req, application, errors: errors, status: .badRequest) }
        return try await step(req, application, flash: "fund.proof_saved") {
            let id = try application.requireID()
            _ = try await FundDesk.advance(id, to: .proofSubmitted, req: req) { locked in
                if !report.isEmpty { locked.report = report }
            }
            if let accepted {
                try await req.db.transaction { database in
                    let file = FundFile(applicationID: id, kind: kind == .attachment ? .receipt : kind, filename: accepted.name, mimeType: accepted.mime,
                                        size: accepted.bytes.count)
                    try await file.create(on: database)
                    try await FileContent(id: try file.requireID(), data: Data(accepted.bytes)).create(on: database)
                }
            }
        }
    }

    /// The proof of use is checked: closed, or money is claimed back.
    @Sendable
    func review(req: Request) async throws -> Response {
        let application = try await Self.findApplication(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let note = Self.text(form, "note")
        return try await step(req, application, flash: "fund.reviewed") {
            guard note.count <= FundRules.maximumText else { throw UserError(.badRequest, "texts.error.long") }
            switch Self.text(form, "outcome") {
            case "closed":
                _ = try await FundDesk.advance(try application.requireID(), to: .closed, req: req) { $0.reviewNote = note }
            case "reclaimed":
                guard let cents = Money.parseCents(Self.text(form, "amount")), cents > 0 else { throw UserError(.badRequest, "fund.error.amount") }
                guard !note.isEmpty else { throw UserError(.badRequest, "fund.error.reason") }
                _ = try await FundDesk.advance(try application.requireID(), to: .reclaimed, req: req) { locked in
                    guard cents <= (locked.paidCents ?? 0) else { throw UserError(.badRequest, "fund.error.reclaim_above_paid") }
                    locked.reclaimedCents = cents
                    locked.reviewNote = note
                }
            default:
                throw UserError(.badRequest, "fund.error.outcome")
            }
        }
    }

    @Sendable
    func file(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let file = try await FundFile.find(id, on: req.db),
              let content = try await FileContent.find(id, on: req.db) else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: file.mimeType)
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        let encoded = file.filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "datei"
        let ascii = String(file.filename.unicodeScalars.map { $0.isASCII ? Character($0) : "_" })
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)")
        return Response(status: .ok, headers: headers, body: .init(data: content.data))
    }
}
