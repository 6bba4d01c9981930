import Foundation

/// One actor and the date it was last reached, as the coverage list needs it.
public struct CoverageEntry<ID: Hashable & Sendable>: Equatable, Sendable {
    public var id: ID
    public var lastContact: Date?

    public init(id: ID, lastContact: Date?) {
        self.id = id
        self.lastContact = lastContact
    }
}

/// "Nobody in the district is forgotten": who has not been reached for more than N months.
public enum OutreachCoverage {
    /// Entries not contacted for more than `months` calendar months before `now` (Europe/Berlin calendar),
    /// never-contacted first, then oldest contact first; ties keep the order given.
    public static func overdue<ID>(_ entries: [CoverageEntry<ID>], months: Int, now: Date) -> [CoverageEntry<ID>] {
        let limit = cutoff(months: months, now: now)
        return entries.enumerated()
            .filter { $0.element.lastContact.map { $0 < limit } ?? true }
            .sorted { left, right in
                switch (left.element.lastContact, right.element.lastContact) {
                case (nil, nil): return left.offset < right.offset
                case (nil, _): return true
                case (_, nil): return false
                case let (l?, r?): return l != r ? l < r : left.offset < right.offset
                }
            }
            .map(\.element)
    }

    /// The date before which a last contact counts as overdue: the start of the Berlin day `months`
    /// calendar months before `now`, so a contact any time on that day still counts as recent.
    /// A month that is too short for the day clamps to its last day (31 March − 1 month = 28/29 February).
    public static func cutoff(months: Int, now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = BerlinTime.zone
        let earlier = calendar.date(byAdding: .month, value: -months, to: now)!
        return calendar.startOfDay(for: earlier)
    }
}
