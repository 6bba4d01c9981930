import Foundation

/// Where a project stands: Idee → Planung → Umsetzung → abgeschlossen → verstetigt (carried on without programme money).
public enum ProjectPhase: String, Codable, CaseIterable, Sendable, Comparable {
    case idea
    case planning
    case implementation
    case completed
    case sustained

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: ProjectPhase, rhs: ProjectPhase) -> Bool { lhs.rank < rhs.rank }

    /// One step forward at a time; one step back while the project is not finished (a plan that meets reality goes
    /// back to planning), and a completed project can be reopened. A project that has been carried on (verstetigt)
    /// stays there.
    public func canMove(to next: ProjectPhase) -> Bool {
        switch (self, next) {
        case (.idea, .planning), (.planning, .implementation), (.implementation, .completed), (.completed, .sustained): true
        case (.planning, .idea), (.implementation, .planning), (.completed, .implementation): true
        default: false
        }
    }

    /// The phases a project can move to from here, in the order of the process.
    public var transitions: [ProjectPhase] { Self.allCases.filter(canMove(to:)) }
}

/// Where the money of a budget line comes from. The first three are the shares of urban-development funding
/// (Städtebauförderung), which the federal government, the state and the municipality usually pay a third each.
public enum FundingSource: String, Codable, CaseIterable, Sendable {
    case federal
    case state
    case municipal
    case own
    case thirdParty = "third-party"

    public var isUrbanDevelopmentFunding: Bool { [.federal, .state, .municipal].contains(self) }
}

/// One budget line as the arithmetic sees it.
public struct BudgetAmount: Equatable, Sendable {
    public let source: FundingSource
    public let plannedCents: Int
    public let spentCents: Int

    public init(source: FundingSource, plannedCents: Int, spentCents: Int) {
        self.source = source
        self.plannedCents = plannedCents
        self.spentCents = spentCents
    }
}

/// Planned against spent, per funding source, for urban-development funding together and for the whole project.
public struct BudgetSummary: Equatable, Sendable {
    public struct Sum: Equatable, Sendable {
        public var plannedCents = 0
        public var spentCents = 0
        public var remainingCents: Int { plannedCents - spentCents }
        public var isOverspent: Bool { spentCents > plannedCents }
        /// Spent as a whole percentage of planned (0 when nothing is planned).
        public var percentSpent: Int { plannedCents > 0 ? Int((Double(spentCents) * 100 / Double(plannedCents)).rounded()) : 0 }

        public init(plannedCents: Int = 0, spentCents: Int = 0) {
            self.plannedCents = plannedCents
            self.spentCents = spentCents
        }
    }

    /// Every funding source in the order of `FundingSource.allCases` that has at least one line.
    public let bySource: [(source: FundingSource, sum: Sum)]
    public let urbanDevelopmentFunding: Sum
    public let total: Sum

    public init(_ lines: [BudgetAmount]) {
        var sums: [FundingSource: Sum] = [:]
        var urban = Sum(), total = Sum()
        for line in lines {
            sums[line.source, default: Sum()].plannedCents += line.plannedCents
            sums[line.source, default: Sum()].spentCents += line.spentCents
            total.plannedCents += line.plannedCents
            total.spentCents += line.spentCents
            if line.source.isUrbanDevelopmentFunding {
                urban.plannedCents += line.plannedCents
                urban.spentCents += line.spentCents
            }
        }
        bySource = FundingSource.allCases.compactMap { source in sums[source].map { (source, $0) } }
        urbanDevelopmentFunding = urban
        self.total = total
    }

    public static func == (lhs: BudgetSummary, rhs: BudgetSummary) -> Bool {
        lhs.total == rhs.total && lhs.urbanDevelopmentFunding == rhs.urbanDevelopmentFunding
            && lhs.bySource.map(\.source) == rhs.bySource.map(\.source) && lhs.bySource.map(\.sum) == rhs.bySource.map(\.sum)
    }

    /// The share of a source in the planned total, in whole percent (0 when nothing is planned).
    public func plannedShare(of source: FundingSource) -> Int {
        guard total.plannedCents > 0, let sum = bySource.first(where: { $0.source == source })?.sum else { return 0 }
        return Int((Double(sum.plannedCents) * 100 / Double(total.plannedCents)).rounded())
    }
}

/// What staff record about a milestone is whether it is done; "late" follows from the date.
public enum MilestoneState: String, Codable, CaseIterable, Sendable {
    case open
    case done
    case late

    /// A milestone not done whose day has passed is late; one due today is still open.
    public static func of(done: Bool, dueOn day: Date, today: Date) -> MilestoneState {
        if done { return .done }
        return day < today ? .late : .open
    }
}

/// The programme's course over the years: the start (admission into the programme), the ISEK, about ten years of
/// implementation whose last years consolidate what was built (Konsolidierung), then Verstetigung — structures
/// carried on by the district without programme money.
public struct ProgrammeTimeline: Equatable, Sendable {
    public enum Stage: String, CaseIterable, Sendable {
        case notStarted = "not-started"
        case implementation
        case consolidation
        case sustained
    }

    public let startYear: Int
    public let isekYear: Int?
    public let horizonYears: Int
    public let consolidationYears: Int

    public init(startYear: Int, isekYear: Int?, horizonYears: Int = 10, consolidationYears: Int = 3) {
        self.startYear = startYear
        self.isekYear = isekYear
        self.horizonYears = horizonYears
        self.consolidationYears = consolidationYears
    }

    /// The last year of programme funding.
    public var endYear: Int { startYear + horizonYears - 1 }
    /// The first year of the consolidation phase.
    public var consolidationStartYear: Int { endYear - consolidationYears + 1 }
    /// The first year the district carries on alone.
    public var sustainedFromYear: Int { endYear + 1 }

    /// Whether the settings make sense: a horizon of 1–30 years, a consolidation phase inside it, a plausible
    /// start, and an ISEK not before the start's year minus five.
    public var isValid: Bool {
        (1950...2100).contains(startYear) && (1...30).contains(horizonYears) && (0...horizonYears).contains(consolidationYears)
            && (isekYear.map { $0 >= startYear - 5 && $0 <= endYear } ?? true)
    }

    public func stage(in year: Int) -> Stage {
        if year < startYear { return .notStarted }
        if year >= sustainedFromYear { return .sustained }
        if consolidationYears > 0, year >= consolidationStartYear { return .consolidation }
        return .implementation
    }

    /// How far through the programme a year is, 0–100.
    public func percentElapsed(in year: Int) -> Int {
        guard year >= startYear else { return 0 }
        return min(100, (year - startYear + 1) * 100 / horizonYears)
    }
}

/// Limits of what one project holds.
public enum ProjectRules {
    public static let maximumTitleLength = 200
    public static let maximumSummaryLength = 5_000
    public static let maximumTextLength = 10_000
    public static let maximumBudgetLines = 50
    public static let maximumMilestones = 50
    public static let maximumPartners = 30

    /// A project's dates: both optional, and the end never before the start.
    public static func periodIsValid(start: Date?, end: Date?) -> Bool {
        guard let start, let end else { return true }
        return start <= end
    }
}
