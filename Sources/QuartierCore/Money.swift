import Foundation

/// An amount of money in euro cents. Money is integer cents everywhere: no floating point on the way from a form to
/// the database and back.
public enum Money {
    /// The largest amount accepted from a form: ten million euros, far above any budget line of a neighbourhood
    /// programme, and far below where Int arithmetic could overflow when summing.
    public static let maximumCents = 1_000_000_000

    /// Parses what people type into an amount field into cents, or nil when it is not a non-negative amount.
    ///
    /// Accepted: "400", "400,5", "1.234,56", "1234.5", "1 234,56", "1234,56 €", "EUR 12". A comma is always the
    /// decimal separator; a dot is the decimal separator only when it is the only separator and is followed by one or
    /// two digits ("1234.5", "12.30"), otherwise it groups thousands ("1.234", "1.234.567"). At most two decimals.
    /// Refused: empty input, negative amounts, letters, more than two decimals, misplaced group separators, and
    /// amounts above `maximumCents`.
    public static func parseCents(_ input: String) -> Int? {
        var text = input.trimmingCharacters(in: .whitespacesAndNewlines)
        for currency in ["€", "EUR", "eur", "Euro", "euro"] {
            if text.hasSuffix(currency) { text = String(text.dropLast(currency.count)) }
            if text.hasPrefix(currency) { text = String(text.dropFirst(currency.count)) }
        }
        text = text.replacingOccurrences(of: "\u{00A0}", with: "")
            .replacingOccurrences(of: "\u{202F}", with: "")
            .replacingOccurrences(of: " ", with: "")
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }) else {
            return nil
        }
        var integerPart: String
        var fraction = ""
        // A decimal separator needs digits after it: "12," and "12." are typos, not amounts.
        guard !text.hasSuffix(","), !text.hasSuffix(".") else { return nil }
        let commas = text.filter { $0 == "," }.count
        let dots = text.filter { $0 == "." }.count
        if commas > 1 { return nil }
        if commas == 1 {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            integerPart = String(parts[0])
            fraction = String(parts[1])
            guard !fraction.contains(".") else { return nil }
        } else if dots == 1, let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) - 1 <= 2 {
            integerPart = String(text[..<dot])
            fraction = String(text[text.index(after: dot)...])
        } else {
            integerPart = text
        }
        if integerPart.contains(".") {
            let groups = integerPart.split(separator: ".", omittingEmptySubsequences: false)
            guard let first = groups.first, (1...3).contains(first.count),
                  groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
            integerPart = groups.joined()
        }
        guard fraction.count <= 2, !(integerPart.isEmpty && fraction.isEmpty) else { return nil }
        if integerPart.isEmpty { integerPart = "0" }
        guard integerPart.count <= 10, let euros = Int(integerPart) else { return nil }
        let cents = fraction.isEmpty ? 0 : (Int(fraction.padding(toLength: 2, withPad: "0", startingAt: 0)) ?? -1)
        guard cents >= 0 else { return nil }
        let total = euros * 100 + cents
        return total <= maximumCents ? total : nil
    }

    /// The amount as Germans write it, with the euro sign: 123456 → "1.234,56 €", 40000 → "400,00 €",
    /// -550 → "−5,50 €" (differences can be negative, amounts from forms never are).
    public static func format(cents: Int) -> String {
        formatNumber(cents: cents) + "\u{00A0}€"
    }

    /// The amount without the currency, as it goes back into an input field: 123456 → "1.234,56".
    public static func formatNumber(cents: Int) -> String {
        let negative = cents < 0
        let magnitude = cents.magnitude
        let euros = String(magnitude / 100)
        let rest = magnitude % 100
        var grouped = ""
        for (offset, character) in euros.enumerated() {
            if offset > 0, (euros.count - offset) % 3 == 0 { grouped.append(".") }
            grouped.append(character)
        }
        return (negative ? "\u{2212}" : "") + grouped + "," + (rest < 10 ? "0" : "") + String(rest)
    }
}
