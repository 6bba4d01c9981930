import Foundation
import Testing
@testable import QuartierCore

@Suite("CSV for German Excel")
struct GermanCSVTests {
    @Test("Export is UTF-8 with BOM, semicolons and CRLF, quoting only where needed")
    func writeFormat() {
        let data = GermanCSV.write(header: ["Name", "Notiz"], rows: [["Müller", "a;b"], ["Chen", "sagt \"hallo\"\nund tschüss"], [" Lee", ""]])
        #expect(data.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        #expect(text == "Name;Notiz\r\nMüller;\"a;b\"\r\nChen;\"sagt \"\"hallo\"\"\nund tschüss\"\r\n\" Lee\";\r\n")
    }

    @Test("Values that a spreadsheet would run as a formula get an apostrophe; phone numbers stay as typed")
    func formulaInjection() {
        let data = GermanCSV.write(header: ["a"], rows: [["=HYPERLINK(\"http://x\")"], ["@SUM(A1)"], ["+1+cmd|' /C calc'!A0"], ["-2+3"], ["+49 6421 1234"], ["-12,50"], ["E-Mail"]])
        let lines = String(decoding: data.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines[1] == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        #expect(lines[2] == "'@SUM(A1)")
        #expect(lines[3] == "'+1+cmd|' /C calc'!A0")
        #expect(lines[4] == "'-2+3")
        #expect(lines[5] == "+49 6421 1234")
        #expect(lines[6] == "-12,50")
        #expect(lines[7] == "E-Mail")
    }

    @Test("What we write reads back the same, with line numbers that count embedded line breaks")
    func roundTrip() throws {
        let header = ["Name", "Notiz", "Ort"]
        let rows = [["Müller, Anna", "zwei\r\nZeilen", "Marburg"], ["O'Brien", "\"zitiert\"; mit Semikolon", ""], ["Ümit", " Leerzeichen ", "Cölbe"]]
        let table = try GermanCSV.read(GermanCSV.write(header: header, rows: rows))
        #expect(table.header == header)
        #expect(table.rows == rows)
        #expect(table.lineNumbers == [2, 4, 5])
    }

    @Test("A Windows-1252 file from old Excel keeps its umlauts")
    func windows1252() throws {
        // ß is 0xDF and ü is 0xFC in Windows-1252; neither is valid UTF-8 on its own.
        let file = Data(Array("Name;Stra".utf8) + [0xDF] + Array("e\r\nM".utf8) + [0xFC] + Array("ller;Am Gr".utf8) + [0xFC] + Array("n 3\r\n".utf8))
        let table = try GermanCSV.read(file)
        #expect(table.header == ["Name", "Straße"])
        #expect(table.rows == [["Müller", "Am Grün 3"]])
    }

    @Test("A BOM is not part of the first header name, and header names are trimmed")
    func bom() throws {
        let table = try GermanCSV.read(Data([0xEF, 0xBB, 0xBF]) + Data(" Name ;E-Mail\r\nKaya;k@example.org\r\n".utf8))
        #expect(table.header == ["Name", "E-Mail"])
        #expect(table.rows == [["Kaya", "k@example.org"]])
    }

    @Test("Commas and tabs are recognised from the header line; a comma inside quotes does not count")
    func separators() throws {
        let comma = try GermanCSV.read(Data("\"Name, voll\",Ort,PLZ\nKaya,Marburg,35039\n".utf8))
        #expect(comma.header == ["Name, voll", "Ort", "PLZ"])
        #expect(comma.rows == [["Kaya", "Marburg", "35039"]])
        let semicolonWithCommas = try GermanCSV.read(Data("Name;Themen\nKaya;Wohnen, Kinder\n".utf8))
        #expect(semicolonWithCommas.rows == [["Kaya", "Wohnen, Kinder"]])
        let tab = try GermanCSV.read(Data("Name\tOrt\nKaya\tMarburg\n".utf8))
        #expect(tab.rows == [["Kaya", "Marburg"]])
    }

    @Test("Empty lines and Excel's rows of bare separators are skipped, line numbers stay true")
    func emptyLines() throws {
        let table = try GermanCSV.read(Data("Name;Ort\r\n\r\nKaya;Marburg\r\n;\r\nLee;Cölbe\r\n\r\n".utf8))
        #expect(table.rows == [["Kaya", "Marburg"], ["Lee", "Cölbe"]])
        #expect(table.lineNumbers == [3, 5])
    }

    @Test("Broken quoting is an error naming the line, not silently mangled data")
    func badQuoting() {
        #expect(throws: GermanCSV.ReadError.unreadable("Line 3: a quoted field is not closed")) {
            try GermanCSV.read(Data("Name;Ort\nKaya;Marburg\n\"Lee;Cölbe\nMüller;Marburg\n".utf8))
        }
        #expect(throws: GermanCSV.ReadError.unreadable("Line 2: text after a closing quote")) {
            try GermanCSV.read(Data("Name;Ort\n\"Kaya\"x;Marburg\n".utf8))
        }
    }

    @Test("Empty files and binary files are refused")
    func unreadable() {
        #expect(throws: GermanCSV.ReadError.empty) { try GermanCSV.read(Data()) }
        #expect(throws: GermanCSV.ReadError.empty) { try GermanCSV.read(Data([0xEF, 0xBB, 0xBF, 0x0D, 0x0A])) }
        #expect(throws: GermanCSV.ReadError.self) { try GermanCSV.read(Data([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00])) }
    }

    /// The golden file that `tests/interop/check_csv.py` reads with Python's csv module; set
    /// QUARTIER_UPDATE_FIXTURES=1 to write it anew after an intended change.
    @Test("The export matches the fixture that the interop check reads")
    func fixture() throws {
        let data = GermanCSV.write(
            header: ["Name", "Organisation", "E-Mail", "Telefon", "Notiz"],
            rows: [
                ["Ayşe Yılmaz-Schäfer", "Mieterbeirat; Haus 3", "ayse@example.org", "+49 6421 1234", "sagt \"hallo\"\nzweite Zeile"],
                ["Jürgen Groß", "Kita Sonnenschein", "", "", "=1+1"],
            ]
        )
        let url = interopFixture("export.csv")
        if ProcessInfo.processInfo.environment["QUARTIER_UPDATE_FIXTURES"] == "1" {
            try data.write(to: url)
        }
        #expect(try Data(contentsOf: url) == data)
    }
}
