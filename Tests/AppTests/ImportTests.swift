import Fluent
import Foundation
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("CSV import of persons")
struct ImportTests {
    @Test("A Windows-1252 file from German Excel is previewed, duplicates are merged or skipped as chosen")
    func importWithDuplicates() async throws {
        try await withQuartier { app in
            // setup
            try await app.makeUser("team@quartier.test", role: .staff)
            let existing = Person(givenName: "Jonas", familyName: "Müller", email: "jonas@beispiel.example")
            try await existing.save(on: app.db)
            let other = Person(givenName: "Erika", familyName: "Groß")
            try await other.save(on: app.db)
            let csv = """
            Nachname;Vorname;Organisation;Funktion;E-Mail;Telefon;Sprachen;Themen;Seit
            Öztürk;Gülay;Mieterbeirat Süd;Sprecherin;gulay@beispiel.example;06421 1;Türkisch, Deutsch;Spielplätze;01.03.2024
            Mueller;Jonas;;;JONAS@beispiel.example;06421 2;;;
            Gross;Erika;;;;;;;
            """.replacingOccurrences(of: "\n", with: "\r\n")
            let data = try #require(csv.data(using: .windowsCP1252))
            var staff = Browser(app)
            try await staff.login("team@quartier.test")

            // act
            let preview = try await staff.upload("/verwaltung/import", field: "file", filename: "liste.csv", data: data, tokenFrom: "/verwaltung/import")

            // check
            #expect(preview.status == .ok)
            let html = preview.body.string
            #expect(html.contains("Gülay Öztürk"))
            #expect(html.contains("2 mögliche Doppelungen"))
            let batch = try #require(try await ImportBatch.query(on: app.db).first())
            let confirmed = try await staff.post("/verwaltung/import/\(try batch.requireID().uuidString)",
                                                 ["choice_3": "merge", "choice_4": "skip"], tokenFrom: "/verwaltung/import")
            #expect(confirmed.status == .seeOther)
            #expect(try await Person.query(on: app.db).count() == 3)
            let gulay = try #require(try await Person.query(on: app.db).filter(\.$email == "gulay@beispiel.example").with(\.$topics).first())
            #expect(gulay.languageList == ["Türkisch", "Deutsch"])
            #expect(gulay.topics.map(\.name) == ["Spielplätze"])
            let function = try #require(try await PersonFunction.query(on: app.db).with(\.$organisation).first())
            #expect(function.organisation.name == "Mieterbeirat Süd")
            #expect(function.title == "Sprecherin")
            #expect(function.from == CalendarDate.parse("2024-03-01"))
            #expect(try await Person.find(existing.requireID(), on: app.db)?.phone == "06421 2", "merged: empty fields filled")
            #expect(try await Person.find(other.requireID(), on: app.db)?.phone == "", "skipped: unchanged")
            #expect(try await ImportBatch.query(on: app.db).count() == 0)
        }
    }

    @Test("A file with errors is rejected with a report per line and writes nothing")
    func rejectedFile() async throws {
        try await withQuartier { app in
            try await app.makeUser("team@quartier.test", role: .staff)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            let bad = Data("Nachname;Vorname;E-Mail;Seit\r\nBeispiel;Anna;keine-adresse;01.01.2020\r\nMuster;Max;max@beispiel.example;31.02.2020\r\n".utf8)
            let noName = Data("Vorname;E-Mail\r\nAnna;anna@beispiel.example\r\n".utf8)

            let first = try await staff.upload("/verwaltung/import", field: "file", filename: "fehler.csv", data: bad, tokenFrom: "/verwaltung/import")
            let second = try await staff.upload("/verwaltung/import", field: "file", filename: "ohne-name.csv", data: noName, tokenFrom: "/verwaltung/import")
            let binary = try await staff.upload("/verwaltung/import", field: "file", filename: "mappe.xlsx", data: Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0]), tokenFrom: "/verwaltung/import")

            #expect(first.status == .badRequest)
            #expect(first.body.string.contains("Zeile 2:"))
            #expect(first.body.string.contains("Die E-Mail-Adresse ist ungültig."))
            #expect(first.body.string.contains("Zeile 3:"))
            #expect(first.body.string.contains("Das Datum ist ungültig"))
            #expect(second.status == .badRequest)
            #expect(second.body.string.contains("Nachname"))
            #expect(binary.status == .badRequest)
            #expect(try await Person.query(on: app.db).count() == 0)
            #expect(try await ImportBatch.query(on: app.db).count() == 0)
        }
    }
}
