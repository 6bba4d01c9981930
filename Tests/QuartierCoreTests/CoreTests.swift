import Foundation
import Testing
@testable import QuartierCore

@Suite("Login throttling")
struct LoginThrottleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("The first failures cost nothing, then delays double, then the key locks")
    func escalation() {
        let policy = LoginThrottle.account
        #expect(policy.decision(failures: 3, lastFailure: now, now: now) == .allowed)
        #expect(policy.decision(failures: 4, lastFailure: now, now: now) == .wait(seconds: 2))
        #expect(policy.decision(failures: 5, lastFailure: now, now: now) == .wait(seconds: 4))
        #expect(policy.decision(failures: 5, lastFailure: now, now: now.addingTimeInterval(5)) == .allowed)
        #expect(policy.decision(failures: 10, lastFailure: now, now: now.addingTimeInterval(60)) == .locked(until: now.addingTimeInterval(15 * 60)))
        #expect(policy.decision(failures: 10, lastFailure: now, now: now.addingTimeInterval(15 * 60 + 1)) == .allowed)
    }

    @Test("Old failures are forgotten")
    func window() {
        let policy = LoginThrottle.account
        #expect(policy.activeFailures(9, lastFailure: now, now: now.addingTimeInterval(3601)) == 0)
        #expect(policy.activeFailures(9, lastFailure: now, now: now.addingTimeInterval(10)) == 9)
        #expect(policy.delaySeconds(afterFailures: 100) == 300)
    }
}

@Suite("Languages and catalogs")
struct LocalizationTests {
    @Test("Accept-Language picks the best supported language, German otherwise")
    func acceptLanguage() {
        #expect(Language.preferred(acceptLanguage: nil) == .de)
        #expect(Language.preferred(acceptLanguage: "en-US,en;q=0.9") == .en)
        #expect(Language.preferred(acceptLanguage: "tr-TR, en;q=0.4, de;q=0.8") == .de)
        #expect(Language.preferred(acceptLanguage: "fr, ar") == .de)
        #expect(Language.preferred(acceptLanguage: "en;q=0") == .de)
    }

    @Test("A missing English text falls back to German, a missing key shows itself; arguments are filled in")
    func lookup() {
        let catalog = Catalog(tables: [.de: ["a": "Hallo {0}", "b": "Nur deutsch"], .en: ["a": "Hello {0}"]])
        #expect(catalog.text("a", .en, ["Aylin"]) == "Hello Aylin")
        #expect(catalog.text("b", .en) == "Nur deutsch")
        #expect(catalog.text("c", .de) == "c")
        #expect(catalog.missingKeys(in: .en) == ["b"])
    }

    @Test("Times are shown in Europe/Berlin, summer and winter")
    func berlinTime() {
        let winter = Date(timeIntervalSince1970: 1_800_000_000) // 2027-01-15 08:00 UTC
        let summer = Date(timeIntervalSince1970: 1_815_000_000) // 2027-07-07 22:40 UTC
        #expect(BerlinTime.dateTime(winter, .de) == "15.01.2027, 09:00 Uhr")
        #expect(BerlinTime.time(summer, .de) == "00:40")
        #expect(BerlinTime.date(summer, .en) == "8 Jul 2027")
        #expect(BerlinTime.machineReadable(winter) == "2027-01-15T09:00:00+01:00")
        // The hand-made form agrees with Foundation's formatter over centuries, leap days and both offsets.
        let reference = ISO8601DateFormatter()
        reference.timeZone = BerlinTime.zone
        var moment = Date(timeIntervalSince1970: -2_208_988_800) // 1900-01-01
        while moment < Date(timeIntervalSince1970: 4_102_444_800) { // 2100-01-01
            #expect(BerlinTime.machineReadable(moment) == reference.string(from: moment))
            moment.addTimeInterval(86_400 * 13 + 3_607)
        }
        let days = DateFormatter()
        days.locale = Locale(identifier: "en_US_POSIX")
        days.timeZone = TimeZone(identifier: "UTC")
        days.dateFormat = "yyyy-MM-dd"
        for offset in stride(from: -30_000, to: 60_000, by: 97) {
            let day = Date(timeIntervalSince1970: Double(offset) * 86_400)
            #expect(CalendarDate.iso(day) == days.string(from: day))
        }
    }
}

@Suite("Small domain rules")
struct DomainRuleTests {
    @Test("Only local paths are followed")
    func safeRedirect() {
        #expect(SafeRedirect.localPath("/impressum?x=1") == "/impressum?x=1")
        #expect(SafeRedirect.localPath("//evil.example") == "/")
        #expect(SafeRedirect.localPath("https://evil.example") == "/")
        #expect(SafeRedirect.localPath("/\\evil.example") == "/")
        #expect(SafeRedirect.localPath(nil, fallback: "/verwaltung") == "/verwaltung")
    }

    @Test("Audit changes list only changed fields and hide secrets")
    func auditDiff() {
        let changes = AuditDiff.changes(
            before: ["name": "A", "phone": "1", "password": "x"],
            after: ["name": "A", "phone": "2", "password": "y", "email": "a@b.example"],
            redacted: ["password"]
        )
        #expect(changes == [
            FieldChange(field: "email", before: nil, after: "a@b.example"),
            FieldChange(field: "password", before: "•••", after: "•••"),
            FieldChange(field: "phone", before: "1", after: "2"),
        ])
    }

    @Test("Retries back off exponentially up to a ceiling, then stop")
    func retryPolicy() {
        let policy = RetryPolicy(maxAttempts: 4, baseDelay: 30, maxDelay: 100)
        #expect(policy.delay(afterAttempts: 1) == 30)
        #expect(policy.delay(afterAttempts: 2) == 60)
        #expect(policy.delay(afterAttempts: 3) == 100)
        #expect(policy.delay(afterAttempts: 4) == nil)
    }

    @Test("Page windows clamp to the existing pages")
    func pageWindow() {
        let window = PageWindow(page: 7, perPage: 25, total: 61)
        #expect(window.page == 3)
        #expect(window.offset == 50)
        #expect(!window.hasNext)
        #expect(window.hasPrevious)
        #expect(PageWindow(page: -2, perPage: 25, total: 0).page == 1)
        #expect(PageWindow(page: nil, perPage: 25, total: 0).pageCount == 1)
    }

    @Test("Plain text splits into paragraphs and lines")
    func plainText() {
        #expect(PlainText.paragraphs("Eins\r\nzwei\n\n\n  Drei  \n") == [["Eins", "zwei"], ["Drei"]])
        #expect(PlainText.lines(" a \n\n b") == ["a", "b"])
    }

    @Test("Demo randomness is the same on every run")
    func seededGenerator() {
        var one = SeededGenerator(seed: 7), two = SeededGenerator(seed: 7), other = SeededGenerator(seed: 8)
        let first = (0..<5).map { _ in one.next() }
        #expect(first == (0..<5).map { _ in two.next() })
        #expect(first != (0..<5).map { _ in other.next() })
    }
}

@Suite("E-mail messages")
struct MailMessageTests {
    @Test("Headers are encoded, bodies quoted-printable, and input cannot add headers")
    func rendering() {
        let message = MailMessage(
            from: "quartier@stadtwald.example", to: "a@b.example\r\nBcc: victim@example.org",
            subject: "Einladung zur Sitzung – Grünfläche", body: "Grüße aus dem Stadtteilbüro\n= Gleich", headers: ["Reply-To": "x@y.example"]
        ).rendered(messageID: "1@stadtwald.example", date: Date(timeIntervalSince1970: 0))
        #expect(message.contains("To: a@b.example  Bcc: victim@example.org\r\n"), "the line break is removed, so no Bcc header exists")
        #expect(!message.contains("\r\nBcc:"))
        #expect(message.contains("Subject: =?UTF-8?B?"))
        #expect(message.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(message.contains("Gr=C3=BC=C3=9Fe aus dem Stadtteilb=C3=BCro\r\n=3D Gleich"))
        #expect(message.contains("Reply-To: x@y.example"))
    }

    @Test("Long lines are soft-wrapped below 76 characters")
    func softWrap() {
        let body = String(repeating: "ä", count: 60)
        let rendered = MailMessage(from: "a@b.example", to: "c@d.example", subject: "S", body: body).rendered(messageID: "x@y", date: Date())
        let bodyLines = rendered.components(separatedBy: "\r\n\r\n")[1].components(separatedBy: "\r\n")
        #expect(bodyLines.count > 1)
        #expect(bodyLines.allSatisfy { $0.count <= 76 })
    }

    @Test("Addresses are checked")
    func addresses() {
        #expect(MailMessage.isValidAddress("jana@stadtwald.example"))
        #expect(!MailMessage.isValidAddress("jana@localhost"))
        #expect(!MailMessage.isValidAddress("a b@c.de"))
        #expect(!MailMessage.isValidAddress("a@b.de,c@d.de"))
        #expect(!MailMessage.isValidAddress("@b.de"))
    }
}

@Suite("Calendar days")
struct CalendarDateTests {
    @Test("Dates typed in either form become the same day, and impossible dates are refused")
    func parse() {
        let iso = CalendarDate.parse("2026-11-27")
        #expect(iso != nil)
        #expect(CalendarDate.parse("27.11.2026") == iso)
        #expect(CalendarDate.parse("31.02.2026") == nil)
        #expect(CalendarDate.parse("morgen") == nil)
        #expect(CalendarDate.iso(iso!) == "2026-11-27")
        #expect(CalendarDate.display(iso!, .de) == "27.11.2026")
    }

    @Test("Shortly after midnight in Berlin it is already the next day")
    func berlinDay() {
        let lateUTC = Date(timeIntervalSince1970: 1_800_000_000 - 8 * 3600 + 23 * 3600 + 30 * 60) // 2027-01-15 23:30 UTC = 00:30 in Berlin
        #expect(CalendarDate.iso(CalendarDate.day(of: lateUTC)) == "2027-01-16")
        #expect(CalendarDate.iso(CalendarDate.monthsBefore(3, CalendarDate.parse("2026-05-31")!)) == "2026-02-28")
    }
}

@Suite("E-mail attachments")
struct MailAttachmentTests {
    @Test("An attachment makes a multipart message whose parts carry the text and the file")
    func multipart() {
        let ics = "BEGIN:VCALENDAR\r\nSUMMARY:Sitzung: AK Süd\r\nEND:VCALENDAR\r\n"
        let message = MailMessage(from: "a@b.example", to: "c@d.example", subject: "Einladung", body: "Hallo",
                                  attachments: [.init(filename: "sitzung.ics", contentType: "text/calendar; charset=UTF-8; method=PUBLISH", text: ics)])
            .rendered(messageID: "m1@quartier.example", date: Date(timeIntervalSince1970: 0))
        #expect(message.contains("Content-Type: multipart/mixed; boundary=\"quartier-m1quartierexample\""))
        #expect(message.contains("Content-Disposition: attachment; filename=\"sitzung.ics\""))
        #expect(message.contains("BEGIN:VCALENDAR"))
        #expect(message.contains("AK S=C3=BCd"))
        #expect(message.hasSuffix("--quartier-m1quartierexample--\r\n"))
        #expect(!MailMessage(from: "a@b.example", to: "c@d.example", subject: "S", body: "B").rendered(messageID: "x@y", date: Date()).contains("multipart"))
    }
}
