import Fluent
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Akteure: directory, contact log, follow-ups, outreach and consent")
struct ActorTests {
    @Test("Staff log a visit at a tenant assembly with two persons and a follow-up; it shows everywhere it should")
    func logContact() async throws {
        try await withQuartier { app in
            // setup
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var staff = Browser(app)
            try await staff.login(DemoData.staffEmail, password: DemoData.password)
            let dueBefore = try await ContactController.dueCount(on: app.db)

            // act
            let saved = try await staff.post("/verwaltung/kontakte/neu", [
                "kind": "meeting", "happened_on": CalendarDate.iso(CalendarDate.today()),
                "subject": "Mieterversammlung Sonnenhang", "persons": "Aylin Beispiel\nm.probe@schule.example",
                "organisations": "GeWoBau Beispiel eG", "topics": "Spielplätze, Neues Thema",
                "needs": "Mehr Licht im Hof", "follow_up_on": CalendarDate.iso(CalendarDate.today()),
            ])

            // check
            #expect(saved.status == .seeOther)
            let shown = try await staff.get(saved.location ?? "")
            #expect(shown.status == .ok)
            #expect(shown.body.string.contains("Mehr Licht im Hof"))
            let contact = try #require(try await Contact.query(on: app.db).filter(\.$subject == "Mieterversammlung Sonnenhang")
                .with(\.$persons).with(\.$organisations).with(\.$topics).first())
            #expect(Set(contact.persons.map(\.displayName)) == ["Aylin Beispiel", "Mariam Probe"])
            #expect(contact.organisations.map(\.name) == ["GeWoBau Beispiel eG"])
            #expect(Set(contact.topics.map(\.name)) == ["Spielplätze", "Neues Thema"])
            #expect(try await ContactController.dueCount(on: app.db) == dueBefore + 1)
            let dashboard = try await staff.get("/verwaltung")
            #expect(dashboard.body.string.contains("fällige Wiedervorlagen"))
            let followUps = try await staff.get("/verwaltung/wiedervorlagen")
            #expect(followUps.body.string.contains("Mieterversammlung Sonnenhang"))
            let aylin = try #require(try await Person.query(on: app.db).filter(\.$givenName == "Aylin").filter(\.$familyName == "Beispiel").first())
            #expect(aylin.lastContactAt == CalendarDate.today())
            let page = try await staff.get("/verwaltung/personen/\(try aylin.requireID().uuidString)")
            #expect(page.body.string.contains("Mieterversammlung Sonnenhang"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entityType == Contact.auditType).count() == 1)
        }
    }

    @Test("Unknown or ambiguous participants are named in the error and nothing is saved")
    func contactValidation() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var staff = Browser(app)
            try await staff.login(DemoData.staffEmail, password: DemoData.password)
            let before = try await Contact.query(on: app.db).count()

            let response = try await staff.post("/verwaltung/kontakte/neu", [
                "kind": "visit", "happened_on": "2999-01-01", "subject": "Besuch", "persons": "Niemand Unbekannt",
            ])

            #expect(response.status == .badRequest)
            #expect(response.body.string.contains("Keine Person „Niemand Unbekannt“ im Verzeichnis."))
            #expect(response.body.string.contains("nicht in der Zukunft"))
            #expect(try await Contact.query(on: app.db).count() == before)
        }
    }

    @Test("The outreach list shows never-contacted organisations first, then the oldest contact")
    func outreachOrder() async throws {
        try await withQuartier { app in
            try await app.makeUser("team@quartier.test", role: .staff)
            let today = CalendarDate.today()
            let never = Organisation(name: "Nie kontaktiert", kind: .association)
            let old = Organisation(name: "Vor zwei Jahren", kind: .school)
            old.lastContactAt = CalendarDate.monthsBefore(24, today)
            let older = Organisation(name: "Vor drei Jahren", kind: .school)
            older.lastContactAt = CalendarDate.monthsBefore(36, today)
            let recent = Organisation(name: "Letzte Woche", kind: .business)
            recent.lastContactAt = Calendar(identifier: .gregorian).date(byAdding: .day, value: -7, to: today)
            for organisation in [recent, old, never, older] { try await organisation.save(on: app.db) }
            var staff = Browser(app)
            try await staff.login("team@quartier.test")

            let page = try await staff.get("/verwaltung/reichweite?monate=6").body.string

            let positions = ["Nie kontaktiert", "Vor drei Jahren", "Vor zwei Jahren"].map { page.range(of: $0)?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil })
            #expect(positions[0]! < positions[1]! && positions[1]! < positions[2]!)
            #expect(!page.contains("Letzte Woche"))
        }
    }

    @Test("Search and filters narrow the directory, across languages and accents")
    func directoryFilters() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var staff = Browser(app)
            try await staff.login(DemoData.staffEmail, password: DemoData.password)
            let school = try #require(try await Topic.query(on: app.db).filter(\.$name == "Hausaufgabenhilfe").first())
            let field = try #require(try await FieldOfAction.query(on: app.db).filter(\.$name == "Wohnen").first())

            let byName = try await staff.get("/verwaltung/organisationen?q=grundschule").body.string
            let byKind = try await staff.get("/verwaltung/organisationen?typ=housing").body.string
            let byTopic = try await staff.get("/verwaltung/organisationen?thema=\(try school.requireID().uuidString)").body.string
            let byField = try await staff.get("/verwaltung/organisationen?feld=\(try field.requireID().uuidString)").body.string
            let person = try await staff.get("/verwaltung/personen?q=gul").body.string
            let browserForm = try await staff.get("/verwaltung/organisationen?q=grundschule&typ=&thema=&feld=&monate=&seite=")
            #expect(browserForm.status == .ok, "empty fields as a browser sends them are no filter")
            #expect(try await staff.get("/verwaltung/personen?monate=abc&seite=x").status == .ok)
            let consenting = try await staff.get("/verwaltung/personen?einwilligung=newsletter").body.string

            #expect(byName.contains("Grundschule am Stadtwald") && !byName.contains("GeWoBau"))
            #expect(byKind.contains("GeWoBau") && !byKind.contains("Grundschule"))
            #expect(byTopic.contains("Grundschule am Stadtwald") && !byTopic.contains("GeWoBau"))
            #expect(byField.contains("GeWoBau") && byField.contains("Mieterbeirat") && !byField.contains("Bäckerei"))
            #expect(person.contains("Erfunden, Gül"), "ü is found by u")
            #expect(consenting.contains("Beispiel, Aylin") && !consenting.contains("Muster, Jonas"))
        }
    }

    @Test("Consent: a withdrawal ends it, a new grant renews it, and lists by purpose follow")
    func consentLifecycle() async throws {
        try await withQuartier { app in
            try await app.makeUser("team@quartier.test", role: .staff)
            let person = Person(givenName: "Gül", familyName: "Beispiel", email: "gul@beispiel.example")
            try await person.save(on: app.db)
            let path = "/verwaltung/personen/\(try person.requireID().uuidString)"
            var staff = Browser(app)
            try await staff.login("team@quartier.test")

            let future = try await staff.post(path + "/einwilligungen", ["purpose": "newsletter", "given_on": "2999-01-01", "source": "paper"])
            #expect(future.status == .badRequest)
            let given = try await staff.post(path + "/einwilligungen", ["purpose": "newsletter", "given_on": CalendarDate.iso(CalendarDate.today()), "source": "paper"])
            #expect(given.status == .seeOther)
            #expect(try await staff.get("/verwaltung/personen?einwilligung=newsletter").body.string.contains("Beispiel, Gül"))

            let consent = try #require(try await Consent.query(on: app.db).first())
            let withdrawn = try await staff.post(path + "/einwilligungen/\(try consent.requireID().uuidString)/widerrufen", [:], tokenFrom: path)
            #expect(withdrawn.status == .seeOther)
            #expect(!(try await staff.get("/verwaltung/personen?einwilligung=newsletter").body.string.contains("Beispiel, Gül")))
            let page = try await staff.get(path).body.string
            #expect(page.contains("widerrufen am"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entityType == Consent.auditType).count() == 2)
        }
    }

    @Test("Functions are tracked over time; an ended one stays as former")
    func functionsOverTime() async throws {
        try await withQuartier { app in
            try await app.makeUser("team@quartier.test", role: .staff)
            let organisation = Organisation(name: "Mieterverein Beispiel", kind: .association)
            try await organisation.save(on: app.db)
            let person = Person(givenName: "Renate", familyName: "Beispiel")
            try await person.save(on: app.db)
            let path = "/verwaltung/personen/\(try person.requireID().uuidString)"
            var staff = Browser(app)
            try await staff.login("team@quartier.test")

            let wrong = try await staff.post(path + "/funktionen", ["organisation": "Gibt es nicht", "title": "Vorsitz", "from": "01.02.2020", "until": "01.01.2020"])
            #expect(wrong.status == .badRequest)
            #expect(wrong.body.string.contains("Keine Organisation heißt „Gibt es nicht“."))
            #expect(wrong.body.string.contains("„Bis“ darf nicht vor „Seit“ liegen."))
            let added = try await staff.post(path + "/funktionen", ["organisation": "mieterverein beispiel", "title": "Vorsitzende", "from": "01.02.2020"])
            #expect(added.status == .seeOther)
            let function = try #require(try await PersonFunction.query(on: app.db).first())
            #expect(function.period.isCurrent(at: CalendarDate.today()))

            let ended = try await staff.post(path + "/funktionen/\(try function.requireID().uuidString)/beenden", [:], tokenFrom: path)
            #expect(ended.status == .seeOther)
            let organisationPage = try await staff.get("/verwaltung/organisationen/\(try organisation.requireID().uuidString)").body.string
            #expect(organisationPage.contains("Vorsitzende"))
            let after = try await PersonFunction.find(function.requireID(), on: app.db)
            #expect(after?.until == CalendarDate.today())
            #expect(!(after?.period.isCurrent(at: Calendar(identifier: .gregorian).date(byAdding: .day, value: 1, to: CalendarDate.today())!) ?? true))
        }
    }

    @Test("Organisation forms refuse bad input with messages and change nothing")
    func organisationValidation() async throws {
        try await withQuartier { app in
            try await app.makeUser("team@quartier.test", role: .staff)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")

            let bad = try await staff.post("/verwaltung/organisationen/neu", ["name": "", "kind": "institution", "email": "x", "website": "ftp://x", "latitude": "viel"])
            let good = try await staff.post("/verwaltung/organisationen/neu", ["name": "Stadtteilladen", "kind": "institution", "topics": "Nahversorgung",
                                                                              "is_public": "on", "public_fields[]": "address"])

            #expect(bad.status == .badRequest)
            for message in ["Bitte geben Sie den Namen an.", "Die E-Mail-Adresse ist ungültig.", "https://", "Breiten- und Längengrad"] {
                #expect(bad.body.string.contains(message), "\(message)")
            }
            #expect(good.status == .seeOther)
            let saved = try #require(try await Organisation.query(on: app.db).with(\.$topics).first())
            #expect(saved.name == "Stadtteilladen")
            #expect(saved.isPublic)
            #expect(saved.publicFieldSet == [.address])
            #expect(saved.topics.map(\.name) == ["Nahversorgung"])
        }
    }
}

@Suite("Akteure: public directory and network")
struct ActorPublicTests {
    @Test("The public directory shows only public organisations, only their public fields, and named people only with consent")
    func publicDirectory() async throws {
        try await withQuartier { app in
            let visible = Organisation(name: "Stadtteilladen Beispiel", kind: .institution)
            visible.isPublic = true
            visible.publicFields = "address"
            visible.street = "Marktplatz 1"
            visible.phone = "06421 999"
            let hidden = Organisation(name: "Geheimer Verein", kind: .association)
            for organisation in [visible, hidden] { try await organisation.save(on: app.db) }
            let named = Person(givenName: "Nadia", familyName: "Öffentlich")
            let unnamed = Person(givenName: "Paul", familyName: "Privat")
            for person in [named, unnamed] { try await person.save(on: app.db) }
            for person in [named, unnamed] {
                try await PersonFunction(personID: try person.requireID(), organisationID: try visible.requireID(), title: "Leitung").save(on: app.db)
            }
            try await Consent(personID: try named.requireID(), purpose: .namePublished, givenAt: Date().addingTimeInterval(-60), source: .form).save(on: app.db)

            var resident = Browser(app)
            let page = try await resident.get("/einrichtungen").body.string

            #expect(page.contains("Stadtteilladen Beispiel"))
            #expect(page.contains("Marktplatz 1"))
            #expect(!page.contains("06421 999"), "the phone is not marked public")
            #expect(!page.contains("Geheimer Verein"))
            #expect(page.contains("Nadia Öffentlich"))
            #expect(!page.contains("Paul Privat"))
        }
    }

    @Test("The network shows who connects whom, as an SVG image and as a list with the same names")
    func network() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var staff = Browser(app)
            try await staff.login(DemoData.staffEmail, password: DemoData.password)

            let page = try await staff.get("/verwaltung/netzwerk")
            let image = try await staff.get("/verwaltung/netzwerk.svg")

            #expect(page.status == .ok)
            #expect(page.body.string.contains("Grundschule am Stadtwald (Beispiel)"))
            #expect(page.body.string.contains("Mariam Probe"))
            #expect(image.headers.contentType?.description.hasPrefix("image/svg+xml") == true)
            let svg = image.body.string
            #expect(svg.contains("<svg"))
            #expect(svg.contains("role=\"img\""))
            #expect(svg.contains("Mariam Probe"))
            #expect(!svg.contains("<script"))
            #expect(try await staff.get("/verwaltung/netzwerk.svg").body.string == svg, "the layout is deterministic")
        }
    }
}

@Suite("Akteure: topics and fields of action")
struct TopicTests {
    @Test("Staff map a new topic to a field of action; the field filter then finds organisations with that topic")
    func assignTopic() async throws {
        try await withQuartier { app in
            try await app.makeUser("team@quartier.test", role: .staff)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            let organisation = try await staff.post("/verwaltung/organisationen/neu", ["name": "Repair-Café", "kind": "association", "topics": "Reparieren"])
            #expect(organisation.status == .seeOther)

            let field = try await staff.post("/verwaltung/handlungsfelder", ["name": "Umwelt"], tokenFrom: "/verwaltung/themen")
            let duplicate = try await staff.post("/verwaltung/handlungsfelder", ["name": "Umwelt"], tokenFrom: "/verwaltung/themen")
            #expect(field.status == .seeOther)
            #expect(duplicate.status == .badRequest)
            let umwelt = try #require(try await FieldOfAction.query(on: app.db).filter(\.$name == "Umwelt").first())
            let topic = try #require(try await Topic.query(on: app.db).filter(\.$name == "Reparieren").first())
            let assigned = try await staff.post("/verwaltung/themen/\(try topic.requireID().uuidString)", ["field": try umwelt.requireID().uuidString],
                                                tokenFrom: "/verwaltung/themen")

            #expect(assigned.status == .seeOther)
            let filtered = try await staff.get("/verwaltung/organisationen?feld=\(try umwelt.requireID().uuidString)").body.string
            #expect(filtered.contains("Repair-Café"))
        }
    }
}
