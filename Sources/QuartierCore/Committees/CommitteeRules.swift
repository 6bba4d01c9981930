import Foundation

/// When a committee may decide: a fixed number of voting members present, or a share of all voting members.
public struct QuorumRule: Equatable, Sendable {
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case count, share
    }

    public var kind: Kind
    /// A number of members for `count`, a percentage for `share`.
    public var value: Int

    public init(kind: Kind, value: Int) {
        self.kind = kind
        self.value = value
    }

    public var isValid: Bool {
        switch kind {
        case .count: value >= 1
        case .share: (1...100).contains(value)
        }
    }

    /// How many voting members must be present when the committee has `votingMembers`.
    public func required(votingMembers: Int) -> Int {
        switch kind {
        case .count: value
        case .share: Int((Double(votingMembers * value) / 100).rounded(.up))
        }
    }

    public func isQuorate(presentVoting: Int, votingMembers: Int) -> Bool {
        votingMembers > 0 && presentVoting >= required(votingMembers: votingMembers)
    }
}

/// Invitations must reach members a number of days before the meeting (the committee's notice period).
public enum NoticePeriod {
    /// Whole Berlin calendar days between sending and the meeting day.
    public static func days(from sent: Date, to meeting: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = BerlinTime.zone
        return calendar.dateComponents([.day], from: calendar.startOfDay(for: sent), to: calendar.startOfDay(for: meeting)).day ?? 0
    }

    public static func isMet(noticeDays: Int, sent: Date, meeting: Date) -> Bool {
        days(from: sent, to: meeting) >= noticeDays
    }
}

/// The life of a meeting: planned, then invited, then held — or cancelled before it is held.
public enum MeetingState: String, Codable, CaseIterable, Sendable {
    case planned, invited, held, cancelled

    public var transitions: [MeetingState] {
        switch self {
        case .planned: [.invited, .cancelled]
        case .invited: [.held, .cancelled]
        case .held: []
        case .cancelled: [.planned]
        }
    }

    public func canChange(to next: MeetingState) -> Bool {
        transitions.contains(next)
    }
}

/// A vote on a decision: adopted with more yes than no votes; abstentions do not count either way.
public struct VoteCount: Equatable, Sendable {
    public var yes: Int
    public var no: Int
    public var abstain: Int

    public init(yes: Int, no: Int, abstain: Int) {
        self.yes = yes
        self.no = no
        self.abstain = abstain
    }

    public var isValid: Bool { yes >= 0 && no >= 0 && abstain >= 0 }
    public var isAdopted: Bool { yes > no }
    public var total: Int { yes + no + abstain }
}

/// The date of the next meeting in a series: the committee's own rhythm (the days between its last two meetings,
/// between one week and four months), otherwise four weeks; counted in Berlin calendar days, so that 18:00 stays
/// 18:00 across a change of summer time.
public enum MeetingSeries {
    public static let defaultInterval = 28

    public static func intervalDays(last: Date, previous: Date?) -> Int {
        guard let previous else { return defaultInterval }
        let days = NoticePeriod.days(from: previous, to: last)
        return (7...120).contains(days) ? days : defaultInterval
    }

    public static func next(after last: Date, previous: Date?) -> Date {
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        return berlin.date(byAdding: .day, value: intervalDays(last: last, previous: previous), to: last) ?? last
    }
}

/// Minutes stay a draft until a following meeting of the same committee approves them; then they are fixed and,
/// for public items, published.
public enum MinutesApproval {
    /// Whether a meeting in state `approving` that starts at `approvingStart` may approve the minutes of a meeting
    /// held at `heldStart`.
    public static func canApprove(heldState: MeetingState, heldStart: Date, alreadyApproved: Bool,
                                  approvingState: MeetingState, approvingStart: Date) -> Bool {
        heldState == .held && !alreadyApproved && heldStart < approvingStart && (approvingState == .invited || approvingState == .held)
    }
}
