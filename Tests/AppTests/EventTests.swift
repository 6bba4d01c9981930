import Fluent
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Beteiligung: events, registration, waiting list and the door")
struct EventTests {
    /// A published information evening in two weeks with `capacity` places and the registration questions on.
    static func evening(_ app: Application, capacity: Int?) async throws -> Event {
        let start = Date().addingTimeInterval(14 * 86_400)
        let event = Event(title: "Infoabend Nebenkosten", format: .information, startsAt: start, endsAt: start.addingTimeInterval(5400), place: "Stadtteilbüro")
        event.state = .published
        event.registration = true
        event.capacity = capacity
        event.askChildcare = true
        event.askLanguage = true
        try await event.create(on: app.db)
        return event
    }

    static func form(_ name: String, email: String, people: Int = 1) -> [String: String] {
        ["name": name, "email": email, "people": String(people), "consent": "on"]
    }

    @Test("Registration rules: a group that does not fit waits; move-up is first come, first served, and small ones pass a big one")
    func rules() {
        #expect(RegistrationRules.status(forNew: 1, taken: 9, capacity: 10) == .confirmed)
        #expect(RegistrationRules.status(forNew: 2, taken: 9, capacity: 10) == .waiting)
        #expect(RegistrationRules.status(forNew: 5, taken: 500, capacity: nil) == .confirmed)
        #expect(RegistrationRules.moveUp(waiting: [(id: "a", people: 3), (id: "b", people: 1), (id: "c", people: 1)], free: 2) == ["b", "c"])
        #expect(RegistrationRules.moveUp(waiting: [(id: "a", people: 1), (id: "b", people: 1)], free: 1) == ["a"])
        #expect(RegistrationRules.moveUp(waiting: [(id: "a", people: 1)], free: 0).isEmpty)
    }

    @Test("A resident registers without an account, gets a confirmation with a cancel link; when full she waits, and moves up with an e-mail when someone cancels")
    func waitingList() async throws {
        try await withQuartier { app in
            // setup
            let event = try await Self.evening(app, capacity: 2)
            let path = "/veranstaltungen/\(try event.requireID().uuidString)"
            var first = Browser(app), second = Browser(app), third = Browser(app)

            // act
            let one = try await first.post(path + "/anmeldung", Self.form("Gül Erfunden", email: "guel@beispiel.example"), tokenFrom: path)
            let two = try await second.post(path + "/anmeldung", Self.form("Renate Beispiel", email: "renate@beispiel.example"), tokenFrom: path)
            let three = try await third.post(path + "/anmeldung", Self.form("Yusuf Muster", email: "yusuf@beispiel.example"), tokenFrom: path)

            // check
            #expect(one.status == .seeOther && two.status == .seeOther && three.status == .seeOther)
            let rows = try await Registration.query(on: app.db).sort(\.$createdAt).all()
            #expect(rows.map(\.status) == [.confirmed, .confirmed, .waiting])
            try #require(rows.count == 3)
            let mails = try await OutboxMail.query(on: app.db).sort(\.$createdAt).all()
            try #require(mails.count == 3)
            #expect(mails.map(\.recipient) == ["guel@beispiel.example", "renate@beispiel.example", "yusuf@beispiel.example"])
            #expect(mails[0].subject == "Anmeldung bestätigt: Infoabend Nebenkosten")
            #expect(mails[0].body.contains("/anmeldung/\(rows[0].token)"))
            #expect(mails[0].attachments.contains("BEGIN:VCALENDAR"), "the confirmation carries the date as .ics")
            #expect(mails[2].subject == "Warteliste: Infoabend Nebenkosten")
            let ticket = try await third.get(try #require(three.location)).body.string
            #expect(ticket.contains("Platz 1 auf der Warteliste"))
            #expect(ticket.contains("Sie stehen auf der Warteliste"), "the visitor has no session; the page itself says what happened")
            #expect(try await first.get(path).body.string.contains("Ausgebucht."))

            // Gül cancels through her link: Yusuf moves up and is told; cancelling again changes nothing.
            let ticketPath = "/anmeldung/\(rows[0].token)"
            let token = try await first.token(from: ticketPath)
            let cancelled = try await first.post(ticketPath + "/stornieren", ["_csrf": token], csrf: false)
            // A second press (an old tab, a double click) finds the registration cancelled already.
            let again = try await first.post(ticketPath + "/stornieren", ["_csrf": token], csrf: false)
            #expect(cancelled.status == .seeOther && again.status == .seeOther)
            #expect(try await first.get(try #require(cancelled.location)).body.string.contains("Ihre Anmeldung ist storniert. Danke für Ihre Nachricht."))
            let after = try await Registration.query(on: app.db).sort(\.$createdAt).all()
            #expect(after.map(\.status) == [.cancelled, .confirmed, .confirmed])
            let mailsAfter = try await OutboxMail.query(on: app.db).sort(\.$createdAt).all()
            #expect(mailsAfter.count == 5, "a cancellation receipt and one move-up mail, nothing on the second cancel")
            #expect(mailsAfter.contains { $0.recipient == "yusuf@beispiel.example" && $0.subject == "Sie haben einen Platz: Infoabend Nebenkosten" })
            #expect(try await first.get(ticketPath).body.string.contains("Diese Anmeldung ist storniert."))
            #expect(try await first.get("/anmeldung/nicht-vorhanden-aber-lang-genug").status == .notFound)
        }
    }

    @Test("Bad registrations are refused with clear messages and store nothing; a robot filling the hidden field stores nothing either")
    func badInput() async throws {
        try await withQuartier { app in
            let event = try await Self.evening(app, capacity: 5)
            let path = "/veranstaltungen/\(try event.requireID().uuidString)"
            var browser = Browser(app)
            let empty = try await browser.post(path + "/anmeldung", ["name": "", "email": "kein-at", "people": "0"], tokenFrom: path)
            let tooMany = try await browser.post(path + "/anmeldung", ["name": "Eine Gruppe", "email": "g@beispiel.example", "people": "40", "consent": "on"], tokenFrom: path)
            let robot = try await browser.post(path + "/anmeldung", Self.form("Robo", email: "r@beispiel.example").merging(["website": "http://spam.example"]) { $1 },
                                               tokenFrom: path)
            #expect(empty.status == .badRequest)
            #expect(empty.body.string.contains("Bitte geben Sie einen Namen an."))
            #expect(empty.body.string.contains("Bitte geben Sie eine gültige E-Mail-Adresse an."))
            #expect(empty.body.string.contains("Bitte stimmen Sie der Speicherung Ihrer Angaben zu"))
            #expect(tooMany.status == .badRequest)
            #expect(tooMany.body.string.contains("zwischen 1 und 10 Personen"))
            #expect(robot.status == .seeOther)
            #expect(try await Registration.query(on: app.db).count() == 0)
            #expect(try await OutboxMail.query(on: app.db).count() == 0)
        }
    }

    @Test("Fifty residents register at the same moment for ten places: exactly ten get a place, forty wait")
    func concurrentRegistrations() async throws {
        try await withQuartier { app in
            // setup
            let event = try await Self.evening(app, capacity: 10)
            let path = "/veranstaltungen/\(try event.requireID().uuidString)"
            var browsers: [Browser] = []
            var tokens: [String] = []
            for _ in 0..<50 {
                var browser = Browser(app)
                tokens.append(try await browser.token(from: path))
                browsers.append(browser)
            }

            // act
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for (index, browser) in browsers.enumerated() {
                    let token = tokens[index]
                    group.addTask {
                        var browser = browser
                        return try await browser.post(path + "/anmeldung",
                                                      Self.form("Person \(index)", email: "p\(index)@beispiel.example").merging(["_csrf": token]) { $1 },
                                                      csrf: false).status
                    }
                }
                var all: [HTTPStatus] = []
                for try await status in group { all.append(status) }
                return all
            }

            // check
            #expect(statuses.allSatisfy { $0 == .seeOther })
            let rows = try await Registration.query(on: app.db).all()
            #expect(rows.count == 50)
            #expect(rows.filter { $0.status == .confirmed }.count == 10)
            #expect(rows.filter { $0.status == .waiting }.count == 40)
            #expect(try await RegistrationDesk.confirmedPeople(event.requireID(), on: app.db) == 10)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$subject == "Anmeldung bestätigt: Infoabend Nebenkosten").count() == 10)
        }
    }

    @Test("Drafts are invisible to the public; published and cancelled events show, cancelled ones marked, in the calendar, the month and the feed")
    func visibility() async throws {
        try await withQuartier { app in
            let start = Date().addingTimeInterval(3 * 86_400)
            let draft = Event(title: "Geheimer Entwurf", format: .workshop, startsAt: start, endsAt: start.addingTimeInterval(3600), place: "Büro")
            let open = Event(title: "Offenes Fest", format: .districtFestival, startsAt: start, endsAt: start.addingTimeInterval(3600), place: "Wiese")
            open.state = .published
            let called = Event(title: "Abgesagter Workshop", format: .workshop, startsAt: start, endsAt: start.addingTimeInterval(3600), place: "Büro")
            called.state = .cancelled
            try await [draft, open, called].create(on: app.db)
            var visitor = Browser(app)
            let list = try await visitor.get("/veranstaltungen").body.string
            #expect(list.contains("Offenes Fest") && list.contains("Abgesagter Workshop") && !list.contains("Geheimer Entwurf"))
            let month = try await visitor.get("/veranstaltungen?ansicht=monat&monat=\(MonthGrid(month: nil, today: start).nextKey)").status
            #expect(month == .ok)
            let filtered = try await visitor.get("/veranstaltungen?format=district-festival").body.string
            #expect(filtered.contains("Offenes Fest") && !filtered.contains("Abgesagter Workshop"))
            #expect(try await visitor.get("/veranstaltungen/\(try draft.requireID().uuidString)").status == .notFound)
            #expect(try await visitor.get("/veranstaltungen/\(try draft.requireID().uuidString)/termin.ics").status == .notFound)
            let feed = try await visitor.get("/veranstaltungen.ics").body.string
            #expect(feed.contains("SUMMARY:Offenes Fest") && !feed.contains("Geheimer Entwurf"))
            #expect(feed.contains("UID:\(called.calendarUID)"))
            #expect(feed.contains("STATUS:CANCELLED"))
            #expect(feed.contains("BEGIN:VTIMEZONE"))
            let page = try await visitor.get("/veranstaltungen/\(try called.requireID().uuidString)").body.string
            #expect(page.contains("Diese Veranstaltung ist abgesagt."))
            let home = try await visitor.get("/").body.string
            #expect(home.contains("Offenes Fest") && !home.contains("Geheimer Entwurf"), "the start page shows what is coming up, never a draft")
        }
    }

    @Test("Staff plan an event, edit it (the calendar sees a new SEQUENCE, the UID stays), raise its places (the waiting list moves up) and call it off")
    func staffLifecycle() async throws {
        try await withQuartier { app in
            // setup
            try await app.makeUser("team@quartier.test", role: .staff)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            let form: [String: String] = ["title": "Mieterversammlung Musterweg", "format": "tenant-assembly", "date": "2031-03-04", "start": "18:00",
                                          "end": "20:00", "place": "Gemeinschaftsraum", "step_free": "on", "interpreting": "Türkisch",
                                          "registration": "on", "capacity": "1"]

            // act
            let invalid = try await staff.post("/verwaltung/veranstaltungen/neu", form.merging(["title": "", "end": "17:00", "capacity": "-3"]) { $1 })
            let created = try await staff.post("/verwaltung/veranstaltungen/neu", form)

            // check
            #expect(invalid.status == .badRequest)
            #expect(invalid.body.string.contains("Bitte geben Sie einen Titel an"))
            #expect(invalid.body.string.contains("Die Zahl der Plätze muss zwischen 1 und 10.000 liegen."))
            #expect(created.status == .seeOther)
            #expect(try await Event.query(on: app.db).count() == 1, "the refused form created nothing")
            let event = try #require(try await Event.query(on: app.db).first())
            #expect(event.state == .draft)
            #expect(BerlinTime.dateTime(event.startsAt, .de) == "04.03.2031, 18:00 Uhr")
            let eventPath = try #require(created.location)
            #expect(try await staff.post(eventPath + "/status", ["state": "published"]).status == .seeOther)

            // Two registrations by phone for one place: the second waits.
            #expect(try await staff.post(eventPath + "/anmeldungen", ["name": "Frau Anruf", "phone": "06421 1", "people": "1", "source": "phone"]).status == .seeOther)
            #expect(try await staff.post(eventPath + "/anmeldungen", ["name": "Herr Später", "people": "1", "source": "in-person"]).status == .seeOther)
            #expect(try await Registration.query(on: app.db).filter(\.$status == .waiting).count() == 1)
            #expect(try await OutboxMail.query(on: app.db).count() == 0, "no e-mail address, no mail")

            let ics = { () async throws -> String in try await staff.get("/veranstaltungen/\(try event.requireID().uuidString)/termin.ics").body.string }
            let before = try await ics()
            #expect(before.contains("SEQUENCE:0"))
            let edited = try await staff.post(eventPath + "/bearbeiten", form.merging(["start": "18:30", "capacity": "2"]) { $1 })
            #expect(edited.status == .seeOther)
            let after = try await ics()
            #expect(after.contains("SEQUENCE:1"))
            #expect(after.contains("UID:\(event.calendarUID)"))
            #expect(try await Registration.query(on: app.db).filter(\.$status == .waiting).count() == 0, "more places: the waiting list moved up")

            let csv = try await staff.get(eventPath + "/anmeldungen.csv")
            #expect(csv.headers.contentType?.description.contains("text/csv") == true)
            #expect(csv.body.string.contains("Frau Anruf") && csv.body.string.contains("Herr Später"))

            #expect(try await staff.post(eventPath + "/bearbeiten", form.merging(["start": "18:30", "capacity": "2", "organisers": "Mieterbeirat"]) { $1 }).status == .seeOther)
            #expect(try await ics().contains("SEQUENCE:2"), "the organisers are in the calendar text, so calendars must learn of them")
            try await Registration(eventID: try event.requireID(), name: "Gül Erfunden", email: "guel@beispiel.example", phone: "", people: 1,
                                   status: .confirmed, source: .online, locale: .en).create(on: app.db)
            #expect(try await staff.post(eventPath + "/status", ["state": "cancelled"]).status == .seeOther)
            let cancelled = try await ics()
            #expect(cancelled.contains("STATUS:CANCELLED") && cancelled.contains("SEQUENCE:3"))
            let told = try await OutboxMail.query(on: app.db).all()
            #expect(told.map(\.recipient) == ["guel@beispiel.example"], "everybody with an address who registered hears of it")
            #expect(told.first?.subject == "Cancelled: Mieterversammlung Musterweg", "in the language she registered in")
        }
    }

    @Test("At the door: staff check people in (and undo a slip) and count walk-ins by age group, so that participation figures are complete")
    func door() async throws {
        try await withQuartier { app in
            try await app.makeUser("team@quartier.test", role: .staff)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            let event = try await Self.evening(app, capacity: nil)
            let id = try event.requireID().uuidString
            let registration = Registration(eventID: try event.requireID(), name: "Olga Vorlage", email: "", phone: "", people: 2, status: .confirmed,
                                            source: .phone, locale: .de)
            try await registration.create(on: app.db)
            let door = "/verwaltung/veranstaltungen/\(id)/einlass"
            let checkIn = "/verwaltung/anmeldungen/\(try registration.requireID().uuidString)/einlass"

            #expect(try await staff.post(checkIn, [:], tokenFrom: door).status == .seeOther)
            for group in ["adults", "adults", "children"] {
                #expect(try await staff.post("/verwaltung/veranstaltungen/\(id)/ohne-anmeldung", ["group": group, "delta": "1"], tokenFrom: door).status == .seeOther)
            }
            #expect(try await staff.post("/verwaltung/veranstaltungen/\(id)/ohne-anmeldung", ["group": "children", "delta": "-1"], tokenFrom: door).status == .seeOther)
            let bad = try await staff.post("/verwaltung/veranstaltungen/\(id)/ohne-anmeldung", ["group": "aliens", "delta": "1"], tokenFrom: door)

            #expect(bad.status == .badRequest)
            let page = try await staff.get(door).body.string
            #expect(page.contains("Gekommen: 4 Personen (2 mit Anmeldung, 2 ohne)."))
            #expect(try await staff.get("/verwaltung/veranstaltungen/\(id)").body.string.contains("Gekommen: 4 Personen"))
            #expect(try await staff.post(checkIn, [:], tokenFrom: door).status == .seeOther)
            #expect(try await Registration.find(registration.requireID(), on: app.db)?.checkedInAt == nil, "a second press undoes the check-in")
        }
    }

    @Test("Thirty days after an event the registrations lose names and contact details; the figures stay")
    func retention() async throws {
        try await withQuartier { app in
            let event = try await Self.evening(app, capacity: nil)
            let registration = Registration(eventID: try event.requireID(), name: "Olga Vorlage", email: "olga@beispiel.example", phone: "0171",
                                            people: 3, status: .confirmed, source: .online, locale: .de)
            registration.checkedInAt = Date()
            try await registration.create(on: app.db)
            let afterEvent = event.endsAt.addingTimeInterval(29 * 86_400)
            #expect(try await RegistrationRetention.purge(now: afterEvent, on: app.db) == 0, "not yet")
            #expect(try await RegistrationRetention.purge(now: afterEvent.addingTimeInterval(2 * 86_400), on: app.db) == 1)
            let kept = try #require(try await Registration.find(registration.requireID(), on: app.db))
            #expect(kept.name.isEmpty && kept.email.isEmpty && kept.phone.isEmpty)
            #expect(kept.people == 3 && kept.status == .confirmed && kept.checkedInAt != nil)
            #expect(kept.token != registration.token)
            var visitor = Browser(app)
            #expect(try await visitor.get("/anmeldung/\(registration.token)").status == .notFound, "the old link leads nowhere")
            #expect(try await RegistrationRetention.purge(now: afterEvent.addingTimeInterval(3 * 86_400), on: app.db) == 0, "done once")
        }
    }
}
