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

    /// ISO 8601 with offset, for `<time datetime>`.
    public static func machineReadable(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        return formatter.string(from: date)
    }

    private static func formatter(_ language: Language, pattern: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == .de ? "de_DE" : "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter
    }
}
