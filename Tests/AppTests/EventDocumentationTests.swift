import Fluent
import Foundation
import NIOHTTP1
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

/// The documentation of a past event: protocol and results, photos (checked), the structured protocol, and the
/// public page that shows it only for published events that are over.
@Suite("Beteiligung: documentation of past events")
struct EventDocumentationTests {
    static let day = 86_400.0

    static func event(_ app: Application, title: String = "Mieterversammlung Testweg", daysFromNow: Double = -10, state: EventState = .published,
                      format: EventFormat = .tenantAssembly) async throws -> Event {
        let start = Date().addingTimeInterval(daysFromNow * day)
        let event = Event(title: title, format: format, startsAt: start, endsAt: start.addingTimeInterval(7200), place: "Gemeinschaftsraum Testweg 4")
        event.state = state
        try await event.create(on: app.db)
        return event
    }

    static let png = DemoData.samplePhoto(width: 8, height: 6)

    /// A minimal JPEG header: SOI, an APP0 segment, and a baseline frame of 16 × 8 pixels.
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]
        + [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x10, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]
        + [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0xFF, 0xD9]

    /// Posts a multipart form like a browser: the CSRF token from `tokenFrom`, text fields, and one file.
    static func upload(_ browser: inout Browser, _ path: String, fields: [String: String], filename: String, data: [UInt8],
                       tokenFrom: String) async throws -> TestingHTTPResponse {
        let boundary = "QuartierPhotoBoundary\(UUID().uuidString.prefix(8))"
        var body = Data()
        func append(_ text: String) { body.append(Data(text.utf8)) }
        var all = fields
        all[CSRF.fieldName] = try await browser.token(from: tokenFrom)
        for (name, value) in all.sorted(by: { $0.key < $1.key }) {
            append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        body.append(Data(data))
        append("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await browser.send(.POST, path, headers: headers, body: nil, raw: body)
    }

    /// A page as a visitor without an account sees it.
    static func visit(_ app: Application, _ path: String) async throws -> TestingHTTPResponse {
        var visitor = Browser(app)
        return try await visitor.get(path)
    }

    static func staff(_ app: Application) async throws -> Browser {
        try await app.makeUser("team@quartier.test", role: .staff)
        var staff = Browser(app)
        try await staff.login("team@quartier.test")
        return staff
    }

    @Test("Staff add a JPEG and a PNG photo with alt text; a GIF, renamed files, oversized files and photos without alt text are refused and change nothing")
    func photoChecks() async throws {
        try await withQuartier { app in
            // setup
            let event = try await Self.event(app)
            let id = try event.requireID().uuidString
            var staff = try await Self.staff(app)
            let page = "/verwaltung/veranstaltungen/\(id)/dokumentation"
            let uploadPath = page + "/fotos"
            let alt = ["alt": "Mieterinnen und Mieter im Gemeinschaftsraum", "caption": "Die Versammlung"]

            // act
            let png = try await Self.upload(&staff, uploadPath, fields: alt, filename: "versammlung.png", data: Self.png, tokenFrom: page)
            let jpeg = try await Self.upload(&staff, uploadPath, fields: ["alt": "Der Aufzug in Haus 44"], filename: "Aufzug.JPG", data: Self.jpeg, tokenFrom: page)
            let gif = try await Self.upload(&staff, uploadPath, fields: alt, filename: "animation.gif", data: Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0],
                                            tokenFrom: page)
            let pngNamedJPEG = try await Self.upload(&staff, uploadPath, fields: alt, filename: "foto.jpg", data: Self.png, tokenFrom: page)
            let pdfNamedPNG = try await Self.upload(&staff, uploadPath, fields: alt, filename: "foto.png", data: Array("%PDF-1.4\n".utf8), tokenFrom: page)
            let truncated = try await Self.upload(&staff, uploadPath, fields: alt, filename: "kaputt.png", data: Array(Self.png.prefix(20)), tokenFrom: page)
            let oversized = try await Self.upload(&staff, uploadPath, fields: alt, filename: "riesig.png",
                                                  data: Self.png + [UInt8](repeating: 0, count: ImageType.maximumSize), tokenFrom: page)
            let noAlt = try await Self.upload(&staff, uploadPath, fields: ["alt": "   ", "caption": "Ohne Beschreibung"], filename: "ohne.png",
                                              data: Self.png, tokenFrom: page)
            let noFile = try await Self.upload(&staff, uploadPath, fields: alt, filename: "", data: [], tokenFrom: page)
            staff.cookies["quartier_lang"] = "en"
            let noAltEnglish = try await Self.upload(&staff, uploadPath, fields: ["alt": ""], filename: "ohne.png", data: Self.png, tokenFrom: page)

            // check
            #expect(png.status == .seeOther)
            #expect(jpeg.status == .seeOther)
            for refused in [gif, pngNamedJPEG, pdfNamedPNG, truncated, oversized, noAlt, noFile, noAltEnglish] {
                #expect(refused.status == .badRequest)
                #expect(refused.body.string.contains("error-summary"))
            }
            #expect(gif.body.string.contains("„animation.gif“ ist kein JPEG- oder PNG-Foto"))
            #expect(pngNamedJPEG.body.string.contains("„foto.jpg“ ist kein JPEG- oder PNG-Foto"))
            #expect(pdfNamedPNG.body.string.contains("„foto.png“ ist kein JPEG- oder PNG-Foto"))
            #expect(truncated.body.string.contains("„kaputt.png“ ist kein JPEG- oder PNG-Foto"))
            #expect(oversized.body.string.contains("Das Foto ist zu groß. Erlaubt sind höchstens 8 MB."))
            #expect(noAlt.body.string.contains("Bitte beschreiben Sie, was auf dem Foto zu sehen ist."))
            #expect(noAlt.body.string.contains("value=\"Ohne Beschreibung\""), "the caption typed is shown again")
            #expect(noFile.body.string.contains("Bitte wählen Sie ein Foto aus."))
            #expect(noAltEnglish.body.string.contains("Please describe what the photo shows."))
            let photos = try await EventPhoto.query(on: app.db).sort(\.$createdAt).all()
            #expect(photos.count == 2)
            #expect(Set(photos.map(\.mimeType)) == ["image/png", "image/jpeg"])
            let stored = try #require(photos.first { $0.mimeType == "image/png" })
            #expect(stored.altText == "Mieterinnen und Mieter im Gemeinschaftsraum")
            #expect(stored.width == 8 && stored.height == 6)
            let jpegPhoto = try #require(photos.first { $0.mimeType == "image/jpeg" })
            #expect(jpegPhoto.width == 16 && jpegPhoto.height == 8)
            #expect(jpegPhoto.filename == "Aufzug.JPG")
            #expect(try await FileContent.query(on: app.db).count() == 2, "only the accepted photos' bytes are stored")
            let shown = try await staff.get(page)
            #expect(shown.body.string.contains("alt=\"Mieterinnen und Mieter im Gemeinschaftsraum\""))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entityType == "event_photo").count() == 2)
        }
    }

    @Test("A photo of a published past event is an image everybody may cache; a draft's photo is staff-only, and a deleted one is gone")
    func photoAccess() async throws {
        try await withQuartier { app in
            // setup
            let past = try await Self.event(app)
            let draft = try await Self.event(app, title: "Entwurf", state: .draft)
            var staff = try await Self.staff(app)
            var visitor = Browser(app)
            var ids: [String] = []
            for event in [past, draft] {
                let page = "/verwaltung/veranstaltungen/\(try event.requireID().uuidString)/dokumentation"
                let response = try await Self.upload(&staff, page + "/fotos", fields: ["alt": "Ein Foto"], filename: "foto.png", data: Self.png, tokenFrom: page)
                #expect(response.status == .seeOther)
                let photo = try #require(try await EventPhoto.query(on: app.db).filter(\.$event.$id == event.requireID()).first())
                ids.append(try photo.requireID().uuidString)
            }

            // act
            let publicPhoto = try await visitor.get("/fotos/\(ids[0])")
            let draftForVisitor = try await visitor.get("/fotos/\(ids[1])")
            let draftForStaff = try await staff.get("/fotos/\(ids[1])")
            let etag = publicPhoto.headers.first(name: .eTag) ?? ""
            let revalidated = try await visitor.get("/fotos/\(ids[0])", headers: ["If-None-Match": etag])
            let deleted = try await staff.post("/verwaltung/fotos/\(ids[0])/loeschen", [:],
                                               tokenFrom: "/verwaltung/veranstaltungen/\(try past.requireID().uuidString)/dokumentation")
            let afterDelete = try await visitor.get("/fotos/\(ids[0])")

            // check
            #expect(publicPhoto.status == .ok)
            #expect(publicPhoto.headers.first(name: .contentType) == "image/png")
            #expect(publicPhoto.headers.first(name: .cacheControl) == EventDocumentationController.publicPhotoCache)
            #expect(publicPhoto.headers.first(name: .contentDisposition)?.hasPrefix("inline") == true)
            #expect(Array(publicPhoto.body.readableBytesView) == Self.png)
            #expect(revalidated.status == .notModified)
            #expect(draftForVisitor.status == .notFound)
            #expect(draftForStaff.status == .ok)
            #expect(draftForStaff.headers.first(name: .cacheControl) == "private, no-store")
            #expect(deleted.status == .seeOther)
            #expect(afterDelete.status == .notFound)
            #expect(try await FileContent.find(UUID(uuidString: ids[0]), on: app.db) == nil)
        }
    }

    @Test("The public documentation shows only published events that are over: drafts, cancelled and coming events are 404")
    func publicVisibility() async throws {
        try await withQuartier { app in
            // setup
            let past = try await Self.event(app, title: "Vorbei und veröffentlicht")
            let draft = try await Self.event(app, title: "Vorbei, aber Entwurf", state: .draft)
            let cancelled = try await Self.event(app, title: "Abgesagt", state: .cancelled)
            let coming = try await Self.event(app, title: "Kommt noch", daysFromNow: 5)
            for event in [past, draft, cancelled, coming] {
                event.protocolText = "Geheimes Protokoll von \(event.title)"
                try await event.save(on: app.db)
            }
            var visitor = Browser(app)
            var staff = try await Self.staff(app)

            // act
            let shown = try await visitor.get("/veranstaltungen/\(try past.requireID().uuidString)/dokumentation")
            var hidden: [TestingHTTPResponse] = []
            for event in [draft, cancelled, coming] {
                hidden.append(try await visitor.get("/veranstaltungen/\(try event.requireID().uuidString)/dokumentation"))
            }
            let staffOnDraft = try await staff.get("/veranstaltungen/\(try draft.requireID().uuidString)/dokumentation")
            let staffPage = try await staff.get("/verwaltung/veranstaltungen/\(try coming.requireID().uuidString)/dokumentation")
            let visitorOnStaffPage = try await visitor.get("/verwaltung/veranstaltungen/\(try past.requireID().uuidString)/dokumentation")

            // check
            #expect(shown.status == .ok)
            #expect(shown.body.string.contains("Geheimes Protokoll von Vorbei und veröffentlicht"))
            #expect(shown.body.string.contains("<h1>Dokumentation: Vorbei und veröffentlicht</h1>"))
            for response in hidden {
                #expect(response.status == .notFound)
                #expect(!response.body.string.contains("Geheimes Protokoll"))
            }
            #expect(staffOnDraft.status == .notFound, "the public page is the public's view, also for staff")
            #expect(staffPage.status == .ok)
            #expect(staffPage.body.string.contains("sobald die Veranstaltung vorbei ist"))
            #expect(visitorOnStaffPage.status == .seeOther, "the staff page asks for a login")
        }
    }

    @Test("Protocol text and results are saved, too long a text is refused and changes nothing")
    func texts() async throws {
        try await withQuartier { app in
            // setup
            let event = try await Self.event(app)
            let id = try event.requireID().uuidString
            var staff = try await Self.staff(app)
            let page = "/verwaltung/veranstaltungen/\(id)/dokumentation"

            // act
            let saved = try await staff.post(page, ["protocol_text": "Rund 30 Leute kamen.\n\nDie GeWoBau berichtete.", "results": "Ein Arbeitskreis wird gegründet."])
            let tooLong = try await staff.post(page, ["protocol_text": String(repeating: "x", count: EventDocumentationRules.maximumTextLength + 1),
                                                      "results": "Geändert"])
            let shown = try await Self.visit(app, "/veranstaltungen/\(id)/dokumentation")

            // check
            #expect(saved.status == .seeOther)
            #expect(tooLong.status == .badRequest)
            #expect(tooLong.body.string.contains("Das Protokoll ist zu lang"))
            let stored = try #require(try await Event.find(event.requireID(), on: app.db))
            #expect(stored.protocolText == "Rund 30 Leute kamen.\n\nDie GeWoBau berichtete.")
            #expect(stored.results == "Ein Arbeitskreis wird gegründet.")
            #expect(shown.body.string.contains("<p>Rund 30 Leute kamen.</p>"))
            #expect(shown.body.string.contains("<p>Die GeWoBau berichtete.</p>"))
            #expect(shown.body.string.contains("Ein Arbeitskreis wird gegründet."))
        }
    }

    @Test("Issues, commitments and follow-ups: who is linked to the directory, due dates shown, bad input refused, done and delete work")
    func structuredProtocol() async throws {
        try await withQuartier { app in
            // setup
            let aylin = Person(givenName: "Aylin", familyName: "Beispiel", email: "aylin@beispiel.example")
            try await aylin.create(on: app.db)
            let gewobau = Organisation(name: "GeWoBau Beispiel eG", kind: .housing)
            try await gewobau.create(on: app.db)
            let event = try await Self.event(app)
            let id = try event.requireID().uuidString
            var staff = try await Self.staff(app)
            let page = "/verwaltung/veranstaltungen/\(id)/dokumentation"
            let entries = page + "/protokollpunkte"
            let due = CalendarDate.daysAfter(14, CalendarDate.today())

            // act
            let issue = try await staff.post(entries, ["kind": "issue", "text": "Aufzug oft defekt", "party": "wird ignoriert", "due_on": "kein Datum"],
                                              tokenFrom: page)
            let commitment = try await staff.post(entries, ["kind": "commitment", "text": "Gutachten zum Schimmel im Keller", "party": "GeWoBau",
                                                            "due_on": CalendarDate.iso(due)], tokenFrom: page)
            let followUp = try await staff.post(entries, ["kind": "follow-up", "text": "Sprechstunde Nebenkosten organisieren",
                                                          "party": "aylin@beispiel.example", "due_on": "01.07.2031"], tokenFrom: page)
            let refused = [
                try await staff.post(entries, ["kind": "issue", "text": "  "], tokenFrom: page),
                try await staff.post(entries, ["kind": "commitment", "text": "Ohne wen"], tokenFrom: page),
                try await staff.post(entries, ["kind": "follow-up", "text": "Falsches Datum", "party": "Mieterbeirat", "due_on": "31.02.2031"], tokenFrom: page),
                try await staff.post(entries, ["kind": "wish", "text": "Unbekannte Art"], tokenFrom: page),
                try await staff.post(entries, ["kind": "follow-up", "text": "Mit Adresse", "party": "unbekannt@beispiel.example"], tokenFrom: page),
            ]
            let count = try await EventProtocolEntry.query(on: app.db).count()
            let staffPage = try await staff.get(page)
            let publicPage = try await Self.visit(app, "/veranstaltungen/\(id)/dokumentation")

            // check
            #expect([issue, commitment, followUp].map(\.status) == [.seeOther, .seeOther, .seeOther])
            for response in refused { #expect(response.status == .badRequest) }
            #expect(refused[0].body.string.contains("Bitte geben Sie den Text des Eintrags ein."))
            #expect(refused[1].body.string.contains("Bitte geben Sie an, wer die Zusage gegeben hat"))
            #expect(refused[2].body.string.contains("„31.02.2031“ ist kein gültiges Datum"))
            #expect(refused[2].body.string.contains("value=\"Falsches Datum\"") || refused[2].body.string.contains(">Falsches Datum</textarea>"))
            #expect(refused[3].body.string.contains("Bitte wählen Sie die Art des Eintrags."))
            #expect(refused[4].body.string.contains("Bitte geben Sie einen Namen statt einer E-Mail-Adresse an"))
            #expect(count == 3, "refused entries change nothing")
            let stored = try await EventProtocolEntry.query(on: app.db).sort(\.$position).all()
            #expect(stored.map(\.kind) == [.issue, .commitment, .followUp])
            #expect(stored[0].party == "" && stored[0].dueOn == nil, "an issue has no who and no date")
            #expect(stored[1].$organisation.id == gewobau.id)
            #expect(stored[1].party == "GeWoBau")
            #expect(stored[1].dueOn == due)
            #expect(stored[2].$person.id == aylin.id)
            #expect(stored[2].party == "", "her name comes from the directory; the e-mail address typed is not kept")
            #expect(stored[2].dueOn == CalendarDate.parse("2031-07-01"))
            #expect(staffPage.body.string.contains("href=\"/verwaltung/organisationen/\(try gewobau.requireID().uuidString)\""))
            #expect(staffPage.body.string.contains("href=\"/verwaltung/personen/\(try aylin.requireID().uuidString)\""))
            let html = publicPage.body.string
            #expect(html.contains("Protokoll der Mieterversammlung: Themen, Zusagen, Vereinbarungen"))
            #expect(html.contains("Aufzug oft defekt"))
            #expect(html.contains("Gutachten zum Schimmel im Keller"))
            #expect(html.contains("bis \(CalendarDate.display(due, .de))"))
            #expect(html.contains("<td>Aylin Beispiel</td><td>01.07.2031</td><td>offen</td>"))
            #expect(!html.contains("aylin@beispiel.example"))
            #expect(!html.contains("/verwaltung/"), "the public page links nothing of the back office")

            // act: done, edit, delete
            let entryID = try stored[2].requireID().uuidString
            let done = try await staff.post("/verwaltung/protokollpunkte/\(entryID)/erledigt", [:], tokenFrom: page)
            let issueDone = try await staff.post("/verwaltung/protokollpunkte/\(try stored[0].requireID().uuidString)/erledigt", [:], tokenFrom: page)
            let editPage = try await staff.get("/verwaltung/protokollpunkte/\(entryID)")
            let badEdit = try await staff.post("/verwaltung/protokollpunkte/\(entryID)", ["kind": "follow-up", "text": "Neu", "party": "Aylin Beispiel",
                                                                                           "due_on": "morgen", "done": "on"])
            let edited = try await staff.post("/verwaltung/protokollpunkte/\(entryID)", ["kind": "follow-up", "text": "Sprechstunde im Juli",
                                                                                          "party": "Aylin Beispiel", "due_on": "2031-07-15", "done": "on"])
            let deleted = try await staff.post("/verwaltung/protokollpunkte/\(try stored[1].requireID().uuidString)/loeschen", [:], tokenFrom: page)
            let after = try await Self.visit(app, "/veranstaltungen/\(id)/dokumentation")

            // check
            #expect(done.status == .seeOther)
            #expect(issueDone.status == .badRequest)
            #expect(editPage.status == .ok)
            #expect(editPage.body.string.contains("Verknüpft mit der Person „Aylin Beispiel“."))
            #expect(badEdit.status == .badRequest)
            #expect(badEdit.body.string.contains("„morgen“ ist kein gültiges Datum"))
            #expect(edited.status == .seeOther)
            #expect(deleted.status == .seeOther)
            let final = try await EventProtocolEntry.query(on: app.db).sort(\.$position).all()
            #expect(final.count == 2)
            #expect(final[1].text == "Sprechstunde im Juli")
            #expect(final[1].doneAt != nil)
            #expect(final[1].dueOn == CalendarDate.parse("2031-07-15"))
            #expect(after.body.string.contains("<td>Sprechstunde im Juli</td><td>Aylin Beispiel</td><td>15.07.2031</td><td>erledigt</td>"))
            #expect(!after.body.string.contains("Gutachten zum Schimmel im Keller"))
        }
    }

    @Test("When a linked person is erased from the directory, her name leaves the protocol; typed names of organisations stay")
    func erasure() async throws {
        try await withQuartier { app in
            // setup
            let aylin = Person(givenName: "Aylin", familyName: "Beispiel", email: "aylin@beispiel.example")
            try await aylin.create(on: app.db)
            let event = try await Self.event(app)
            let id = try event.requireID().uuidString
            var staff = try await Self.staff(app)
            let page = "/verwaltung/veranstaltungen/\(id)/dokumentation"
            for (text, party) in [("Sprechstunde organisieren", "Aylin Beispiel"), ("Mängelliste sammeln", "Mieterbeirat")] {
                let saved = try await staff.post(page + "/protokollpunkte", ["kind": "follow-up", "text": text, "party": party], tokenFrom: page)
                #expect(saved.status == .seeOther)
            }
            let before = try await Self.visit(app, "/veranstaltungen/\(id)/dokumentation")
            try await app.makeUser("admin@quartier.test", role: .admin)
            var admin = Browser(app)
            try await admin.login("admin@quartier.test")

            // act
            let erased = try await admin.post("/verwaltung/admin/personen/\(try aylin.requireID().uuidString)/loeschen", [:])
            let after = try await Self.visit(app, "/veranstaltungen/\(id)/dokumentation")
            let staffPage = try await staff.get(page)

            // check
            #expect(before.body.string.contains("<td>Aylin Beispiel</td>"))
            #expect(erased.status == .seeOther)
            #expect(after.status == .ok)
            #expect(!after.body.string.contains("Aylin"))
            #expect(after.body.string.contains("<td>Sprechstunde organisieren</td><td>–</td>"))
            #expect(after.body.string.contains("<td>Mieterbeirat</td>"))
            #expect(staffPage.status == .ok)
            #expect(!staffPage.body.string.contains("Aylin"))
        }
    }

    @Test("The demo tenant assembly is documented: results, issues, the GeWoBau's commitments, linked follow-ups and a described photo")
    func demo() async throws {
        try await withQuartier { app in
            // setup
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            let assembly = try #require(try await Event.query(on: app.db).filter(\.$title == DemoData.tenantAssemblyTitle).first())
            var visitor = Browser(app)

            // act
            let page = try await visitor.get("/veranstaltungen/\(try assembly.requireID().uuidString)/dokumentation")
            let photo = try #require(try await EventPhoto.query(on: app.db).filter(\.$event.$id == assembly.requireID()).first())
            let image = try await visitor.get("/fotos/\(try photo.requireID().uuidString)")

            // check
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("alt=\"\(DemoData.documentationPhotoAlt)\""))
            #expect(html.contains("Schimmel in mehreren Kellerräumen"))
            #expect(html.contains("GeWoBau Beispiel eG"))
            #expect(html.contains("Mieterbeirat Stadtwald (Beispiel)"))
            #expect(html.contains("<td>Aylin Beispiel</td>"))
            #expect(image.status == .ok)
            #expect(ImageType.detect(filename: photo.filename, bytes: Array(image.body.readableBytesView)) == .png)
            let entries = try await EventProtocolEntry.query(on: app.db).filter(\.$event.$id == assembly.requireID()).all()
            #expect(entries.contains { $0.$person.id != nil })
            #expect(entries.filter { $0.kind == .commitment }.allSatisfy { $0.$organisation.id != nil && $0.dueOn != nil })
        }
    }
}
