import Foundation

/// When a person held a function in an organisation (chair of a club, head of a school).
/// Either end may be unknown: `from` nil means "since ever", `until` nil means "still holds it".
public struct FunctionPeriod: Equatable, Sendable {
    public var from: Date?
    public var until: Date?

    public init(from: Date?, until: Date?) {
        self.from = from
        self.until = until
    }

    /// Both ends count as whole Berlin days, because people enter the first and last day of office, not a
    /// minute. This holds for days stored as midnight UTC (`CalendarDate`) as well as for exact moments.
    public func isCurrent(at date: Date) -> Bool {
        if let from, date < Self.startOfBerlinDay(from) { return false }
        if let until, date >= Self.endOfBerlinDay(until) { return false }
        return true
    }

    /// A period must not end before it starts.
    public var isValid: Bool {
        guard let from, let until else { return true }
        return until >= from
    }

    static func startOfBerlinDay(_ date: Date) -> Date {
        berlinCalendar.startOfDay(for: date)
    }

    static func endOfBerlinDay(_ date: Date) -> Date {
        berlinCalendar.date(byAdding: .day, value: 1, to: startOfBerlinDay(date))!
    }

    static var berlinCalendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = BerlinTime.zone
        return calendar
    }
}
