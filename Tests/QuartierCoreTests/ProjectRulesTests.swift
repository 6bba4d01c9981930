import Foundation
import Testing
@testable import QuartierCore

@Suite("Projekte: phases, budget arithmetic, milestones and the programme")
struct ProjectRulesTests {
    @Test("Phases run Idee → Planung → Umsetzung → abgeschlossen → verstetigt; one step back while unfinished; verstetigt is final")
    func phases() {
        #expect(ProjectPhase.allCases == [.idea, .planning, .implementation, .completed, .sustained])
        #expect(ProjectPhase.idea.transitions == [.planning])
        #expect(ProjectPhase.planning.transitions == [.idea, .implementation])
        #expect(ProjectPhase.implementation.transitions == [.planning, .completed])
        #expect(ProjectPhase.completed.transitions == [.implementation, .sustained])
        #expect(ProjectPhase.sustained.transitions.isEmpty)
        #expect(!ProjectPhase.idea.canMove(to: .implementation))
        #expect(!ProjectPhase.idea.canMove(to: .sustained))
        #expect(!ProjectPhase.planning.canMove(to: .planning))
        #expect(ProjectPhase.idea < .planning && ProjectPhase.completed < .sustained)
    }

    @Test("Budget sums per source, for urban-development funding together and overall; remaining and overspending")
    func budget() {
        let summary = BudgetSummary([
            BudgetAmount(source: .federal, plannedCents: 600_000, spentCents: 385_000),
            BudgetAmount(source: .state, plannedCents: 600_000, spentCents: 385_000),
            BudgetAmount(source: .municipal, plannedCents: 600_000, spentCents: 385_000),
            BudgetAmount(source: .municipal, plannedCents: 120_000, spentCents: 80_000),
            BudgetAmount(source: .own, plannedCents: 250_000, spentCents: 273_001),
            BudgetAmount(source: .thirdParty, plannedCents: 150_000, spentCents: 150_000),
        ])
        #expect(summary.bySource.map(\.source) == [.federal, .state, .municipal, .own, .thirdParty])
        #expect(summary.bySource[2].sum == .init(plannedCents: 720_000, spentCents: 465_000))
        #expect(summary.urbanDevelopmentFunding == .init(plannedCents: 1_920_000, spentCents: 1_235_000))
        #expect(summary.total.plannedCents == 2_320_000 && summary.total.spentCents == 1_658_001)
        #expect(summary.total.remainingCents == 661_999)
        #expect(summary.bySource[3].sum.isOverspent && summary.bySource[3].sum.remainingCents == -23_001)
        #expect(!summary.total.isOverspent)
        #expect(summary.bySource[4].sum.percentSpent == 100)
        #expect(summary.plannedShare(of: .thirdParty) == 6)
        #expect(summary.plannedShare(of: .federal) == 26)
        let empty = BudgetSummary([])
        #expect(empty.bySource.isEmpty && empty.total == .init() && empty.total.percentSpent == 0 && empty.plannedShare(of: .own) == 0)
    }

    @Test("A milestone not done is late the day after its date; done stays done")
    func milestones() {
        let today = CalendarDate.parse("2026-11-27")!
        #expect(MilestoneState.of(done: false, dueOn: CalendarDate.parse("2026-11-26")!, today: today) == .late)
        #expect(MilestoneState.of(done: false, dueOn: today, today: today) == .open)
        #expect(MilestoneState.of(done: false, dueOn: CalendarDate.parse("2026-12-01")!, today: today) == .open)
        #expect(MilestoneState.of(done: true, dueOn: CalendarDate.parse("2020-01-01")!, today: today) == .done)
    }

    @Test("The programme: ten years from the start, the last three consolidating, then Verstetigung")
    func programme() {
        let timeline = ProgrammeTimeline(startYear: 2014, isekYear: 2018)
        #expect(timeline.endYear == 2023 && timeline.consolidationStartYear == 2021 && timeline.sustainedFromYear == 2024)
        #expect(timeline.stage(in: 2013) == .notStarted)
        #expect(timeline.stage(in: 2014) == .implementation)
        #expect(timeline.stage(in: 2020) == .implementation)
        #expect(timeline.stage(in: 2021) == .consolidation)
        #expect(timeline.stage(in: 2023) == .consolidation)
        #expect(timeline.stage(in: 2024) == .sustained)
        #expect(timeline.percentElapsed(in: 2018) == 50 && timeline.percentElapsed(in: 2030) == 100 && timeline.percentElapsed(in: 2000) == 0)
        #expect(timeline.isValid)
        #expect(ProgrammeTimeline(startYear: 2014, isekYear: nil, horizonYears: 10, consolidationYears: 0).stage(in: 2023) == .implementation)
        #expect(!ProgrammeTimeline(startYear: 2014, isekYear: nil, horizonYears: 0).isValid)
        #expect(!ProgrammeTimeline(startYear: 2014, isekYear: nil, horizonYears: 10, consolidationYears: 11).isValid)
        #expect(!ProgrammeTimeline(startYear: 2014, isekYear: 2030, horizonYears: 10).isValid)
        #expect(!ProgrammeTimeline(startYear: 14, isekYear: nil).isValid)
    }

    @Test("A project's end is never before its start")
    func period() {
        let start = CalendarDate.parse("2026-03-01")!, end = CalendarDate.parse("2026-02-01")!
        #expect(ProjectRules.periodIsValid(start: end, end: start))
        #expect(!ProjectRules.periodIsValid(start: start, end: end))
        #expect(ProjectRules.periodIsValid(start: nil, end: end) && ProjectRules.periodIsValid(start: start, end: nil))
    }
}
