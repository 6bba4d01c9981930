import Foundation
import Testing
@testable import QuartierCore

@Suite("iCalendar export")
struct ICalendarTests {
    static let now = Date(timeIntervalSince1970: 1_795_780_800) // 2026-11-27 12:00 UTC

    /// 15 June 2026, 17:00–19:00 UTC: 19:00–21:00 summer time in Berlin.
    static let summer = CalendarEvent(
        uid: "meeting-3f2b1c0d-5e6f-4a7b-8c9d-0e1f2a3b4c5d@quartier",
        start: Date(timeIntervalSince1970: 1_781_542_800),
        end: Date(timeIntervalSince1970: 1_781_550_000),
        summary: "Sitzung des Mieterbeirats Süd, öffentlich",
        description: "Tagesordnung:\n1. Begrüßung; Protokoll\n2. Hof & Spielplatz\nUnterlagen: \\\\server\\beirat",
        location: "Stadtteilbüro Richtsberg, Raum 1.02",
        url: "https://quartier.example/committees/mieterbeirat/meetings/12",
        lastModified: Date(timeIntervalSince1970: 1_780_301_700) // 2026-06-01 08:15 UTC
    )

    /// 3 December 2026, 17:30–19:30 UTC: 18:30–20:30 standard time in Berlin, called off after two changes.
    static let winter = CalendarEvent(
        uid: "meeting-9a8b7c6d-5e4f-4321-8765-0fedcba98765@quartier",
        sequence: 2,
        start: Date(timeIntervalSince1970: 1_796_319_000),
        end: Date(timeIntervalSince1970: 1_796_326_200),
        summary: "Stadtteilkonferenz Grünes Viertel, Jahresplanung",
        description: "Fällt aus: Der Saal im Bürgerhaus ist wegen eines Wasserschadens gesperrt. Ein neuer Termin folgt über den Verteiler der Stadtteilkonferenz.",
        location: "Bürgerhaus Grünes Viertel",
        status: .cancelled,
        lastModified: Date(timeIntervalSince1970: 1_795_165_200) // 2026-11-20 09:00 UTC
    )

    static let calendar = ICalendar(name: "Gremien im Quartier: Süd, Nord", events: [summer, winter])

    /// The unfolded content lines, as a calendar reader sees them.
    static func unfolded(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    /// The content lines of the event with the given UID, from BEGIN:VEVENT to END:VEVENT.
    static func eventLines(_ uid: String, in text: String) -> [String] {
        let lines = unfolded(text)
        guard let uidIndex = lines.firstIndex(of: "UID:\(uid)"),
              let begin = lines[..<uidIndex].lastIndex(of: "BEGIN:VEVENT"),
              let end = lines[uidIndex...].firstIndex(of: "END:VEVENT") else { return [] }
        return Array(lines[begin...end])
    }

    @Test("The calendar has its header, the Berlin time zone and one event each")
    func structure() {
        let lines = Self.unfolded(Self.calendar.rendered(now: Self.now))
        #expect(Array(lines.prefix(7)) == [
            "BEGIN:VCALENDAR",
            "PRODID:-//Quartier//Quartiersmanagement//DE",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:Gremien im Quartier: Süd\\, Nord",
            "BEGIN:VTIMEZONE",
        ])
        #expect(lines.last == "END:VCALENDAR")
        #expect(lines.contains("TZID:Europe/Berlin"))
        #expect(lines.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"))
        #expect(lines.contains("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"))
        #expect(lines.firstIndex(of: "END:VTIMEZONE")! < lines.firstIndex(of: "BEGIN:VEVENT")!)
        #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 2)
        #expect(lines.filter { $0 == "DTSTAMP:20261127T120000Z" }.count == 2)
    }

    @Test("An invitation says REQUEST, and a calendar without a method leaves METHOD out")
    func method() {
        let invitation = ICalendar(name: "Einladung", events: [Self.summer], method: "REQUEST").rendered(now: Self.now)
        #expect(Self.unfolded(invitation).contains("METHOD:REQUEST"))
        let plain = ICalendar(name: "Termine", events: [Self.summer], method: nil).rendered(now: Self.now)
        #expect(!Self.unfolded(plain).contains { $0.hasPrefix("METHOD") })
    }

    @Test("A summer and a winter event start and end at their Berlin wall-clock times")
    func berlinTimes() {
        let text = Self.calendar.rendered(now: Self.now)
        let summer = Self.eventLines(Self.summer.uid, in: text)
        #expect(summer.contains("DTSTART;TZID=Europe/Berlin:20260615T190000"))
        #expect(summer.contains("DTEND;TZID=Europe/Berlin:20260615T210000"))
        #expect(summer.contains("LAST-MODIFIED:20260601T081500Z"))
        let winter = Self.eventLines(Self.winter.uid, in: text)
        #expect(winter.contains("DTSTART;TZID=Europe/Berlin:20261203T183000"))
        #expect(winter.contains("DTEND;TZID=Europe/Berlin:20261203T203000"))
    }

    @Test("A changed event carries its sequence, a called-off one STATUS:CANCELLED")
    func statusAndSequence() {
        let text = Self.calendar.rendered(now: Self.now)
        let summer = Self.eventLines(Self.summer.uid, in: text)
        #expect(summer.contains("SEQUENCE:0"))
        #expect(summer.contains("STATUS:CONFIRMED"))
        let winter = Self.eventLines(Self.winter.uid, in: text)
        #expect(winter.contains("SEQUENCE:2"))
        #expect(winter.contains("STATUS:CANCELLED"))
        let tentative = CalendarEvent(uid: "t", start: Self.now, end: Self.now, summary: "Vorbesprechung", status: .tentative)
        #expect(Self.unfolded(ICalendar(name: "x", events: [tentative]).rendered(now: Self.now)).contains("STATUS:TENTATIVE"))
    }

    @Test("Backslash, comma, semicolon and line breaks are escaped in text, not in the URL")
    func escaping() {
        let summer = Self.eventLines(Self.summer.uid, in: Self.calendar.rendered(now: Self.now))
        #expect(summer.contains("SUMMARY:Sitzung des Mieterbeirats Süd\\, öffentlich"))
        #expect(summer.contains(
            "DESCRIPTION:Tagesordnung:\\n1. Begrüßung\\; Protokoll\\n2. Hof & Spielplatz\\nUnterlagen: \\\\\\\\server\\\\beirat"))
        #expect(summer.contains("LOCATION:Stadtteilbüro Richtsberg\\, Raum 1.02"))
        #expect(summer.contains("URL:https://quartier.example/committees/mieterbeirat/meetings/12"))
        let windowsBreaks = CalendarEvent(uid: "w", start: Self.now, end: Self.now, summary: "a\r\nb")
        #expect(Self.unfolded(ICalendar(name: "x", events: [windowsBreaks]).rendered(now: Self.now)).contains("SUMMARY:a\\nb"))
    }

    @Test("Lines are folded at 75 octets with CRLF, never inside a UTF-8 sequence")
    func folding() {
        // "ü" takes two octets: after "SUMMARY:" (8) and 33 of them (74) the next one no longer fits.
        let summary = String(repeating: "ü", count: 80)
        let event = CalendarEvent(uid: "u", start: Self.now, end: Self.now, summary: summary)
        let bytes = Array(ICalendar(name: "x", events: [event]).rendered(now: Self.now).utf8)
        let physical = bytes.split(separator: 10, omittingEmptySubsequences: false).dropLast()
        for line in physical {
            #expect(line.last == 13, "every line ends in CRLF")
            #expect(line.count - 1 <= 75)
            #expect(String(bytes: line.dropLast(), encoding: .utf8) != nil)
        }
        let summaryLines = physical.map { String(decoding: $0.dropLast(), as: UTF8.self) }
            .drop { !$0.hasPrefix("SUMMARY:") }
            .prefix { $0.hasPrefix("SUMMARY:") || $0.hasPrefix(" ") }
        #expect(summaryLines.map(\.utf8.count) == [74, 75, 21])
        #expect(Self.unfolded(String(decoding: bytes, as: UTF8.self)).contains("SUMMARY:" + summary))
    }

    /// The golden file that `tests/interop/test_ical_interop.py` parses with Python's icalendar; set
    /// QUARTIER_UPDATE_FIXTURES=1 to write it anew after an intended change.
    @Test("The rendering matches the fixture that the interop check reads")
    func fixture() throws {
        let url = interopFixture("meetings.ics")
        let rendered = Self.calendar.rendered(now: Self.now)
        if ProcessInfo.processInfo.environment["QUARTIER_UPDATE_FIXTURES"] == "1" {
            try Data(rendered.utf8).write(to: url)
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == rendered)
    }
}
