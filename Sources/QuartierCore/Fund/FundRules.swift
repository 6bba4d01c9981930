import Foundation

/// Where an application to the neighbourhood fund (Verfügungsfonds) stands, from the resident's form to the
/// checked proof of use.
public enum FundApplicationState: String, Codable, CaseIterable, Sendable {
    /// Eingegangen: the form arrived, the applicant got her receipt.
    case submitted
    /// Vorgeprüft: staff checked that it is complete and fits the fund's rules; it can now be decided.
    case prechecked
    /// Bewilligt, with an amount that is committed in the fund.
    case approved
    /// Abgelehnt, with a reason.
    case rejected
    /// Ausgezahlt: the money went out.
    case paid
    /// Verwendungsnachweis eingereicht: receipts, photos and a short report are there.
    case proofSubmitted = "proof-submitted"
    /// Geprüft und abgeschlossen.
    case closed
    /// Rückforderung: the proof of use did not hold, money is claimed back.
    case reclaimed

    /// The next states an application may move to; everything else is refused.
    public var next: Set<FundApplicationState> {
        switch self {
        case .submitted: [.prechecked]
        case .prechecked: [.approved, .rejected]
        case .approved: [.paid]
        case .rejected: []
        case .paid: [.proofSubmitted, .reclaimed]
        case .proofSubmitted: [.closed, .reclaimed]
        case .closed, .reclaimed: []
        }
    }

    public func canMove(to state: FundApplicationState) -> Bool { next.contains(state) }

    /// The states in which the fund's money is bound to the application: approved and not yet paid (committed),
    /// or paid out.
    public var bindsMoney: Bool { [.approved, .paid, .proofSubmitted, .closed, .reclaimed].contains(self) }

    /// Funded projects the public list may show (with the applicant's consent).
    public static let funded: [FundApplicationState] = [.approved, .paid, .proofSubmitted, .closed]
}

/// Who decides an application: the neighbourhood management alone up to the fund's threshold, the jury above it.
public enum FundDecider: String, Codable, CaseIterable, Sendable {
    case staff, jury
}

/// A fund year's rules: the budget, the most one application may get, and the amount up to which the
/// neighbourhood management decides alone. All money in integer cents.
public struct FundTerms: Equatable, Sendable {
    public var budgetCents: Int
    public var maximumPerApplicationCents: Int
    public var staffLimitCents: Int

    public init(budgetCents: Int, maximumPerApplicationCents: Int, staffLimitCents: Int) {
        self.budgetCents = budgetCents
        self.maximumPerApplicationCents = maximumPerApplicationCents
        self.staffLimitCents = staffLimitCents
    }

    public enum Problem: String, Error, Sendable {
        case budgetNotPositive = "budget", maximumOutOfRange = "maximum", staffLimitOutOfRange = "staff_limit"
    }

    /// What is wrong with the terms, if anything: a positive budget, a maximum within it, a threshold within the maximum.
    public var problems: [Problem] {
        var found: [Problem] = []
        if budgetCents <= 0 { found.append(.budgetNotPositive) }
        if maximumPerApplicationCents <= 0 || maximumPerApplicationCents > budgetCents { found.append(.maximumOutOfRange) }
        if staffLimitCents < 0 || staffLimitCents > maximumPerApplicationCents { found.append(.staffLimitOutOfRange) }
        return found
    }

    /// Who must decide on `amountCents`: staff up to and including the threshold, the jury above it.
    public func decider(for amountCents: Int) -> FundDecider {
        amountCents <= staffLimitCents ? .staff : .jury
    }

    /// Whether `decider` may decide on `amountCents`. The jury may always decide (staff may refer a small
    /// application to it); staff only up to the threshold.
    public func may(_ decider: FundDecider, decide amountCents: Int) -> Bool {
        decider == .jury || amountCents <= staffLimitCents
    }
}

/// One line of an application's financing plan: a cost, or an income (own funds, donations, other grants).
public struct FinancingLine: Equatable, Sendable {
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case cost, income
    }

    public var kind: Kind
    public var label: String
    public var cents: Int

    public init(kind: Kind, label: String, cents: Int) {
        self.kind = kind
        self.label = label
        self.cents = cents
    }
}

/// The financing plan of an application: what it costs, what comes from elsewhere, and what it asks of the fund.
public struct FinancingPlan: Equatable, Sendable {
    public var lines: [FinancingLine]

    public init(lines: [FinancingLine]) {
        self.lines = lines
    }

    public var costCents: Int { lines.filter { $0.kind == .cost }.reduce(0) { $0 + $1.cents } }
    public var incomeCents: Int { lines.filter { $0.kind == .income }.reduce(0) { $0 + $1.cents } }
    /// What the fund is asked for: the costs not covered by other income.
    public var requestedCents: Int { costCents - incomeCents }

    public enum Problem: String, Error, Sendable {
        case noCosts = "no_costs", nothingRequested = "nothing_requested", aboveMaximum = "above_maximum"
    }

    /// What keeps the plan from being an application under `terms`: it needs at least one cost line and must ask
    /// for something, at most the maximum per application.
    public func problems(under terms: FundTerms) -> [Problem] {
        guard lines.contains(where: { $0.kind == .cost && $0.cents > 0 }) else { return [.noCosts] }
        if requestedCents <= 0 { return [.nothingRequested] }
        if requestedCents > terms.maximumPerApplicationCents { return [.aboveMaximum] }
        return []
    }
}

/// What a fund shows at all times: its budget, the money committed to approved applications not yet paid, the
/// money paid out (net of what was claimed back) and what remains.
public struct FundBalance: Equatable, Sendable {
    public var budgetCents: Int
    public var committedCents: Int
    public var paidCents: Int

    public init(budgetCents: Int, committedCents: Int, paidCents: Int) {
        self.budgetCents = budgetCents
        self.committedCents = committedCents
        self.paidCents = paidCents
    }

    /// The balance of a fund from its applications' states and amounts.
    public init(budgetCents: Int, applications: [(state: FundApplicationState, approvedCents: Int?, paidCents: Int?, reclaimedCents: Int?)]) {
        var committed = 0
        var paid = 0
        for application in applications {
            switch application.state {
            case .approved: committed += application.approvedCents ?? 0
            case .paid, .proofSubmitted, .closed, .reclaimed:
                paid += (application.paidCents ?? 0) - (application.reclaimedCents ?? 0)
            case .submitted, .prechecked, .rejected: break
            }
        }
        self.init(budgetCents: budgetCents, committedCents: committed, paidCents: paid)
    }

    public var remainingCents: Int { budgetCents - committedCents - paidCents }

    /// Whether `amountCents` can be approved without overdrawing the fund.
    public func canApprove(_ amountCents: Int) -> Bool { amountCents > 0 && amountCents <= remainingCents }

    /// A new budget may not fall below what is already committed or paid.
    public func allowsBudget(_ cents: Int) -> Bool { cents >= committedCents + paidCents }
}

/// Why an approval is refused.
public enum FundApprovalProblem: String, Error, Sendable {
    case notPositive = "not_positive", aboveMaximum = "above_maximum", aboveRequested = "above_requested", overdraw, wrongDecider = "wrong_decider"
}

public enum FundRules {
    /// Whether `decider` may approve `amountCents` for an application that asked for `requestedCents`, under the
    /// fund's `terms` and its current `balance`; the first problem found, or nil.
    public static func approvalProblem(_ amountCents: Int, requestedCents: Int, by decider: FundDecider, terms: FundTerms,
                                       balance: FundBalance) -> FundApprovalProblem? {
        if amountCents <= 0 { return .notPositive }
        if amountCents > terms.maximumPerApplicationCents { return .aboveMaximum }
        if amountCents > requestedCents { return .aboveRequested }
        if !terms.may(decider, decide: amountCents) { return .wrongDecider }
        if !balance.canApprove(amountCents) { return .overdraw }
        return nil
    }

    /// The longest texts the public form accepts.
    public static let maximumText = 4000
    public static let maximumLines = 8
}
