import Foundation

/// Times are stored in UTC and shown in Europe/Berlin, in the format of the reader's language.
public enum BerlinTime {
    public static let zone = TimeZone(identifier: "Europe/Berlin")!

    public static func dateTime(_ date: Date, _ language: Language) -> String {
        formatter(language, pattern: language == .de ? "dd.MM.yyyy, HH:mm 'Uhr'" : "d MMM yyyy, HH:mm").string(from: date)
    }

    public static func date(_ date: Date, _ language: Language) -> String {
        formatter(language, pattern: language == .de ? "dd.MM.yyyy" : "d MMM yyyy").string(from: date)
    }

    public static func time(_ date: Date, _ language: Language) -> String {
        formatter(language, pattern: "HH:mm").string(from: date)
    }

    /// ISO 8601 with offset, for `<time datetime>`, feeds and OParl. Computed by hand: lists of thousands of
    /// objects call it several times per object, and creating a formatter each time cost a millisecond per object.
    public static func machineReadable(_ date: Date) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let local = Int((date.timeIntervalSince1970).rounded(.down)) + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = local - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(year)-\(two(month))-\(two(day))T\(two(seconds / 3600)):\(two(seconds % 3600 / 60)):\(two(seconds % 60))"
        if offset == 0 {
            text += "Z"
        } else {
            text += (offset > 0 ? "+" : "-") + two(abs(offset) / 3600) + ":" + two(abs(offset) % 3600 / 60)
        }
        return text
    }

    /// Year, month and day of a day counted from 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civilDate(daysSinceEpoch: Int) -> (Int, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func formatter(_ language: Language, pattern: String) -> CachedFormatter {
        CachedFormatter(key: "\(language.rawValue)|\(pattern)") {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: language == .de ? "de_DE" : "en_GB")
            formatter.timeZone = zone
            formatter.dateFormat = pattern
            return formatter
        }
    }

    /// Creating a DateFormatter costs far more than using one; each pattern is made once and used under a lock,
    /// since one formatter must not format on two threads at once.
    struct CachedFormatter {
        private nonisolated(unsafe) static var formatters: [String: DateFormatter] = [:]
        private static let lock = NSLock()
        let key: String
        let make: () -> DateFormatter

        func string(from date: Date) -> String {
            Self.lock.lock()
            defer { Self.lock.unlock() }
            if let formatter = Self.formatters[key] { return formatter.string(from: date) }
            let formatter = make()
            Self.formatters[key] = formatter
            return formatter.string(from: date)
        }
    }
}
