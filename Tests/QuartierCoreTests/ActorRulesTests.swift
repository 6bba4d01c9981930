import Foundation
import Testing
@testable import QuartierCore

/// A moment given as Berlin wall-clock time, so tests read like the dates people talk about.
func berlin(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 12, _ minute: Int = 0) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = BerlinTime.zone
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
}

@Suite("Consent per purpose")
struct ConsentTests {
    @Test("A consent counts from the moment it is given until the moment it is withdrawn")
    func validity() {
        let grant = ConsentGrant(purpose: .newsletter, givenAt: berlin(2026, 3, 1), source: .form, withdrawnAt: berlin(2026, 6, 1))
        #expect(!ConsentRules.isValid(grant, at: berlin(2026, 2, 28)))
        #expect(ConsentRules.isValid(grant, at: berlin(2026, 3, 1)))
        #expect(ConsentRules.isValid(grant, at: berlin(2026, 5, 31)))
        #expect(!ConsentRules.isValid(grant, at: berlin(2026, 6, 1)))
        #expect(!ConsentRules.isValid(grant, at: berlin(2027, 1, 1)))
    }

    @Test("A consent recorded for today counts at once, also in the hour after Berlin midnight; a withdrawal ends it at once")
    func validFromTheDayItWasGiven() {
        // 00:30 in Berlin on 28 November is still 27 November in UTC; staff record the consent for the 28th.
        let now = berlin(2026, 11, 28, 0, 30)
        let day = CalendarDate.today(now: now)
        #expect(CalendarDate.iso(day) == "2026-11-28")
        let recorded = ConsentGrant(purpose: .newsletter, givenAt: day, source: .paper)
        #expect(!ConsentRules.isValid(recorded, at: now), "checked at the moment, the day's consent is not valid yet: the bug")
        #expect(ConsentRules.isValid(recorded, at: ConsentRules.checkedAt(now: now)))
        // A consent from a form carries its moment, and counts at once as well.
        let fromForm = ConsentGrant(purpose: .contact, givenAt: now, source: .form)
        #expect(ConsentRules.validPurposes([recorded, fromForm], at: ConsentRules.checkedAt(now: now)) == [.newsletter, .contact])
        // A withdrawal at this moment ends it at once; tomorrow's date is not known yet.
        let withdrawn = ConsentGrant(purpose: .newsletter, givenAt: day, source: .paper, withdrawnAt: now)
        #expect(!ConsentRules.isValid(withdrawn, at: ConsentRules.checkedAt(now: now)))
        let tomorrow = ConsentGrant(purpose: .newsletter, givenAt: day.addingTimeInterval(86_400), source: .paper)
        #expect(!ConsentRules.isValid(tomorrow, at: ConsentRules.checkedAt(now: now)))
    }

    @Test("Only purposes with a valid consent are usable: a withdrawal ends one purpose, a new grant restores it")
    func purposesOverTime() {
        let grants = [
            ConsentGrant(purpose: .contact, givenAt: berlin(2026, 1, 10), source: .paper),
            ConsentGrant(purpose: .newsletter, givenAt: berlin(2026, 1, 10), source: .paper, withdrawnAt: berlin(2026, 4, 1)),
            ConsentGrant(purpose: .newsletter, givenAt: berlin(2026, 9, 1), source: .verbal),
        ]
        #expect(ConsentRules.validPurposes(grants, at: berlin(2026, 1, 1)).isEmpty)
        #expect(ConsentRules.validPurposes(grants, at: berlin(2026, 2, 1)) == [.contact, .newsletter])
        #expect(ConsentRules.validPurposes(grants, at: berlin(2026, 5, 1)) == [.contact])
        #expect(ConsentRules.validPurposes(grants, at: berlin(2026, 10, 1)) == [.contact, .newsletter])
        #expect(!ConsentRules.validPurposes(grants, at: berlin(2026, 10, 1)).contains(.photoPublished))
    }

    @Test("The newest grant decides: withdrawing it is not undone by an older grant never withdrawn")
    func latestDecides() {
        let grants = [
            ConsentGrant(purpose: .namePublished, givenAt: berlin(2025, 1, 1), source: .form),
            ConsentGrant(purpose: .namePublished, givenAt: berlin(2026, 1, 1), source: .form, withdrawnAt: berlin(2026, 2, 1)),
        ]
        #expect(ConsentRules.validPurposes(grants, at: berlin(2025, 6, 1)) == [.namePublished])
        #expect(ConsentRules.validPurposes(grants.reversed(), at: berlin(2026, 3, 1)).isEmpty)
    }
}

@Suite("Functions in organisations")
struct FunctionPeriodTests {
    @Test("A function is current from its first to the end of its last day; open ends are open")
    func current() {
        let period = FunctionPeriod(from: berlin(2024, 1, 1, 0), until: berlin(2026, 3, 31, 0))
        #expect(!period.isCurrent(at: berlin(2023, 12, 31, 23, 59)))
        #expect(period.isCurrent(at: berlin(2024, 1, 1, 0)))
        #expect(period.isCurrent(at: berlin(2026, 3, 31, 23, 59)))
        #expect(!period.isCurrent(at: berlin(2026, 4, 1, 0)))
        #expect(FunctionPeriod(from: nil, until: nil).isCurrent(at: berlin(1990, 1, 1)))
        #expect(FunctionPeriod(from: berlin(2024, 1, 1), until: nil).isCurrent(at: berlin(2040, 1, 1)))
        #expect(!FunctionPeriod(from: nil, until: berlin(2020, 1, 1)).isCurrent(at: berlin(2020, 1, 2)))
    }

    @Test("Calendar days stored as midnight UTC count as whole Berlin days")
    func calendarDays() {
        let period = FunctionPeriod(from: CalendarDate.parse("01.04.2026"), until: CalendarDate.parse("30.06.2026"))
        #expect(period.isCurrent(at: berlin(2026, 4, 1, 0, 30)))
        #expect(period.isCurrent(at: berlin(2026, 6, 30, 23, 30)))
        #expect(!period.isCurrent(at: berlin(2026, 7, 1, 0, 30)))
        #expect(!period.isCurrent(at: berlin(2026, 3, 31, 23, 30)))
    }

    @Test("A period may not end before it starts")
    func validity() {
        #expect(FunctionPeriod(from: berlin(2026, 1, 1), until: berlin(2026, 1, 1)).isValid)
        #expect(!FunctionPeriod(from: berlin(2026, 1, 2), until: berlin(2026, 1, 1)).isValid)
        #expect(FunctionPeriod(from: nil, until: berlin(2026, 1, 1)).isValid)
    }
}

@Suite("Outreach coverage")
struct OutreachCoverageTests {
    @Test("The cutoff is N calendar months back, clamped at a short month, at the start of that Berlin day")
    func cutoffAcrossMonths() {
        #expect(OutreachCoverage.cutoff(months: 1, now: berlin(2026, 3, 31, 15)) == berlin(2026, 2, 28, 0))
        #expect(OutreachCoverage.cutoff(months: 3, now: berlin(2026, 1, 15, 9)) == berlin(2025, 10, 15, 0))
        // Across the change to summer time the cutoff is still Berlin midnight, not 23:00 or 01:00.
        #expect(OutreachCoverage.cutoff(months: 1, now: berlin(2026, 4, 10, 12)) == berlin(2026, 3, 10, 0))
    }

    @Test("A contact on the cutoff day is recent, the day before is overdue, whatever the hour")
    func boundary() {
        let now = berlin(2026, 3, 31, 8)
        let cutoff = OutreachCoverage.cutoff(months: 1, now: now)
        #expect(berlin(2026, 2, 28, 0, 5) >= cutoff)
        #expect(berlin(2026, 2, 27, 23, 55) < cutoff)
        #expect(CalendarDate.parse("2026-02-28")! >= cutoff, "a stored calendar day on the cutoff day is recent")
        #expect(CalendarDate.parse("2026-02-27")! < cutoff)
    }
}
