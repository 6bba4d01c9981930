import Foundation

/// The line rules that vCard (RFC 6350) and iCalendar (RFC 5545) share: text escaping, folding, UTC stamps.
enum ContentLine {
    /// Backslash, comma, semicolon and line breaks are escaped in text values (RFC 6350 3.4, RFC 5545 3.3.11).
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text.replacingOccurrences(of: "\r\n", with: "\n") {
            switch character {
            case "\\": result += "\\\\"
            case ",": result += "\\,"
            case ";": result += "\\;"
            case "\n", "\r": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    /// Values that are URIs rather than text must not carry a line break, which would start a new property.
    static func singleLine(_ text: String) -> String {
        String(text.unicodeScalars.filter { !CharacterSet.newlines.contains($0) }.map(Character.init))
    }

    /// `20261127T120000Z`.
    static func utcTimestamp(_ date: Date) -> String {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        return wallClock(date, in: utc) + "Z"
    }

    /// `20261127T130000`, the moment as a clock in the calendar's time zone shows it.
    static func wallClock(_ date: Date, in calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02d", parts.year!, parts.month!, parts.day!,
                      parts.hour!, parts.minute!, parts.second!)
    }

    /// Lines longer than 75 octets continue on the next line after one space (RFC 6350 3.2, RFC 5545 3.1).
    /// Breaks fall between Unicode scalars, so no UTF-8 sequence is ever split.
    static func folded(_ line: String) -> String {
        var pieces: [String] = []
        var current = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            // Continuation lines start with a space, which counts towards their 75 octets.
            let limit = pieces.isEmpty ? 75 : 74
            if octets + size > limit {
                pieces.append(current)
                current = ""
                octets = 0
            }
            current.unicodeScalars.append(scalar)
            octets += size
        }
        pieces.append(current)
        return pieces.joined(separator: "\r\n ")
    }

    /// Content lines joined with CRLF, each folded, ending in CRLF.
    static func joined(_ lines: [String]) -> String {
        lines.map(folded).joined(separator: "\r\n") + "\r\n"
    }
}
