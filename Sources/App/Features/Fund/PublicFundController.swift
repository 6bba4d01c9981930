import Fluent
import QuartierCore
import Vapor

/// The fund for residents: what it is and how much is left, the projects it funded (with the applicants'
/// consent), the application form without an account, and the applicant's own page behind her personal link.
struct PublicFundController: RouteCollection {
    static let perPage = 20
    static let costLines = 6
    static let incomeLines = 3
    /// The largest attachment a resident may send with the form: a cost estimate or a sketch, not a film.
    static let maximumAttachment = 5 * 1024 * 1024

    struct ApplicationForm: Content {
        var applicantName: String?
        var groupName: String?
        var email: String?
        var phone: String?
        var title: String?
        var aim: String?
        var targetGroup: String?
        var partners: String?
        var cost1Label: String?, cost1Amount: String?, cost2Label: String?, cost2Amount: String?, cost3Label: String?, cost3Amount: String?
        var cost4Label: String?, cost4Amount: String?, cost5Label: String?, cost5Amount: String?, cost6Label: String?, cost6Amount: String?
        var income1Label: String?, income1Amount: String?, income2Label: String?, income2Amount: String?, income3Label: String?, income3Amount: String?
        var publicConsent: String?
        var consent: String?
        var website: String?

        func line(_ kind: FinancingLine.Kind, _ number: Int) -> (label: String, amount: String) {
            let pairs: [String: (String?, String?)] = [
                "cost1": (cost1Label, cost1Amount), "cost2": (cost2Label, cost2Amount), "cost3": (cost3Label, cost3Amount),
                "cost4": (cost4Label, cost4Amount), "cost5": (cost5Label, cost5Amount), "cost6": (cost6Label, cost6Amount),
                "income1": (income1Label, income1Amount), "income2": (income2Label, income2Amount), "income3": (income3Label, income3Amount),
            ]
            let pair = pairs["\(kind.rawValue)\(number)"] ?? (nil, nil)
            return ((pair.0 ?? "").trimmingCharacters(in: .whitespacesAndNewlines), (pair.1 ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// The attachment comes only with a multipart form; a plain form's empty "file" field is no file.
    struct Attachment: Content {
        var file: File?
    }

    struct LineView: Encodable {
        let kind: String
        let number: Int
        let label: String
        let amount: String
    }

    struct FormView: Encodable {
        var applicantName = "", groupName = "", email = "", phone = "", title = "", aim = "", targetGroup = "", partners = ""
        var costs: [LineView] = []
        var incomes: [LineView] = []
        var publicConsent = false
        var consent = false
    }

    struct FundFacts: Encodable {
        let year: Int
        let budget: String
        let committed: String
        let paid: String
        let remaining: String
        let maximum: String
        let staffLimit: String
    }

    struct FundedRow: Encodable {
        let title: String
        let aim: String
        let by: String
        let amount: String
        let year: Int
        let state: String
    }

    struct IndexContent: Encodable {
        let fund: FundFacts?
        let applyURL: String
        let rows: [FundedRow]
        let pagination: PaginationContext
    }

    struct FormContent: Encodable {
        let fund: FundFacts
        let form: FormView
        let errors: [String]
        let actionURL: String
        let attachmentTypes: String
        let maximumAttachment: Int
    }

    struct LineRow: Encodable {
        let label: String
        let amount: String
    }

    struct StatusContent: Encodable {
        let title: String
        let state: String
        let requested: String
        let approved: String?
        let reason: String?
        let costs: [LineRow]
        let incomes: [LineRow]
        let isNew: Bool
        let email: String
        let fundURL: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.publicFund, use: index)
        routes.get(.fundApply, use: form)
        routes.on(.POST, SiteURL.fundApply.pathComponents, body: .collect(maxSize: Uploads.maximumBody), use: apply)
        routes.get(.fundApplicationStatus(token: ":token"), use: status)
    }

    /// The fund of the current year in Berlin, or the latest one.
    static func currentFund(on database: any Database) async throws -> Fund? {
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        let year = berlin.component(.year, from: Date())
        if let fund = try await Fund.query(on: database).filter(\.$year == year).first() { return fund }
        return try await Fund.query(on: database).filter(\.$year <= year).sort(\.$year, .descending).first()
    }

    static func facts(_ fund: Fund, _ req: Request) async throws -> FundFacts {
        let balance = try await FundDesk.balance(fund, on: req.db)
        return FundFacts(year: fund.year, budget: Money.format(cents: balance.budgetCents), committed: Money.format(cents: balance.committedCents),
                         paid: Money.format(cents: balance.paidCents), remaining: Money.format(cents: balance.remainingCents),
                         maximum: Money.format(cents: fund.maximumPerApplicationCents), staffLimit: Money.format(cents: fund.staffLimitCents))
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let fund = try await Self.currentFund(on: req.db)
        let base = {
            FundApplication.query(on: req.db).filter(\.$publicConsent == true).filter(\.$state ~~ FundApplicationState.funded)
        }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await base().count())
        let rows = try await base().with(\.$fund).sort(\.$decidedAt, .descending).sort(\.$id)
            .range(window.offset..<(window.offset + window.perPage)).all()
        let content = IndexContent(
            fund: try await fund.asyncMap { try await Self.facts($0, req) },
            applyURL: SiteURL.fundApply.path,
            rows: rows.map { row in
                FundedRow(title: row.title, aim: row.aim, by: row.groupName, amount: Money.format(cents: row.approvedCents ?? 0),
                          year: row.fund.year, state: req.t("fund.public_state.\(row.state == .approved ? "approved" : "done")"))
            },
            pagination: PaginationContext(window, baseURL: SiteURL.publicFund.path, req: req)
        )
        return try await req.renderPage("fund/public", title: req.t("fund.public.title"), content)
    }

    @Sendable
    func form(req: Request) async throws -> Response {
        guard let fund = try await Self.currentFund(on: req.db) else { throw Abort(.notFound) }
        return try await page(req, fund: fund, form: Self.view(nil), errors: [], status: .ok)
    }

    private func page(_ req: Request, fund: Fund, form: FormView, errors: [String], status: HTTPStatus) async throws -> Response {
        let content = FormContent(fund: try await Self.facts(fund, req), form: form, errors: errors, actionURL: SiteURL.fundApply.path,
                                  attachmentTypes: DocumentType.acceptedExtensions + "," + ImageType.acceptedExtensions,
                                  maximumAttachment: Self.maximumAttachment / 1024 / 1024)
        return try await req.renderPage("fund/apply", title: req.t("fund.apply.title"), content, status: status, withForms: true)
    }

    static func view(_ input: ApplicationForm?) -> FormView {
        var view = FormView()
        guard let input else {
            view.costs = (1...costLines).map { LineView(kind: "cost", number: $0, label: "", amount: "") }
            view.incomes = (1...incomeLines).map { LineView(kind: "income", number: $0, label: "", amount: "") }
            return view
        }
        func text(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        view.applicantName = text(input.applicantName)
        view.groupName = text(input.groupName)
        view.email = text(input.email)
        view.phone = text(input.phone)
        view.title = text(input.title)
        view.aim = text(input.aim)
        view.targetGroup = text(input.targetGroup)
        view.partners = text(input.partners)
        view.costs = (1...costLines).map { let line = input.line(.cost, $0); return LineView(kind: "cost", number: $0, label: line.label, amount: line.amount) }
        view.incomes = (1...incomeLines).map { let line = input.line(.income, $0); return LineView(kind: "income", number: $0, label: line.label, amount: line.amount) }
        view.publicConsent = input.publicConsent != nil
        view.consent = input.consent != nil
        return view
    }

    /// Reads the financing plan's lines; a line with an amount but no label, or an amount that is not a
    /// non-negative number of euros, is an error.
    static func lines(_ input: ApplicationForm, errors: inout [String], req: Request) -> [FinancingLine] {
        var lines: [FinancingLine] = []
        for (kind, count) in [(FinancingLine.Kind.cost, costLines), (.income, incomeLines)] {
            for number in 1...count {
                let line = input.line(kind, number)
                if line.label.isEmpty && line.amount.isEmpty { continue }
                let row = req.t("fund.line.\(kind.rawValue)_row", String(number))
                guard !line.label.isEmpty, line.label.count <= 200 else { errors.append(req.t("fund.error.line_label", row)); continue }
                guard let cents = Money.parseCents(line.amount) else { errors.append(req.t("fund.error.line_amount", row, line.amount)); continue }
                lines.append(FinancingLine(kind: kind, label: line.label, cents: cents))
            }
        }
        return lines
    }

    /// An uploaded file checked against the accepted types and `maximum`; nil and a message when it is refused.
    static func acceptFile(_ file: File?, maximum: Int, imagesOnly: Bool = false, errors: inout [String], req: Request) -> (name: String, mime: String, bytes: [UInt8])? {
        guard let file, file.data.readableBytes > 0 else { return nil }
        let name = DocumentType.safeFilename(file.filename)
        guard file.data.readableBytes <= maximum else {
            errors.append(req.t("fund.error.file_size", name, String(maximum / 1024 / 1024)))
            return nil
        }
        let bytes = Array(file.data.readableBytesView)
        if let image = ImageType.detect(filename: name, bytes: bytes) {
            // A photo goes in without its GPS position, time and device (see ImageMetadata); a broken one is refused.
            if let clean = ImageMetadata.strip(bytes, type: image) { return (name, image.mimeType, clean) }
            errors.append(req.t("fund.error.file_type", name))
            return nil
        }
        if !imagesOnly, let document = DocumentType.detect(filename: name, bytes: bytes) { return (name, document.mimeType, bytes) }
        errors.append(req.t("fund.error.file_type", name))
        return nil
    }

    @Sendable
    func apply(req: Request) async throws -> Response {
        guard let fund = try await Self.currentFund(on: req.db) else { throw Abort(.notFound) }
        let input: ApplicationForm
        do { input = try req.content.decode(ApplicationForm.self) } catch { throw UserError(.badRequest, "fund.error.form") }
        // A filled hidden field means a robot: it is sent to the fund's page, nothing is stored.
        guard (input.website ?? "").isEmpty else { return req.redirect(to: SiteURL.publicFund.path) }
        let view = Self.view(input)
        var errors: [String] = []
        if view.applicantName.isEmpty || view.applicantName.count > 120 { errors.append(req.t("fund.error.name")) }
        if view.groupName.count > 200 { errors.append(req.t("texts.error.long")) }
        if !MailMessage.isValidAddress(view.email.lowercased()) { errors.append(req.t("registrations.error.email")) }
        if view.phone.count > 40 { errors.append(req.t("registrations.error.phone")) }
        if view.title.isEmpty || view.title.count > 200 { errors.append(req.t("fund.error.title")) }
        if view.aim.isEmpty { errors.append(req.t("fund.error.aim")) }
        if view.targetGroup.isEmpty { errors.append(req.t("fund.error.target_group")) }
        if [view.aim, view.targetGroup, view.partners].contains(where: { $0.count > FundRules.maximumText }) { errors.append(req.t("texts.error.long")) }
        var lineErrors: [String] = []
        let lines = Self.lines(input, errors: &lineErrors, req: req)
        errors += lineErrors
        let plan = FinancingPlan(lines: lines)
        if lineErrors.isEmpty {
            for problem in plan.problems(under: fund.terms) {
                errors.append(req.t("fund.error.plan.\(problem.rawValue)", Money.format(cents: fund.maximumPerApplicationCents)))
            }
        }
        let upload = req.headers.contentType?.subType == "form-data" ? (try? req.content.decode(Attachment.self))?.file : nil
        let attachment = Self.acceptFile(upload, maximum: Self.maximumAttachment, errors: &errors, req: req)
        if input.consent == nil { errors.append(req.t("fund.error.consent")) }
        guard errors.isEmpty else { return try await page(req, fund: fund, form: view, errors: errors, status: .badRequest) }

        let application = FundApplication(
            fundID: try fund.requireID(), applicantName: view.applicantName, groupName: view.groupName, email: view.email.lowercased(), phone: view.phone,
            locale: req.language, title: view.title, aim: view.aim, targetGroup: view.targetGroup, partners: view.partners,
            requestedCents: plan.requestedCents, publicConsent: view.publicConsent
        )
        try await req.db.transaction { database in
            try await application.create(on: database)
            let id = try application.requireID()
            for (index, line) in lines.enumerated() { try await FundLine(applicationID: id, line: line, position: index + 1).create(on: database) }
            if let attachment {
                let file = FundFile(applicationID: id, kind: .attachment, filename: attachment.name, mimeType: attachment.mime, size: attachment.bytes.count)
                try await file.create(on: database)
                try await FileContent(id: try file.requireID(), data: Data(attachment.bytes)).create(on: database)
            }
            try await req.audit(.create, application, before: nil, on: database)
            try await FundDesk.mail(.received, application, req: req, on: database)
        }
        return req.redirect(to: SiteURL.fundApplicationStatus(token: application.token).path + "?neu=1")
    }

    /// The applicant's own page: where her application stands, reached through the link in her e-mail.
    @Sendable
    func status(req: Request) async throws -> Response {
        guard let token = req.parameters.get("token"),
              let application = try await FundApplication.query(on: req.db).filter(\.$token == token).first() else { throw Abort(.notFound) }
        let lines = try await FundLine.query(on: req.db).filter(\.$application.$id == application.requireID()).sort(\.$position).all()
        let content = StatusContent(
            title: application.title, state: req.t("fund.state.\(application.state.rawValue)"),
            requested: Money.format(cents: application.requestedCents), approved: application.approvedCents.map { Money.format(cents: $0) },
            reason: application.state == .rejected && !application.decisionReason.isEmpty ? application.decisionReason : nil,
            costs: lines.filter { $0.kind == .cost }.map { LineRow(label: $0.label, amount: Money.format(cents: $0.cents)) },
            incomes: lines.filter { $0.kind == .income }.map { LineRow(label: $0.label, amount: Money.format(cents: $0.cents)) },
            isNew: (try? req.query.get(String.self, at: "neu")) != nil, email: application.email, fundURL: SiteURL.publicFund.path
        )
        let response = try await req.renderPage("fund/status", title: req.t("fund.status.title", application.title), content)
        // The address is the key to the application: keep it out of caches and other sites' logs.
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }
}

