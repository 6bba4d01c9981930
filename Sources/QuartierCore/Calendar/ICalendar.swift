import Foundation

/// One appointment in an iCalendar file; a later version with the same `uid` and a higher `sequence`
/// replaces it in the reader's calendar.
public struct CalendarEvent: Equatable, Sendable {
    public enum Status: String, Sendable {
        case tentative = "TENTATIVE"
        case confirmed = "CONFIRMED"
        case cancelled = "CANCELLED"
    }

    /// Stable across changes, e.g. `meeting-<uuid>@quartier`.
    public var uid: String
    /// Raised by the caller on every change that readers should take over.
    public var sequence: Int
    public var start: Date
    public var end: Date
    public var summary: String
    public var description: String?
    public var location: String?
    public var url: String?
    public var status: Status
    public var lastModified: Date?

    public init(
        uid: String,
        sequence: Int = 0,
        start: Date,
        end: Date,
        summary: String,
        description: String? = nil,
        location: String? = nil,
        url: String? = nil,
        status: Status = .confirmed,
        lastModified: Date? = nil
    ) {
        self.uid = uid
        self.sequence = sequence
        self.start = start
        self.end = end
        self.summary = summary
        self.description = description
        self.location = location
        self.url = url
        self.status = status
        self.lastModified = lastModified
    }
}

/// A calendar file (RFC 5545) whose times are Berlin wall-clock times, so an appointment stays at 19:00
/// for readers in any time zone and across the change to and from summer time.
public struct ICalendar: Sendable {
    /// Shown by calendar apps as the name of a subscribed calendar (X-WR-CALNAME).
    public var name: String
    public var events: [CalendarEvent]
    /// `PUBLISH` for a feed or a download, `REQUEST` for an invitation; nil leaves METHOD out.
    public var method: String?

    public init(name: String, events: [CalendarEvent], method: String? = "PUBLISH") {
        self.name = name
        self.events = events
        self.method = method
    }

    /// The file with CRLF line ends, every content line folded at 75 octets; `now` becomes each DTSTAMP.
    public func rendered(now: Date) -> String {
        var lines = [
            "BEGIN:VCALENDAR",
            "PRODID:-//Quartier//Quartiersmanagement//DE",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
        ]
        if let method { lines.append("METHOD:\(ContentLine.singleLine(method))") }
        lines.append("X-WR-CALNAME:\(ContentLine.escaped(name))")
        lines += Self.berlinTimeZone
        for event in events {
            lines += Self.lines(for: event, now: now)
        }
        lines.append("END:VCALENDAR")
        return ContentLine.joined(lines)
    }

    static let timeZoneID = "Europe/Berlin"

    /// RFC 5545 requires a VTIMEZONE for every TZID used. The EU rule since 1996: summer time from the last
    /// Sunday of March 02:00 to the last Sunday of October 03:00.
    static let berlinTimeZone = [
        "BEGIN:VTIMEZONE",
        "TZID:\(timeZoneID)",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "TZNAME:CEST",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]

    static func lines(for event: CalendarEvent, now: Date) -> [String] {
        var lines = [
            "BEGIN:VEVENT",
            "UID:\(ContentLine.escaped(event.uid))",
            "DTSTAMP:\(ContentLine.utcTimestamp(now))",
            "SEQUENCE:\(event.sequence)",
            "DTSTART;TZID=\(timeZoneID):\(berlinWallClock(event.start))",
            "DTEND;TZID=\(timeZoneID):\(berlinWallClock(event.end))",
            "SUMMARY:\(ContentLine.escaped(event.summary))",
        ]
        if let description = event.description, !description.isEmpty {
            lines.append("DESCRIPTION:\(ContentLine.escaped(description))")
        }
        if let location = event.location, !location.isEmpty {
            lines.append("LOCATION:\(ContentLine.escaped(location))")
        }
        if let url = event.url, !url.isEmpty {
            lines.append("URL:\(ContentLine.singleLine(url))")
        }
        lines.append("STATUS:\(event.status.rawValue)")
        if let lastModified = event.lastModified {
            lines.append("LAST-MODIFIED:\(ContentLine.utcTimestamp(lastModified))")
        }
        lines.append("END:VEVENT")
        return lines
    }

    static func berlinWallClock(_ moment: Date) -> String {
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        return ContentLine.wallClock(moment, in: berlin)
    }
}
