import Fluent
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Anliegen: form, confirmation, workflow, moderation, support and Open311")
struct ConcernTests {
    static func category(_ app: Application, code: String = "wege") async throws -> ConcernCategory {
        let category = ConcernCategory(code: code, name: "Wege und Beleuchtung", description: "", fieldOfActionID: nil, position: 1)
        try await category.create(on: app.db)
        return category
    }

    static func form(_ fields: [String: String] = [:]) -> [String: String] {
        var form = ["title": "Laterne kaputt", "description": "Am Treppenweg ist es dunkel.", "category": "wege", "address": "Treppenweg 2",
                    "email": "rosa@beispiel.example", "wantsUpdates": "on", "consent": "on", "language": "de"]
        for (key, value) in fields { form[key] = value }
        return form.filter { !$0.value.isEmpty }
    }

    static func staff(_ app: Application) async throws -> Browser {
        try await app.makeUser("team@quartier.test", role: .staff)
        var staff = Browser(app)
        try await staff.login("team@quartier.test")
        return staff
    }

    /// A published, confirmed concern straight in the database.
    static func published(_ app: Application, _ category: ConcernCategory, title: String = "Bank fehlt") async throws -> Concern {
        let concern = Concern(categoryID: try category.requireID(), source: .online, title: title, description: "Bitte eine Bank.", address: "Musterweg 1",
                              latitude: 50.79, longitude: 8.75, locale: .de, submitterName: "", submitterEmail: "", wantsUpdates: false, clientHash: "test")
        concern.confirmedAt = Date()
        concern.publishedAt = Date()
        concern.refreshVisibility()
        try await concern.create(on: app.db)
        return concern
    }

    @Test("A resident submits without an account; nothing is public until she confirms and staff publish")
    func submitConfirmPublish() async throws {
        try await withQuartier { app in
            try await Self.category(app)
            var resident = Browser(app)
            let response = try await resident.post("/anliegen/neu", Self.form())
            #expect(response.status == .seeOther)
            let concern = try #require(try await Concern.query(on: app.db).first())
            #expect(response.location == "/anliegen/mein/\(concern.token)?neu=1")
            #expect(concern.needsConfirmation && !concern.isPublic)
            let mail = try #require(try await OutboxMail.query(on: app.db).first())
            #expect(mail.subject == "Bitte bestätigen: Laterne kaputt")
            #expect(mail.body.contains("/anliegen/bestaetigen/\(concern.token)"))
            var stranger = Browser(app)
            #expect(try await stranger.get("/anliegen/\(concern.id!)").status == .notFound)
            var staff = try await Self.staff(app)
            // Publishing an unconfirmed concern is refused and changes nothing.
            let refused = try await staff.post("/verwaltung/anliegen/\(concern.id!)/veroeffentlichen", ["action": "publish"], tokenFrom: "/verwaltung/anliegen/\(concern.id!)")
            #expect(refused.status == .conflict)
            #expect(try await Concern.find(concern.id, on: app.db)?.publishedAt == nil)
            #expect(try await resident.get("/anliegen/bestaetigen/\(concern.token)").status == .seeOther)
            try await staff.post("/verwaltung/anliegen/\(concern.id!)/veroeffentlichen", ["action": "publish"], tokenFrom: "/verwaltung/anliegen/\(concern.id!)")
            let page = try await stranger.get("/anliegen/\(concern.id!)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Laterne kaputt"))
            #expect(try await stranger.get("/anliegen").body.string.contains("Laterne kaputt"))
            // The place filter minds neither case (on PostgreSQL too) nor wildcards.
            #expect(try await stranger.get("/anliegen?ort=treppenweg").body.string.contains("Laterne kaputt"))
            #expect(try await stranger.get("/anliegen?ort=TREPPENWEG%202").body.string.contains("Laterne kaputt"))
            #expect(!(try await stranger.get("/anliegen?ort=Treppen%25weg").body.string.contains("Laterne kaputt")))
            #expect(!(try await stranger.get("/anliegen?ort=Lindenstra%C3%9Fe").body.string.contains("Laterne kaputt")))
            #expect(try await OutboxMail.query(on: app.db).filter(\.$subject == "Veröffentlicht: Laterne kaputt").count() == 1)
        }
    }

    @Test("Bad input on the form: each gets a message and nothing is stored; the honeypot stores nothing")
    func badInput() async throws {
        try await withQuartier { app in
            try await Self.category(app)
            var resident = Browser(app)
            for fields in [["title": ""], ["title": String(repeating: "x", count: 121)], ["description": ""], ["category": "gibtsnicht"],
                           ["latitude": "50.7", "longitude": ""], ["email": "keine-adresse"], ["consent": ""], ["email": "", "wantsUpdates": "on", "consent": ""]] {
                let response = try await resident.post("/anliegen/neu", Self.form(fields), tokenFrom: "/anliegen/neu")
                #expect(response.status == .badRequest, "\(fields)")
                #expect(response.body.string.contains("error-summary"), "\(fields)")
            }
            let robot = try await resident.post("/anliegen/neu", Self.form(["website": "http://spam.example"]), tokenFrom: "/anliegen/neu")
            #expect(robot.status == .seeOther)
            #expect(try await Concern.query(on: app.db).count() == 0)
        }
    }

    @Test("A photo that is not an image is refused; a PNG is kept")
    func photo() async throws {
        try await withQuartier { app in
            try await Self.category(app)
            var resident = Browser(app)
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xDE])
            let refused = try await resident.multipart("/anliegen/neu", Self.form(), file: ("photo", "bild.png", Data("kein bild".utf8)))
            #expect(refused.status == .badRequest)
            #expect(try await Concern.query(on: app.db).count() == 0)
            let accepted = try await resident.multipart("/anliegen/neu", Self.form(), file: ("photo", "bild.png", png))
            #expect(accepted.status == .seeOther)
            let concern = try #require(try await Concern.query(on: app.db).first())
            #expect(concern.photoMime == "image/png")
        }
    }

    @Test("Each submission address may send five concerns an hour")
    func rateLimit() async throws {
        try await withQuartier { app in
            try await Self.category(app)
            var resident = Browser(app)
            for _ in 0..<5 { #expect(try await resident.post("/anliegen/neu", Self.form(), tokenFrom: "/anliegen/neu").status == .seeOther) }
            #expect(try await resident.post("/anliegen/neu", Self.form(), tokenFrom: "/anliegen/neu").status == .tooManyRequests)
            #expect(try await Concern.query(on: app.db).count() == 5)
        }
    }

    @Test("Staff move a concern with a public note; forbidden steps and missing notes change nothing; the author gets mail")
    func workflow() async throws {
        try await withQuartier { app in
            let category = try await Self.category(app)
            let concern = try await Self.published(app, category)
            concern.submitterEmail = "rosa@beispiel.example"
            concern.wantsUpdates = true
            try await concern.save(on: app.db)
            let office = Organisation(name: "Fachdienst Stadtplanung", kind: .administration)
            try await office.create(on: app.db)
            var staff = try await Self.staff(app)
            let page = "/verwaltung/anliegen/\(concern.id!)"
            let move = "/verwaltung/anliegen/\(concern.id!)/status"
            #expect(try await staff.post(move, ["status": "reviewing", "note": ""], tokenFrom: page).status == .badRequest)
            #expect(try await staff.post(move, ["status": "forwarded", "note": "Weiter"], tokenFrom: page).status == .badRequest)
            #expect(try await Concern.find(concern.id, on: app.db)?.status == .new)
            #expect(try await staff.post(move, ["status": "forwarded", "note": "An die Stadtplanung.", "organisation": office.id!.uuidString], tokenFrom: page).status == .seeOther)
            #expect(try await staff.post(move, ["status": "done", "note": "Erledigt."], tokenFrom: page).status == .seeOther)
            #expect(try await staff.post(move, ["status": "forwarded", "note": "Zurück?"], tokenFrom: page).status == .conflict)
            let done = try #require(try await Concern.find(concern.id, on: app.db))
            #expect(done.status == .done && done.$responsibleOrganisation.id == office.id && done.statusNote == "Erledigt.")
            let steps = try await ConcernStep.query(on: app.db).filter(\.$concern.$id == concern.id!).filter(\.$kind == .status).count()
            #expect(steps == 2)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$subject == "Neuer Stand: Bank fehlt").count() == 2)
            var resident = Browser(app)
            let publicPage = try await resident.get("/anliegen/\(concern.id!)").body.string
            #expect(publicPage.contains("An die Stadtplanung.") && publicPage.contains("Fachdienst Stadtplanung"))
        }
    }

    @Test("A merge moves the supporters to the surviving concern; a merged concern moves no further")
    func merge() async throws {
        try await withQuartier { app in
            let category = try await Self.category(app)
            let survivor = try await Self.published(app, category, title: "Schaukel kaputt")
            let duplicate = try await Self.published(app, category, title: "Schaukel defekt")
            duplicate.supportCount = 3
            try await duplicate.save(on: app.db)
            var staff = try await Self.staff(app)
            let page = "/verwaltung/anliegen/\(duplicate.id!)"
            let move = "/verwaltung/anliegen/\(duplicate.id!)/status"
            #expect(try await staff.post(move, ["status": "merged", "note": "Doppelt."], tokenFrom: page).status == .badRequest)
            #expect(try await staff.post(move, ["status": "merged", "note": "Doppelt.", "mergeInto": "/anliegen/\(survivor.id!)"], tokenFrom: page).status == .seeOther)
            #expect(try await Concern.find(survivor.id, on: app.db)?.supportCount == 3)
            #expect(try await Concern.find(duplicate.id, on: app.db)?.$mergedInto.id == survivor.id)
            #expect(try await staff.post(move, ["status": "reviewing", "note": "Doch nicht."], tokenFrom: page).status == .conflict)
        }
    }

    @Test("Moderation keeps the original, records the history and tells the author what changed and why")
    func moderation() async throws {
        try await withQuartier { app in
            let category = try await Self.category(app)
            let concern = try await Self.published(app, category)
            concern.description = "Frau Meier aus Nr. 3 sagt, es fehlt eine Bank."
            concern.publicDescription = concern.description
            concern.submitterEmail = "rosa@beispiel.example"
            try await concern.save(on: app.db)
            var staff = try await Self.staff(app)
            let page = "/verwaltung/anliegen/\(concern.id!)"
            let url = "/verwaltung/anliegen/\(concern.id!)/moderation"
            #expect(try await staff.post(url, ["publicTitle": "Bank fehlt", "publicDescription": "Es fehlt eine Bank.", "reason": ""], tokenFrom: page).status == .badRequest)
            #expect(try await staff.post(url, ["publicTitle": "Bank fehlt", "publicDescription": concern.description, "reason": "x"], tokenFrom: page).status == .badRequest)
            #expect(try await staff.post(url, ["publicTitle": "Bank fehlt", "publicDescription": "Es fehlt eine Bank.", "personalDataHidden": "on",
                                               "reason": "Namen anderer Personen veröffentlichen wir nicht."], tokenFrom: page).status == .seeOther)
            let moderated = try #require(try await Concern.find(concern.id, on: app.db))
            #expect(moderated.description.contains("Frau Meier") && moderated.publicDescription == "Es fehlt eine Bank.")
            let history = try await ConcernModeration.query(on: app.db).all()
            #expect(history.count == 1 && history[0].personalDataHidden && history[0].beforeDescription.contains("Frau Meier"))
            let mail = try #require(try await OutboxMail.query(on: app.db).first())
            #expect(mail.body.contains("persönliche Angaben entfernt") && mail.body.contains("Namen anderer Personen"))
            var resident = Browser(app)
            #expect(!(try await resident.get("/anliegen/\(concern.id!)").body.string.contains("Frau Meier")))
        }
    }

    @Test("Support counts once per browser and once per e-mail address")
    func support() async throws {
        try await withQuartier { app in
            let category = try await Self.category(app)
            let concern = try await Self.published(app, category)
            let url = "/anliegen/\(concern.id!)/unterstuetzen"
            var first = Browser(app)
            #expect(try await first.post(url, ["email": "a@beispiel.example"], tokenFrom: "/anliegen/\(concern.id!)").status == .seeOther)
            #expect(try await first.post(url, [:], tokenFrom: "/anliegen/\(concern.id!)").status == .conflict)
            var second = Browser(app)
            #expect(try await second.post(url, ["email": "A@beispiel.example"], tokenFrom: "/anliegen/\(concern.id!)").status == .conflict)
            #expect(try await second.post(url, ["email": "kein"], tokenFrom: "/anliegen/\(concern.id!)").status == .badRequest)
            #expect(try await second.post(url, [:], tokenFrom: "/anliegen/\(concern.id!)").status == .seeOther)
            #expect(try await Concern.find(concern.id, on: app.db)?.supportCount == 2)
        }
    }

    @Test("One address may give thirty supports an hour; the thirty-first is refused and counts nothing")
    func supportRateLimit() async throws {
        try await withQuartier { app in
            let category = try await Self.category(app)
            let concern = try await Self.published(app, category)
            let other = try await Self.published(app, category, title: "Anderes Anliegen")
            // The test client has no remote address, like every request that reaches the app without one.
            let hash = Concern.clientHash(Request(application: app, on: app.eventLoopGroup.next()))
            for number in 0..<ConcernRules.supportsPerWindow {
                try await ConcernSupport(concernID: try other.requireID(), browserKey: "key-\(number)", email: "", clientHash: hash).create(on: app.db)
            }
            var resident = Browser(app)
            let refused = try await resident.post("/anliegen/\(concern.id!)/unterstuetzen", [:], tokenFrom: "/anliegen/\(concern.id!)")
            #expect(refused.status == .tooManyRequests)
            #expect(try await Concern.find(concern.id, on: app.db)?.supportCount == 0)
        }
    }

    @Test("Open311: services, requests with filters in JSON and XML, POST only with a valid key, standard errors")
    func open311() async throws {
        try await withQuartier { app in
            let category = try await Self.category(app)
            let concern = try await Self.published(app, category)
            var client = Browser(app)
            let services = try await client.get("/open311/v2/services.json")
            #expect(services.status == .ok && services.body.string.contains("\"service_code\":\"wege\""))
            let xml = try await client.get("/open311/v2/services.xml").body.string
            #expect(xml.contains("<services><service><service_code>wege</service_code>"))
            #expect(try await client.get("/open311/v2/requests.json?status=closed").body.string == "[]")
            let open = try await client.get("/open311/v2/requests.xml?status=open&extensions=true").body.string
            #expect(open.contains("<service_request_id>\(concern.id!.uuidString)</service_request_id>") && open.contains("<detailed_status>RECEIVED</detailed_status>"))
            #expect(try await client.get("/open311/v2/requests/\(concern.id!.uuidString).json").status == .ok)
            let missing = try await client.get("/open311/v2/requests/\(UUID().uuidString).xml")
            #expect(missing.status == .notFound && missing.body.string.contains("<errors><error><code>404</code>"))
            #expect(try await client.get("/open311/v2/requests.json?start_date=gestern").status == .badRequest)
            // POST
            let key = Open311Key(name: "Stadt-App", key: "geheim-123456")
            try await key.create(on: app.db)
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            func post(_ fields: [String: String]) async throws -> TestingHTTPResponse {
                try await client.send(.POST, "/open311/v2/requests.json", headers: headers, body: Browser.encode(fields))
            }
            let valid = ["api_key": "geheim-123456", "service_code": "wege", "description": "Loch im Gehweg", "lat": "50.79", "long": "8.75"]
            #expect(try await post(valid.merging(["api_key": "falsch"]) { $1 }).status == .forbidden)
            #expect(try await post(valid.filter { $0.key != "description" }).status == .badRequest)
            #expect(try await post(valid.merging(["service_code": "nix"]) { $1 }).status == .badRequest)
            #expect(try await post(valid.merging(["lat": "abc"]) { $1 }).status == .badRequest)
            #expect(try await post(valid.merging(["description": String(repeating: "x", count: 5001)]) { $1 }).status == .badRequest)
            #expect(try await Concern.query(on: app.db).count() == 1)
            let created = try await post(valid)
            #expect(created.status == .created && created.body.string.contains("\"token\""))
            let stored = try #require(try await Concern.query(on: app.db).filter(\.$source == .open311).first())
            #expect(!stored.isPublic)
            #expect(try await client.get("/open311/v2/tokens/\(stored.token).json").body.string.contains("\"token\""))
            key.revokedAt = Date()
            try await key.save(on: app.db)
            #expect(try await post(valid).status == .forbidden)
            #expect(try await Concern.query(on: app.db).count() == 2)
        }
    }
}

extension Browser {
    /// A multipart form with text fields and one file, as the concern form sends it.
    mutating func multipart(_ path: String, _ fields: [String: String], file: (field: String, name: String, data: Data)) async throws -> TestingHTTPResponse {
        let boundary = "QuartierConcernBoundary\(UUID().uuidString.prefix(8))"
        var body = Data()
        func append(_ text: String) { body.append(Data(text.utf8)) }
        var all = fields
        all[CSRF.fieldName] = try await token(from: path)
        for (name, value) in all.sorted(by: { $0.key < $1.key }) {
            append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: image/png\r\n\r\n")
        body.append(file.data)
        append("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await send(.POST, path, headers: headers, body: nil, raw: body)
    }
}
