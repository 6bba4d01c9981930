import Foundation

/// "Nobody in the district is forgotten": who has not been reached for more than N months.
/// The list itself is one SQL query (never-contacted first, then the oldest contact) in the directory.
public enum OutreachCoverage {
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
