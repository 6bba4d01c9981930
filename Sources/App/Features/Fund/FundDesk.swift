import Fluent
import QuartierCore
import SQLKit
import Vapor

/// Every change of an application that moves money runs here, in a transaction that first takes the fund's write
/// lock: two approvals at the same moment queue up on the fund's row, so the second one sees the first one's
/// commitment and the fund can never be overdrawn. E-mails go into the outbox in the same transaction.
enum FundDesk {
    /// The fund's budget, committed, paid and remaining, from its applications, in one query.
    static func balance(_ fund: Fund, on database: any Database) async throws -> FundBalance {
        let fundID = try fund.requireID()
        // SUM is a bigint (or numeric) in PostgreSQL; the cast keeps one integer type on both databases.
        let row = try await (database as! any SQLDatabase).raw("""
            SELECT CAST(COALESCE(SUM(CASE WHEN state = 'approved' THEN approved_cents ELSE 0 END), 0) AS BIGINT) AS committed,
                   CAST(COALESCE(SUM(CASE WHEN state IN ('paid', 'proof-submitted', 'closed', 'reclaimed')
                        THEN COALESCE(paid_cents, 0) - COALESCE(reclaimed_cents, 0) ELSE 0 END), 0) AS BIGINT) AS paid
            FROM fund_applications WHERE fund_id = \(bind: fundID)
            """).first()
        return FundBalance(budgetCents: fund.budgetCents, committedCents: try row?.decode(column: "committed", as: Int.self) ?? 0,
                           paidCents: try row?.decode(column: "paid", as: Int.self) ?? 0)
    }

    /// Runs `work` holding the fund's write lock (`Database.withRowLock`).
    static func serialized<T: Sendable>(_ fundID: UUID, on database: any Database,
                                        _ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await database.withRowLock(table: Fund.schema, id: fundID, counter: "lock_version", work)
    }

    /// What a decision says: approve `amountCents`, or reject with a reason.
    enum Outcome: Sendable {
        case approve(cents: Int)
        case reject(reason: String)
    }

    /// Decides an application under the fund's lock. For the jury, `jury` records the decision as an agenda item of
    /// a jury meeting with its votes, in the same transaction. Throws a `UserError` and changes nothing when the
    /// application is not ready, the decider may not decide, or the approval would overdraw the fund.
    static func decide(_ applicationID: UUID, _ outcome: Outcome, by decider: FundDecider, jury: JuryRecord? = nil,
                       req: Request) async throws -> FundApplication {
        guard let found = try await FundApplication.find(applicationID, on: req.db) else { throw Abort(.notFound) }
        return try await serialized(found.$fund.id, on: req.db) { database in
            guard let application = try await FundApplication.find(applicationID, on: database),
                  let fund = try await Fund.find(application.$fund.id, on: database) else { throw Abort(.notFound) }
            let target: FundApplicationState
            switch outcome {
            case .approve: target = .approved
            case .reject: target = .rejected
            }
            guard application.state == .prechecked, application.state.canMove(to: target) else {
                throw UserError(.conflict, "fund.error.state")
            }
            let before = application.auditSnapshot
            switch outcome {
            case .approve(let cents):
                let balance = try await balance(fund, on: database)
                if let problem = FundRules.approvalProblem(cents, requestedCents: application.requestedCents, by: decider, terms: fund.terms, balance: balance) {
                    throw UserError(problem == .overdraw ? .conflict : .badRequest, "fund.error.approval.\(problem.rawValue)",
                                    Money.format(cents: balance.remainingCents))
                }
                application.approvedCents = cents
                application.decisionReason = ""
            case .reject(let reason):
                guard decider == .jury || fund.terms.may(.staff, decide: application.requestedCents) else {
                    throw UserError(.badRequest, "fund.error.approval.wrong_decider", "")
                }
                application.approvedCents = nil
                application.decisionReason = reason
            }
            if let jury {
                let item = try await jury.record(application: application, outcome: outcome, req: req, on: database)
                application.$agendaItem.id = try item.requireID()
            }
            application.state = target
            application.decidedBy = decider
            application.decidedAt = Date()
            try await application.save(on: database)
            try await req.audit(.update, application, before: before, on: database)
            try await mail(target == .approved ? .approved : .rejected, application, req: req, on: database)
            return application
        }
    }

    /// A jury decision: the meeting, the votes, and the agenda item it becomes.
    struct JuryRecord: Sendable {
        var meetingID: UUID
        var votes: VoteCount

        func record(application: FundApplication, outcome: Outcome, req: Request, on database: any Database) async throws -> AgendaItem {
            let last = try await AgendaItem.query(on: database).filter(\.$meeting.$id == meetingID).sort(\.$position, .descending).first()
            let catalog = req.application.catalog
            let item = AgendaItem(meetingID: meetingID, position: (last?.position ?? 0) + 1,
                                  title: catalog.text("fund.jury.item_title", .de, [application.title]),
                                  text: catalog.text("fund.jury.item_text", .de, [application.groupName.isEmpty ? application.applicantName : application.groupName,
                                                                                   Money.format(cents: application.requestedCents)]),
                                  isPublic: false)
            switch outcome {
            case .approve(let cents): item.decisionText = catalog.text("fund.jury.approved", .de, [Money.format(cents: cents)])
            case .reject(let reason): item.decisionText = catalog.text("fund.jury.rejected", .de, [reason])
            }
            item.votesYes = votes.yes
            item.votesNo = votes.no
            item.votesAbstain = votes.abstain
            try await item.create(on: database)
            try await req.audit(.create, item, before: nil, on: database)
            return item
        }
    }

    /// Moves an application one step that does not touch the committed money's limit (pre-check, payout, proof,
    /// review), under the fund's lock so that the balance stays consistent.
    static func advance(_ applicationID: UUID, to target: FundApplicationState, req: Request,
                        _ change: @escaping @Sendable (FundApplication) throws -> Void) async throws -> FundApplication {
        guard let found = try await FundApplication.find(applicationID, on: req.db) else { throw Abort(.notFound) }
        return try await serialized(found.$fund.id, on: req.db) { database in
            guard let application = try await FundApplication.find(applicationID, on: database) else { throw Abort(.notFound) }
            guard application.state == target || application.state.canMove(to: target) else { throw UserError(.conflict, "fund.error.state") }
            let before = application.auditSnapshot
            try change(application)
            let moved = application.state != target
            application.state = target
            try await application.save(on: database)
            try await req.audit(.update, application, before: before, on: database)
            if moved, let message = Message(target) { try await mail(message, application, req: req, on: database) }
            return application
        }
    }

    enum Message: String {
        case received, approved, rejected, paid, closed, reclaimed

        init?(_ state: FundApplicationState) {
            switch state {
            case .paid: self = .paid
            case .closed: self = .closed
            case .reclaimed: self = .reclaimed
            default: return nil
            }
        }
    }

    /// The e-mail for a step, in the language the applicant wrote in, with her personal link.
    static func mail(_ message: Message, _ application: FundApplication, req: Request, on database: any Database) async throws {
        guard MailMessage.isValidAddress(application.email) else { return }
        let language = application.readerLanguage
        let catalog = req.application.catalog
        let link = SiteURL.fundApplicationStatus(token: application.token).absolute(req.settings)
        let amount = Money.format(cents: application.approvedCents ?? application.requestedCents)
        try await OutboxMail.enqueue(
            to: application.email,
            subject: catalog.text("fund.mail.\(message.rawValue).subject", language, [application.title]),
            body: catalog.text("fund.mail.\(message.rawValue).body", language,
                               [application.applicantName, application.title, amount, application.decisionReason, link]),
            purpose: "fund", on: database
        )
    }
}
