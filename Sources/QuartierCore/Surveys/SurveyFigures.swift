import Foundation

/// The figures of a survey's results, from counts the database has already summed up: shares, frequency tables,
/// cross-tables, coverage and response rate. Pure arithmetic, so that every figure can be checked by hand.
public enum SurveyFigures {
    /// `part` of `total` in percent, rounded to one decimal; 0 when there is nothing to divide by.
    public static func share(_ part: Int, of total: Int) -> Double {
        guard total > 0 else { return 0 }
        return (Double(part) * 1000 / Double(total)).rounded() / 10
    }

    /// "12,5 %" in German, "12.5 %" in English.
    public static func percentText(_ value: Double, decimalComma: Bool) -> String {
        let text = String(format: "%.1f", value)
        return (decimalComma ? text.replacingOccurrences(of: ".", with: ",") : text) + " %"
    }

    public struct Row: Equatable, Sendable {
        public var key: String
        public var label: String
        public var count: Int
        public var share: Double

        public init(key: String, label: String, count: Int, share: Double) {
            self.key = key
            self.label = label
            self.count = count
            self.share = share
        }
    }

    /// One row per category in the given order (categories without a count show 0), shares of `base`.
    /// Sorted by count, largest first, when `byCount`; equal counts keep the given order.
    public static func frequencies(categories: [(key: String, label: String)], counts: [String: Int], base: Int, byCount: Bool = false) -> [Row] {
        let rows = categories.map { Row(key: $0.key, label: $0.label, count: counts[$0.key] ?? 0, share: share(counts[$0.key] ?? 0, of: base)) }
        guard byCount else { return rows }
        return rows.enumerated().sorted { ($0.element.count, -$0.offset) > ($1.element.count, -$1.offset) }.map(\.element)
    }

    /// Counts of row categories (e.g. themes) within column categories (e.g. sub-areas), with each column's base
    /// (the interviews in that column), so that a cell reads "x of the interviews in this column mention it".
    public struct CrossTable: Equatable, Sendable {
        public var rows: [(key: String, label: String)]
        public var columns: [(key: String, label: String)]
        public var counts: [String: [String: Int]]
        public var columnTotals: [String: Int]

        public init(rows: [(key: String, label: String)], columns: [(key: String, label: String)], counts: [String: [String: Int]], columnTotals: [String: Int]) {
            self.rows = rows
            self.columns = columns
            self.counts = counts
            self.columnTotals = columnTotals
        }

        public func count(row: String, column: String) -> Int { counts[row]?[column] ?? 0 }
        public func total(column: String) -> Int { columnTotals[column] ?? 0 }
        public func share(row: String, column: String) -> Double { SurveyFigures.share(count(row: row, column: column), of: total(column: column)) }

        public static func == (lhs: CrossTable, rhs: CrossTable) -> Bool {
            lhs.rows.map(\.key) == rhs.rows.map(\.key) && lhs.columns.map(\.key) == rhs.columns.map(\.key)
                && lhs.counts == rhs.counts && lhs.columnTotals == rhs.columnTotals
        }
    }

    /// How far the field work got in one part of the sample (a street, a sub-area, or all of it).
    public struct Coverage: Equatable, Sendable {
        public var label: String
        public var addresses: Int
        /// Addresses with at least one visit.
        public var visited: Int
        public var visits: Int
        public var interviews: Int
        public var refusals: Int

        public init(label: String, addresses: Int, visited: Int, visits: Int, interviews: Int, refusals: Int) {
            self.label = label
            self.addresses = addresses
            self.visited = visited
            self.visits = visits
            self.interviews = interviews
            self.refusals = refusals
        }

        /// Share of the sample's addresses that were visited at least once.
        public var coverage: Double { SurveyFigures.share(visited, of: addresses) }
        /// Share of the people met at the door who gave an interview (interviews of interviews and refusals).
        public var responseRate: Double { SurveyFigures.share(interviews, of: interviews + refusals) }
    }
}
