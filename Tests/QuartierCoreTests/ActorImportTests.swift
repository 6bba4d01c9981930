import Foundation
import Testing
@testable import QuartierCore

@Suite("Importing actors from a spreadsheet")
struct ActorImportTests {
    @Test("Good lines become persons with every column understood, German headers in any case")
    func goodLines() throws {
        let table = GermanCSV.Table(
            header: ["nachname", "VORNAME", "Organisation", "Funktion", "E-Mail", "Telefon", "Strasse", "PLZ", "Ort", "Sprachen", "Themen", "Seit", "Notiz"],
            rows: [
                ["Yılmaz", "Ayşe", "Mieterbeirat", "Sprecherin", " ayse@example.org ", "0642 1234", "Am Richtsberg 12", "35039", "Marburg", "Deutsch, Türkisch / Englisch", "Wohnen,Kinder", "01.03.2024", "kennt alle"],
                ["Lee", "", "", "", "", "", "", "", "", "", "", "2024-03-01", ""],
            ]
        )
        let preview = ActorImport.preview(table)
        #expect(preview.isAcceptable)
        #expect(preview.persons.count == 2)
        let ayse = try #require(preview.persons.first)
        #expect(ayse.line == 2)
        #expect(ayse.displayName == "Ayşe Yılmaz")
        #expect(ayse.email == "ayse@example.org")
        #expect(ayse.street == "Am Richtsberg 12")
        #expect(ayse.function == "Sprecherin")
        #expect(ayse.languages == ["Deutsch", "Türkisch", "Englisch"])
        #expect(ayse.topics == ["Wohnen", "Kinder"])
        #expect(ayse.since == CalendarDate.parse("2024-03-01"))
        #expect(preview.persons[1].since == ayse.since)
        #expect(preview.persons[1].displayName == "Lee")
        #expect(preview.persons[1].organisation == nil)
    }

    @Test("English headers and a single name column work too; 'Family, Given' is understood")
    func englishHeaders() {
        let table = GermanCSV.Table(header: ["Name", "email", "Postal Code"], rows: [["Müller, Anna", "a@example.org", "35037"], ["Jo Ann Smith", "", ""]])
        let preview = ActorImport.preview(table)
        #expect(preview.persons.map(\.familyName) == ["Müller", "Smith"])
        #expect(preview.persons.map(\.givenName) == ["Anna", "Jo Ann"])
        #expect(preview.persons.first?.postalCode == "35037")
    }

    @Test("Without a name column nothing is parsed and one problem names line 1")
    func missingColumns() {
        let preview = ActorImport.preview(GermanCSV.Table(header: ["Vorname", "E-Mail"], rows: [["Anna", "kaputt"]]))
        #expect(preview.persons.isEmpty)
        #expect(preview.problems == [ImportProblem(line: 1, column: "Name", messageKey: "import.error.missing_columns")])
        #expect(!preview.isAcceptable)
    }

    @Test("Bad lines are reported by line, column and value, and only good lines are kept")
    func badLines() {
        let data = GermanCSV.write(
            header: ["Nachname", "Vorname", "E-Mail", "Seit"],
            rows: [
                ["Kaya", "Deniz", "deniz@example.org", "15.01.2025"],
                ["Roth", "", "roth@@example", ""],
                ["", "", "niemand@example.org", ""],
                ["Becker", "Uwe", "", "31.02.2025"],
                ["Wolf", "Ina", "", "nächste Woche", "zu viel"],
            ]
        )
        let preview = ActorImport.preview(data)
        #expect(preview.persons.map(\.familyName) == ["Kaya"])
        #expect(preview.problems == [
            ImportProblem(line: 3, column: "E-Mail", messageKey: "import.error.email", value: "roth@@example"),
            ImportProblem(line: 4, column: "Nachname", messageKey: "import.error.name_missing"),
            ImportProblem(line: 5, column: "Seit", messageKey: "import.error.date", value: "31.02.2025"),
            ImportProblem(line: 6, messageKey: "import.error.too_many_columns"),
            ImportProblem(line: 6, column: "Seit", messageKey: "import.error.date", value: "nächste Woche"),
        ])
        #expect(!preview.isAcceptable)
    }

    @Test("Files that cannot be read become a single problem with the matching message")
    func unreadableFiles() {
        #expect(ActorImport.preview(Data()).problems.map(\.messageKey) == ["import.error.empty"])
        #expect(ActorImport.preview(Data([0x50, 0x4B, 0x03, 0x04, 0x00, 0x14])).problems.map(\.messageKey) == ["import.error.encoding"])
        #expect(ActorImport.preview(Data("Name\n\"Kaya\n".utf8)).problems == [ImportProblem(line: 2, messageKey: "import.error.quoting")])
        #expect(ActorImport.preview(Data("Name;Ort\n".utf8)).problems.map(\.messageKey) == ["import.error.no_rows"])
    }

    @Test("Duplicates are found regardless of case, spacing, hyphens, accents and spelled-out umlauts")
    func duplicateKeys() {
        let key = ActorImport.nameKey(given: "Jürgen", family: "Müller-Lüdenscheidt")
        #expect(ActorImport.nameKey(given: " juergen ", family: "MUELLER  Luedenscheidt") == key)
        #expect(ActorImport.nameKey(given: "René", family: "Groß") == ActorImport.nameKey(given: "rene", family: "gross"))
        #expect(ActorImport.nameKey(given: "Jürgen", family: "Müller") != ActorImport.nameKey(given: "Jürgen", family: "Möller"))
        #expect(ActorImport.emailKey(" Anna.Kaya@Example.ORG ") == "anna.kaya@example.org")
        #expect(ActorImport.emailKey("  ") == nil)
        #expect(ActorImport.emailKey(nil) == nil)
    }
}
