import Fluent
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Administration and the audit log")
struct AdminTests {
    @Test("An admin edits the contact block; the start page shows it and the audit log records the change")
    func editOffice() async throws {
        try await withQuartier { app in
            // setup
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var admin = Browser(app)
            try await admin.login(DemoData.adminEmail, password: DemoData.password)
            let form = try await admin.get("/verwaltung/admin/stadtteilbuero")
            #expect(form.body.string.contains("value=\"06421 555 01 90\""))

            // act
            let saved = try await admin.post("/verwaltung/admin/stadtteilbuero", [
                "district_name": "Stadtwald-Ockershausen (Beispiel)", "is_fictional": "on",
                "office_name": "Stadtteilbüro Stadtwald", "people": "Jana Beispiel", "phone": "06421 999 77",
                "email": "buero@stadtwald.example", "street": "Am Beispielhang 12", "postal_code": "35037", "city": "Marburg",
                "opening_hours": "Mo 9–12 Uhr", "consultation_hours": "Mi 15–17 Uhr",
            ])

            // check
            #expect(saved.status == .seeOther)
            let confirmation = try await admin.get(saved.location ?? "")
            #expect(confirmation.body.string.contains("class=\"notice\""))
            var resident = Browser(app)
            let home = try await resident.get("/")
            #expect(home.body.string.contains("06421 999 77"))
            let entry = try #require(try await AuditEntry.query(on: app.db).filter(\.$entityType == PortalSettings.auditType).first())
            #expect(entry.actorEmail == DemoData.adminEmail)
            #expect(entry.action == .update)
            #expect(entry.decodedChanges.contains(FieldChange(field: "phone", before: "06421 555 01 90", after: "06421 999 77")))
            #expect(!entry.decodedChanges.contains { $0.field == "street" }, "unchanged fields are not logged")
            let log = try await admin.get("/verwaltung/admin/protokoll")
            #expect(log.body.string.contains("06421 999 77"))
        }
    }

    @Test("Invalid contact data is refused with a message and changes nothing")
    func invalidOffice() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var admin = Browser(app)
            try await admin.login(DemoData.adminEmail, password: DemoData.password)

            let response = try await admin.post("/verwaltung/admin/stadtteilbuero", ["district_name": "", "email": "kaputt"])

            #expect(response.status == .badRequest)
            #expect(response.body.string.contains("Bitte geben Sie den Namen des Stadtteils an."))
            #expect(response.body.string.contains("Die E-Mail-Adresse ist ungültig."))
            #expect(try await PortalSettings.query(on: app.db).first()?.email == "stadtteilbuero@stadtwald.example")
            #expect(try await AuditEntry.query(on: app.db).count() == 0)
        }
    }

    @Test("An admin writes the English start page text; residents reading English see it")
    func editText() async throws {
        try await withQuartier { app in
            try await app.makeUser("chefin@quartier.test", role: .admin)
            var admin = Browser(app)
            try await admin.login("chefin@quartier.test")

            let saved = try await admin.post("/verwaltung/admin/texte/intro/en", ["title": "Hello neighbours", "body": "First paragraph.\n\nSecond <b>paragraph</b>."])

            #expect(saved.status == .seeOther)
            var resident = Browser(app)
            resident.cookies[LanguageMiddleware.cookieName] = "en"
            let home = try await resident.get("/")
            #expect(home.body.string.contains("<h1>Hello neighbours</h1>"))
            #expect(home.body.string.contains("Second &lt;b&gt;paragraph&lt;/b&gt;."), "text is escaped, never raw HTML")
            var germanReader = Browser(app)
            let german = try await germanReader.get("/")
            #expect(!german.body.string.contains("Hello neighbours"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entityType == SiteText.auditType).count() == 1)
        }
    }

    @Test("An admin creates an account; the password is hashed and never written to the audit log")
    func createUser() async throws {
        try await withQuartier { app in
            try await app.makeUser("chefin@quartier.test", role: .admin)
            var admin = Browser(app)
            try await admin.login("chefin@quartier.test")

            let created = try await admin.post("/verwaltung/admin/benutzer/neu", [
                "name": "Neue Kollegin", "email": "neu@quartier.test", "role": "staff", "active": "on",
                "password": "ein gutes Passwort", "repeated": "ein gutes Passwort",
            ])
            let duplicate = try await admin.post("/verwaltung/admin/benutzer/neu", [
                "name": "Doppelt", "email": "NEU@quartier.test", "role": "staff",
                "password": "ein gutes Passwort", "repeated": "ein gutes Passwort",
            ])

            #expect(created.status == .seeOther)
            #expect(duplicate.status == .badRequest)
            #expect(duplicate.body.string.contains("Es gibt schon ein Konto"))
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "neu@quartier.test").first())
            #expect(user.role == .staff)
            #expect(user.passwordHash.hasPrefix("$2"))
            let entry = try #require(try await AuditEntry.query(on: app.db).filter(\.$entityType == User.auditType).first())
            #expect(entry.action == .create)
            #expect(!entry.changes.contains(user.passwordHash))
            #expect(entry.decodedChanges.contains(FieldChange(field: "password", before: nil, after: "•••")))
            var colleague = Browser(app)
            #expect(try await colleague.login("neu@quartier.test", password: "ein gutes Passwort").location == "/verwaltung")
        }
    }

    @Test("The last active admin cannot demote or disable themselves")
    func lastAdmin() async throws {
        try await withQuartier { app in
            let chef = try await app.makeUser("chefin@quartier.test", role: .admin)
            var admin = Browser(app)
            try await admin.login("chefin@quartier.test")
            let path = "/verwaltung/admin/benutzer/\(try chef.requireID().uuidString)"

            let response = try await admin.post(path, ["name": "Chefin", "email": "chefin@quartier.test", "role": "staff", "active": "on"])

            #expect(response.status == .badRequest)
            #expect(response.body.string.contains("letzte aktive Administrationskonto"))
            #expect(try await User.find(chef.requireID(), on: app.db)?.role == .admin)
        }
    }

    @Test("A disabled account loses access at once, also with an open session")
    func disableUser() async throws {
        try await withQuartier { app in
            try await app.makeUser("chefin@quartier.test", role: .admin)
            let colleague = try await app.makeUser("team@quartier.test", role: .staff)
            var admin = Browser(app)
            try await admin.login("chefin@quartier.test")
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            #expect(try await staff.get("/verwaltung").status == .ok)

            let path = "/verwaltung/admin/benutzer/\(try colleague.requireID().uuidString)"
            #expect(try await admin.post(path, ["name": "Team", "email": "team@quartier.test", "role": "staff"]).status == .seeOther)

            #expect(try await staff.get("/verwaltung").status == .seeOther)
            let entry = try #require(try await AuditEntry.query(on: app.db).filter(\.$entityID == colleague.requireID().uuidString).first())
            #expect(entry.decodedChanges == [FieldChange(field: "active", before: "true", after: "false")])
        }
    }

    @Test("The user list is paginated")
    func userPagination() async throws {
        try await withQuartier { app in
            try await app.makeUser("chefin@quartier.test", role: .admin)
            let hash = try await app.password.async.hash("irrelevant password")
            let many = (1...60).map { User(email: "person\($0)@quartier.test", name: String(format: "Person %02d", $0), role: .member, passwordHash: hash) }
            try await many.create(on: app.db)
            var admin = Browser(app)
            try await admin.login("chefin@quartier.test")

            let first = try await admin.get("/verwaltung/admin/benutzer")
            let third = try await admin.get("/verwaltung/admin/benutzer?seite=3")
            let beyond = try await admin.get("/verwaltung/admin/benutzer?seite=99")

            #expect(first.body.string.contains("Seite 1 von 3 (61 Einträge)"))
            #expect(first.body.string.contains("rel=\"next\""))
            #expect(third.body.string.contains("Seite 3 von 3"))
            #expect(!third.body.string.contains("rel=\"next\""))
            #expect(beyond.body.string.contains("Seite 3 von 3"))
        }
    }
}
