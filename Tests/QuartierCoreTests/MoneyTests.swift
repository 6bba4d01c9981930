import Foundation
import Testing
@testable import QuartierCore

@Suite("Money in integer cents")
struct MoneyTests {
    @Test("German and plain notations parse to cents")
    func parses() {
        #expect(Money.parseCents("400") == 40_000)
        #expect(Money.parseCents("1.234,56") == 123_456)
        #expect(Money.parseCents("1234.5") == 123_450)
        #expect(Money.parseCents("1234,5") == 123_450)
        #expect(Money.parseCents("12.30") == 1_230)
        #expect(Money.parseCents("1.234") == 123_400)
        #expect(Money.parseCents("1.234.567,89") == 123_456_789)
        #expect(Money.parseCents(" 1 234,56 € ") == 123_456)
        #expect(Money.parseCents("0") == 0)
        #expect(Money.parseCents(",50") == 50)
        #expect(Money.parseCents("EUR 12") == 1_200)
    }

    @Test("Negative, non-numeric, ambiguous and absurd amounts are refused")
    func refuses() {
        for bad in ["", " ", "-5", "−5", "abc", "12a", "1,2,3", "1,234.56", "1.2345,00", "12,345", "1.23.4",
                    "12.", "1e5", "99999999999", "10000001", "٣", ".", ","] {
            #expect(Money.parseCents(bad) == nil, "\(bad) should be refused")
        }
        #expect(Money.parseCents("10000000") == Money.maximumCents)
    }

    @Test("Formatting uses German separators and the euro sign")
    func formats() {
        #expect(Money.format(cents: 123_456) == "1.234,56\u{00A0}€")
        #expect(Money.format(cents: 40_000) == "400,00\u{00A0}€")
        #expect(Money.format(cents: 5) == "0,05\u{00A0}€")
        #expect(Money.format(cents: -550) == "\u{2212}5,50\u{00A0}€")
        #expect(Money.formatNumber(cents: 123_456_789) == "1.234.567,89")
        #expect(Money.formatNumber(cents: 100_000) == "1.000,00")
        for cents in [0, 1, 99, 100, 123_456, 99_999_999] {
            #expect(Money.parseCents(Money.formatNumber(cents: cents)) == cents)
        }
    }
}
