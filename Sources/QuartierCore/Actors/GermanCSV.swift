import CSV
import Foundation

/// CSV as German Excel writes and opens it: `;` between fields, UTF-8 with BOM on export,
/// and on import whatever an office machine produced (BOM or not, Windows-1252, `,` or tab).
public enum GermanCSV {
    /// UTF-8 with BOM (without it Excel reads the file as Windows-1252), `;` separator, CRLF,
    /// fields quoted when they contain ; " CR LF or leading/trailing space, with "" escaping.
    /// A field that a spreadsheet would run as a formula gets a leading apostrophe.
    public static func write(header: [String], rows: [[String]]) -> Data {
        var text = ""
        for row in [header] + rows {
            text += row.map(field).joined(separator: ";") + "\r\n"
        }
        return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
    }

    public struct Table: Equatable, Sendable {
        public var header: [String]
        /// The data rows, without the header.
        public var rows: [[String]]
        /// The 1-based line of each row in the file (the header is line 1), for error reports
        /// that the user can find in the spreadsheet.
        public var lineNumbers: [Int]

        /// Without `lineNumbers`, rows are taken to follow the header line by line.
        public init(header: [String], rows: [[String]], lineNumbers: [Int]? = nil) {
            self.header = header
            self.rows = rows
            self.lineNumbers = lineNumbers ?? rows.indices.map { $0 + 2 }
        }
    }

    public enum ReadError: Error, Equatable {
        case empty
        /// Bad quoting or bytes that are no text; the message names the line.
        case unreadable(String)
    }

    /// Accepts UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), otherwise Windows-1252.
    /// Detects `;` vs `,` vs tab from the header line. Skips completely empty lines (also Excel's `;;;`).
    /// Trims header names.
    public static func read(_ data: Data) throws -> Table {
        switch readDetailed(data) {
        case .success(let table): return table
        case .failure(.empty): throw ReadError.empty
        case .failure(.encoding): throw ReadError.unreadable("The file is not text in UTF-8, UTF-16 or Windows-1252.")
        case .failure(.quoting(let line, let reason)): throw ReadError.unreadable("Line \(line): \(reason)")
        }
    }

    /// Why a file could not be read, precisely enough to pick a message for the user.
    enum Failure: Error, Equatable {
        case empty
        case encoding
        case quoting(line: Int, reason: String)
    }

    static func readDetailed(_ data: Data) -> Result<Table, Failure> {
        guard let text = decoded(data) else { return .failure(.encoding) }
        guard text.contains(where: { !$0.isWhitespace }) else { return .failure(.empty) }
        let delimiter = detectDelimiter(text)
        let starts: [Int]
        switch recordStartLines(text, delimiter: delimiter) {
        case .success(let lines): starts = lines
        case .failure(let failure): return .failure(failure)
        }
        var records: [[String]] = []
        do {
            let reader = try CSVReader(string: text, delimiter: delimiter)
            while let row = reader.next() { records.append(row) }
        } catch {
            return .failure(.quoting(line: 1, reason: "\(error)"))
        }
        // The line scan and the library must agree on the records, or the line numbers would point elsewhere.
        guard records.count == starts.count else {
            return .failure(.quoting(line: 1, reason: "inconsistent records"))
        }
        let kept = zip(records, starts).filter { record, _ in record.contains { !$0.isEmpty } }
        guard let first = kept.first else { return .failure(.empty) }
        let header = first.0.map { $0.trimmingCharacters(in: .whitespaces) }
        let rest = kept.dropFirst()
        return .success(Table(header: header, rows: rest.map(\.0), lineNumbers: rest.map(\.1)))
    }

    static func decoded(_ data: Data) -> String? {
        let bytes = [UInt8](data.prefix(3))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return String(data: data.dropFirst(3), encoding: .utf8)
        }
        if bytes.starts(with: [0xFF, 0xFE]) { return String(data: data.dropFirst(2), encoding: .utf16LittleEndian) }
        if bytes.starts(with: [0xFE, 0xFF]) { return String(data: data.dropFirst(2), encoding: .utf16BigEndian) }
        // NUL bytes mean a binary file (an .xlsx or a picture), which UTF-8 or Windows-1252 would happily "decode".
        guard !data.contains(0) else { return nil }
        return String(data: data, encoding: .utf8) ?? String(data: data, encoding: .windowsCP1252)
    }

    /// The separator that occurs most often outside quotes in the first non-empty line; `;` wins ties.
    static func detectDelimiter(_ text: String) -> UnicodeScalar {
        var counts: [UnicodeScalar: Int] = [";": 0, "\t": 0, ",": 0]
        var quoted = false
        var seenContent = false
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted.toggle() }
            if !quoted, scalar == "\n" || scalar == "\r" {
                if seenContent { break }
                continue
            }
            seenContent = true
            if !quoted, counts[scalar] != nil { counts[scalar]! += 1 }
        }
        return [";", "\t", ","].reduce(";") { best, candidate in counts[candidate]! > counts[best]! ? candidate : best }
    }

    /// The line each record starts on, and strictness that the library lacks: it silently takes an unclosed
    /// quote to the end of the file and drops a character after a closing quote, which would import garbage.
    static func recordStartLines(_ text: String, delimiter: UnicodeScalar) -> Result<[Int], Failure> {
        enum State { case fieldStart, unquoted, quoted, afterQuote }
        var state = State.fieldStart
        var line = 1
        var recordStart = 1
        var recordHasContent = false
        var quoteLine = 1
        var starts: [Int] = []
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            let isBreak = scalar == "\r" || (scalar == "\n" && !previousWasCR)
            let continuesCRLF = scalar == "\n" && previousWasCR
            previousWasCR = scalar == "\r"
            if continuesCRLF { continue }
            switch state {
            case .quoted:
                if scalar == "\"" { state = .afterQuote }
                if isBreak { line += 1 }
                continue
            case .afterQuote:
                if scalar == "\"" {
                    state = .quoted
                    continue
                }
                if scalar != delimiter, !isBreak {
                    return .failure(.quoting(line: line, reason: "text after a closing quote"))
                }
            case .fieldStart, .unquoted:
                break
            }
            if isBreak {
                starts.append(recordStart)
                line += 1
                recordStart = line
                recordHasContent = false
                state = .fieldStart
            } else if scalar == delimiter {
                recordHasContent = true
                state = .fieldStart
            } else {
                recordHasContent = true
                if state == .fieldStart, scalar == "\"" {
                    state = .quoted
                    quoteLine = line
                } else if state == .fieldStart {
                    state = .unquoted
                }
            }
        }
        if state == .quoted { return .failure(.quoting(line: quoteLine, reason: "a quoted field is not closed")) }
        if recordHasContent || state == .afterQuote { starts.append(recordStart) }
        return .success(starts)
    }

    static func field(_ value: String) -> String {
        var value = value
        if isFormulaLike(value) { value = "'" + value }
        let needsQuotes = value.contains { ";\"\r\n".contains($0) } || value.first == " " || value.last == " "
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Fields starting with = + - @ (or tab, CR) run as formulas in spreadsheets (CSV injection). Phone numbers
    /// and negative numbers ("+49 6421 1234", "-12,50") cannot call anything, so they stay as typed.
    static func isFormulaLike(_ value: String) -> Bool {
        guard let first = value.first, "=+-@\t\r".contains(first) else { return false }
        if first == "+" || first == "-" {
            let rest = value.dropFirst()
            let harmless = !rest.isEmpty && rest.allSatisfy { $0.isASCII && ($0.isNumber || " ./-(),".contains($0)) }
            return !harmless
        }
        return true
    }
}
