import Foundation

/// Calendar days (a contact's date, a follow-up, a function's start) are stored as midnight UTC of that day,
/// so that SQLite and PostgreSQL `date` columns agree and the day never shifts with the time zone.
public enum CalendarDate {
    private static let utc = TimeZone(identifier: "UTC")!

    /// Parses `yyyy-MM-dd` (HTML date inputs) and `dd.MM.yyyy` (German typing).
    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for pattern in ["yyyy-MM-dd", "dd.MM.yyyy", "d.M.yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = utc
            formatter.dateFormat = pattern
            formatter.isLenient = false
            if let date = formatter.date(from: trimmed), iso(date).count == 10 {
                return date
            }
        }
        return nil
    }

    /// Today in Europe/Berlin, as a calendar day.
    public static func today(now: Date = Date()) -> Date {
        day(of: now)
    }

    /// The Berlin calendar day a moment falls on.
    public static func day(of moment: Date) -> Date {
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        let parts = berlin.dateComponents([.year, .month, .day], from: moment)
        var utcCalendar = Calendar(identifier: .gregorian)
        utcCalendar.timeZone = utc
        return utcCalendar.date(from: parts)!
    }

    /// `yyyy-MM-dd`, for the value of a date input.
    public static func iso(_ day: Date) -> String {
        let seconds = Int(day.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (year, month, dayOfMonth) = BerlinTime.civilDate(daysSinceEpoch: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let paddedYear = year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(paddedYear)-\(two(month))-\(two(dayOfMonth))"
    }

    /// The day shown to people: `27.11.2026`, or `27 Nov 2026` in English.
    public static func display(_ day: Date, _ language: Language) -> String {
        BerlinTime.CachedFormatter(key: "utc|\(language.rawValue)") {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: language == .de ? "de_DE" : "en_GB")
            formatter.timeZone = utc
            formatter.dateFormat = language == .de ? "dd.MM.yyyy" : "d MMM yyyy"
            return formatter
        }.string(from: day)
    }

    /// `months` calendar months before a day.
    public static func monthsBefore(_ months: Int, _ day: Date) -> Date {
        var utcCalendar = Calendar(identifier: .gregorian)
        utcCalendar.timeZone = utc
        return utcCalendar.date(byAdding: .month, value: -months, to: day)!
    }

    /// `days` calendar days after a day (before it, when negative).
    public static func daysAfter(_ days: Int, _ day: Date) -> Date {
        var utcCalendar = Calendar(identifier: .gregorian)
        utcCalendar.timeZone = utc
        return utcCalendar.date(byAdding: .day, value: days, to: day)!
    }
}
