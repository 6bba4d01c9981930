import Foundation

/// Which column of an import file holds what. Headers match without regard to case, spaces, hyphens
/// and umlauts, so "E-Mail", "email" and "Strasse" are found as well as "Straße".
public struct ImportColumns: Sendable {
    public enum Field: String, CaseIterable, Sendable {
        case name, familyName, givenName, organisation, function, email, phone
        case street, postalCode, city, languages, topics, since, note
    }

    /// Accepted header names per field, German first.
    public static let aliases: [Field: [String]] = [
        .name: ["Name", "Vollständiger Name", "full name"],
        .familyName: ["Nachname", "Familienname", "last name", "family name", "surname"],
        .givenName: ["Vorname", "first name", "given name"],
        .organisation: ["Organisation", "Einrichtung", "organization"],
        .function: ["Funktion", "Rolle", "function", "role"],
        .email: ["E-Mail", "E-Mail-Adresse", "Mail", "email"],
        .phone: ["Telefon", "Telefonnummer", "Tel", "phone"],
        .street: ["Straße", "Adresse", "street", "address"],
        .postalCode: ["PLZ", "Postleitzahl", "postal code", "zip"],
        .city: ["Ort", "Stadt", "Wohnort", "city"],
        .languages: ["Sprachen", "Sprache", "languages", "language"],
        .topics: ["Themen", "Thema", "topics", "topic"],
        .since: ["Seit", "since"],
        .note: ["Notiz", "Notizen", "Bemerkung", "note", "notes"],
    ]

    /// The column index of each field found in the header; the first matching column wins.
    public private(set) var indices: [Field: Int] = [:]
    /// The header as written in the file, to name columns in error messages the way the user sees them.
    public let header: [String]

    public init(header: [String]) {
        self.header = header
        let lookup = Dictionary(
            Self.aliases.flatMap { field, names in names.map { (Self.normalised($0), field) } },
            uniquingKeysWith: { first, _ in first }
        )
        for (index, name) in header.enumerated() {
            if let field = lookup[Self.normalised(name)], indices[field] == nil {
                indices[field] = index
            }
        }
    }

    /// A name column is required: either one "Name" column or a "Nachname" column.
    public var hasName: Bool { indices[.name] != nil || indices[.familyName] != nil }

    static func normalised(_ header: String) -> String {
        ActorImport.germanFolded(header).filter { $0.isLetter || $0.isNumber }
    }
}

public struct ImportedPerson: Equatable, Sendable {
    /// The line in the file, so the preview can point at it.
    public var line: Int
    public var givenName: String
    public var familyName: String
    public var organisation: String?
    public var function: String?
    public var email: String?
    public var phone: String?
    public var street: String?
    public var postalCode: String?
    public var city: String?
    public var languages: [String]
    public var topics: [String]
    /// A calendar day as `CalendarDate` stores it (midnight UTC).
    public var since: Date?
    public var note: String?

    public init(
        line: Int, givenName: String, familyName: String, organisation: String? = nil, function: String? = nil,
        email: String? = nil, phone: String? = nil, street: String? = nil, postalCode: String? = nil,
        city: String? = nil, languages: [String] = [], topics: [String] = [], since: Date? = nil, note: String? = nil
    ) {
        self.line = line
        self.givenName = givenName
        self.familyName = familyName
        self.organisation = organisation
        self.function = function
        self.email = email
        self.phone = phone
        self.street = street
        self.postalCode = postalCode
        self.city = city
        self.languages = languages
        self.topics = topics
        self.since = since
        self.note = note
    }

    public var displayName: String {
        [givenName, familyName].filter { !$0.isEmpty }.joined(separator: " ")
    }
}

public struct ImportProblem: Equatable, Sendable {
    public var line: Int
    /// The column as headed in the file.
    public var column: String?
    /// A catalog key, e.g. "import.error.email".
    public var messageKey: String
    /// The offending value, shown so the user can find and fix it.
    public var value: String?

    public init(line: Int, column: String? = nil, messageKey: String, value: String? = nil) {
        self.line = line
        self.column = column
        self.messageKey = messageKey
        self.value = value
    }
}

public struct ImportPreview: Equatable, Sendable {
    public var persons: [ImportedPerson]
    public var problems: [ImportProblem]

    public init(persons: [ImportedPerson], problems: [ImportProblem]) {
        self.persons = persons
        self.problems = problems
    }

    /// A file with any problem is rejected whole, so nothing is half imported.
    public var isAcceptable: Bool { problems.isEmpty }
}

/// Turns a spreadsheet of contacts into persons, with a per-line error report for the preview.
public enum ActorImport {
    /// Reads and checks a file in one step; a file that cannot be read becomes a single problem.
    public static func preview(_ data: Data) -> ImportPreview {
        switch GermanCSV.readDetailed(data) {
        case .success(let table):
            return preview(table)
        case .failure(.empty):
            return ImportPreview(persons: [], problems: [ImportProblem(line: 1, messageKey: "import.error.empty")])
        case .failure(.encoding):
            return ImportPreview(persons: [], problems: [ImportProblem(line: 1, messageKey: "import.error.encoding")])
        case .failure(.quoting(let line, _)):
            return ImportPreview(persons: [], problems: [ImportProblem(line: line, messageKey: "import.error.quoting")])
        }
    }

    /// Required: a name column ("Name" or "Nachname"). Without it there is one problem on line 1 and nothing
    /// else is parsed. A line with a problem is reported and left out of `persons`.
    public static func preview(_ table: GermanCSV.Table) -> ImportPreview {
        let columns = ImportColumns(header: table.header)
        guard columns.hasName else {
            return ImportPreview(persons: [], problems: [
                ImportProblem(line: 1, column: "Name", messageKey: "import.error.missing_columns"),
            ])
        }
        guard !table.rows.isEmpty else {
            return ImportPreview(persons: [], problems: [ImportProblem(line: 1, messageKey: "import.error.no_rows")])
        }
        var persons: [ImportedPerson] = []
        var problems: [ImportProblem] = []
        for (row, line) in zip(table.rows, table.lineNumbers) {
            switch person(row: row, line: line, columns: columns) {
            case .success(let person): persons.append(person)
            case .failure(let lineProblems): problems += lineProblems.problems
            }
        }
        return ImportPreview(persons: persons, problems: problems)
    }

    /// Normalised "given family" for duplicate detection: case, spacing, hyphens and diacritics do not count,
    /// and German umlauts equal their spelled-out form (Müller = Mueller).
    public static func nameKey(given: String, family: String) -> String {
        germanFolded("\(given) \(family)")
            .replacingOccurrences(of: "-", with: " ")
            .split(whereSeparator: \.isWhitespace)
            .joined(separator: " ")
    }

    public static func emailKey(_ email: String?) -> String? {
        guard let trimmed = email?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed.lowercased()
    }

    /// Lowercased, ä ö ü ß spelled out as Germans do when umlauts are missing, other accents dropped (é → e).
    static func germanFolded(_ text: String) -> String {
        var folded = text.lowercased()
        for (umlaut, spelled) in [("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")] {
            folded = folded.replacingOccurrences(of: umlaut, with: spelled)
        }
        return folded.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    }

    struct LineProblems: Error {
        var problems: [ImportProblem]
    }

    static func person(row: [String], line: Int, columns: ImportColumns) -> Result<ImportedPerson, LineProblems> {
        var problems: [ImportProblem] = []
        func value(_ field: ImportColumns.Field) -> String? {
            guard let index = columns.indices[field], index < row.count else { return nil }
            let trimmed = row[index].trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        func columnName(_ field: ImportColumns.Field) -> String? {
            columns.indices[field].map { columns.header[$0] }
        }

        if row.count > columns.header.count, row[columns.header.count...].contains(where: { !$0.isEmpty }) {
            problems.append(ImportProblem(line: line, messageKey: "import.error.too_many_columns"))
        }

        var given = value(.givenName) ?? ""
        var family = value(.familyName) ?? ""
        if family.isEmpty, given.isEmpty, let full = value(.name) {
            (given, family) = splitName(full)
        }
        if given.isEmpty, family.isEmpty {
            problems.append(ImportProblem(
                line: line, column: columnName(.familyName) ?? columnName(.name), messageKey: "import.error.name_missing"
            ))
        }

        let email = value(.email)
        if let email, !MailMessage.isValidAddress(email) {
            problems.append(ImportProblem(line: line, column: columnName(.email), messageKey: "import.error.email", value: email))
        }

        var since: Date?
        if let text = value(.since) {
            since = CalendarDate.parse(text)
            if since == nil {
                problems.append(ImportProblem(line: line, column: columnName(.since), messageKey: "import.error.date", value: text))
            }
        }

        guard problems.isEmpty else { return .failure(LineProblems(problems: problems)) }
        return .success(ImportedPerson(
            line: line, givenName: given, familyName: family,
            organisation: value(.organisation), function: value(.function), email: email, phone: value(.phone),
            street: value(.street), postalCode: value(.postalCode), city: value(.city),
            languages: list(value(.languages)), topics: list(value(.topics)), since: since, note: value(.note)
        ))
    }

    /// "Müller, Anna" is family first, as offices write it; "Anna Müller" has the family name last.
    public static func splitName(_ full: String) -> (given: String, family: String) {
        if let comma = full.firstIndex(of: ",") {
            let family = full[..<comma].trimmingCharacters(in: .whitespaces)
            let given = full[full.index(after: comma)...].trimmingCharacters(in: .whitespaces)
            return (given, family)
        }
        let words = full.split(whereSeparator: \.isWhitespace)
        guard words.count > 1 else { return ("", full) }
        return (words.dropLast().joined(separator: " "), String(words.last!))
    }

    static func list(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split { $0 == "," || $0 == "/" }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}
