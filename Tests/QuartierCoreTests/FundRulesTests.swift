import Foundation
import Testing
@testable import QuartierCore

@Suite("Verfügungsfonds rules")
struct FundRulesTests {
    let terms = FundTerms(budgetCents: 1_000_000, maximumPerApplicationCents: 150_000, staffLimitCents: 50_000)

    @Test("An application moves only along the allowed steps; rejected, closed and reclaimed are final")
    func states() {
        #expect(FundApplicationState.submitted.canMove(to: .prechecked))
        #expect(!FundApplicationState.submitted.canMove(to: .approved))
        #expect(FundApplicationState.prechecked.canMove(to: .approved))
        #expect(FundApplicationState.prechecked.canMove(to: .rejected))
        #expect(!FundApplicationState.approved.canMove(to: .closed))
        #expect(FundApplicationState.approved.canMove(to: .paid))
        #expect(FundApplicationState.paid.canMove(to: .proofSubmitted))
        #expect(FundApplicationState.proofSubmitted.canMove(to: .closed))
        #expect(FundApplicationState.proofSubmitted.canMove(to: .reclaimed))
        for final in [FundApplicationState.rejected, .closed, .reclaimed] { #expect(final.next.isEmpty) }
        #expect(!FundApplicationState.closed.canMove(to: .submitted))
    }

    @Test("Staff decide up to and including the threshold, the jury above it; the jury may always decide")
    func routing() {
        #expect(terms.decider(for: 40_000) == .staff)
        #expect(terms.decider(for: 50_000) == .staff)
        #expect(terms.decider(for: 50_001) == .jury)
        #expect(terms.may(.staff, decide: 50_000))
        #expect(!terms.may(.staff, decide: 50_001))
        #expect(terms.may(.jury, decide: 40_000))
    }

    @Test("Terms need a positive budget, a maximum within it and a threshold within the maximum")
    func termProblems() {
        #expect(terms.problems.isEmpty)
        #expect(FundTerms(budgetCents: 0, maximumPerApplicationCents: 0, staffLimitCents: 0).problems.contains(.budgetNotPositive))
        #expect(FundTerms(budgetCents: 100, maximumPerApplicationCents: 200, staffLimitCents: 0).problems == [.maximumOutOfRange])
        #expect(FundTerms(budgetCents: 1000, maximumPerApplicationCents: 200, staffLimitCents: 300).problems == [.staffLimitOutOfRange])
    }

    @Test("The financing plan asks for costs minus income, needs a cost line and stays within the maximum")
    func plan() {
        let plan = FinancingPlan(lines: [.init(kind: .cost, label: "Brötchen", cents: 30_000), .init(kind: .cost, label: "Kaffee", cents: 15_000),
                                         .init(kind: .income, label: "Spenden", cents: 5_000)])
        #expect(plan.costCents == 45_000)
        #expect(plan.incomeCents == 5_000)
        #expect(plan.requestedCents == 40_000)
        #expect(plan.problems(under: terms).isEmpty)
        #expect(FinancingPlan(lines: []).problems(under: terms) == [.noCosts])
        #expect(FinancingPlan(lines: [.init(kind: .income, label: "Spende", cents: 100)]).problems(under: terms) == [.noCosts])
        #expect(FinancingPlan(lines: [.init(kind: .cost, label: "A", cents: 100), .init(kind: .income, label: "B", cents: 100)]).problems(under: terms) == [.nothingRequested])
        #expect(FinancingPlan(lines: [.init(kind: .cost, label: "A", cents: 150_001)]).problems(under: terms) == [.aboveMaximum])
    }

    @Test("Budget, committed, paid and remaining add up; reclaimed money returns; rejected and open applications bind nothing")
    func balance() {
        let balance = FundBalance(budgetCents: 1_000_000, applications: [
            (.submitted, nil, nil, nil), (.prechecked, nil, nil, nil), (.rejected, nil, nil, nil),
            (.approved, 40_000, nil, nil), (.approved, 100_000, nil, nil),
            (.paid, 50_000, 50_000, nil), (.proofSubmitted, 30_000, 30_000, nil), (.closed, 20_000, 18_000, nil),
            (.reclaimed, 60_000, 60_000, 60_000),
        ])
        #expect(balance.committedCents == 140_000)
        #expect(balance.paidCents == 98_000)
        #expect(balance.remainingCents == 762_000)
        #expect(balance.budgetCents == balance.committedCents + balance.paidCents + balance.remainingCents)
        #expect(balance.allowsBudget(238_000))
        #expect(!balance.allowsBudget(237_999))
    }

    @Test("An approval is refused when it would overdraw the fund, exceeds the request or the maximum, or staff decide above the threshold")
    func approval() {
        let balance = FundBalance(budgetCents: 100_000, committedCents: 40_000, paidCents: 20_000)
        #expect(FundRules.approvalProblem(40_000, requestedCents: 40_000, by: .staff, terms: terms, balance: balance) == nil)
        #expect(FundRules.approvalProblem(40_001, requestedCents: 50_000, by: .staff, terms: terms, balance: balance) == .overdraw)
        #expect(FundRules.approvalProblem(0, requestedCents: 40_000, by: .staff, terms: terms, balance: balance) == .notPositive)
        #expect(FundRules.approvalProblem(-5, requestedCents: 40_000, by: .jury, terms: terms, balance: balance) == .notPositive)
        #expect(FundRules.approvalProblem(30_000, requestedCents: 20_000, by: .staff, terms: terms, balance: balance) == .aboveRequested)
        #expect(FundRules.approvalProblem(150_001, requestedCents: 200_000, by: .jury, terms: terms, balance: balance) == .aboveMaximum)
        let roomy = FundBalance(budgetCents: 1_000_000, committedCents: 0, paidCents: 0)
        #expect(FundRules.approvalProblem(60_000, requestedCents: 60_000, by: .staff, terms: terms, balance: roomy) == .wrongDecider)
        #expect(FundRules.approvalProblem(60_000, requestedCents: 60_000, by: .jury, terms: terms, balance: roomy) == nil)
    }
}
