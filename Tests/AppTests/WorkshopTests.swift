import Fluent
import Foundation
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

/// The Zukunftswerkstatt workspace: phases, cards, clusters, dot votes, project sketches, and participants' cards
/// from their phones that wait for approval.
@Suite("Zukunftswerkstatt workspace")
struct WorkshopTests {
    /// A future workshop today and a staff member logged in; the workspace started when `start` is set.
    struct Setup {
        let event: Event
        var staff: Browser
        let workshopPath: String
        let eventID: String

        static func make(_ app: Application, start: Bool = true, state: EventState = .published) async throws -> Setup {
            let event = Event(title: "Zukunftswerkstatt Bolzplatz", format: .futureWorkshop, startsAt: Date().addingTimeInterval(-3600),
                              endsAt: Date().addingTimeInterval(4 * 3600), place: "Aula der Grundschule")
            event.state = state
            try await event.save(on: app.db)
            try await app.makeUser("team@quartier.test", role: .staff)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            let eventID = try event.requireID().uuidString
            let path = "/verwaltung/veranstaltungen/\(eventID)/werkstatt"
            if start {
                let started = try await staff.post(path, [:])
                #expect(started.status == .seeOther)
            }
            return Setup(event: event, staff: staff, workshopPath: path, eventID: eventID)
        }

        func workshop(_ app: Application) async throws -> Workshop {
            try #require(try await Workshop.query(on: app.db).filter(\.$event.$id == event.requireID()).first())
        }

        mutating func post(_ suffix: String, _ form: [String: String]) async throws -> TestingHTTPResponse {
            try await staff.post(workshopPath + suffix, form, tokenFrom: workshopPath)
        }
    }

    @Test("The workspace starts in the critique phase and moves forward in order, back one step, never skipping; refused moves change nothing")
    func phaseRules() async throws {
        try await withQuartier { app in
            // setup
            var setup = try await Setup.make(app, start: false)
            let startPage = try await setup.staff.get(setup.workshopPath)
            #expect(startPage.status == .ok)
            #expect(startPage.body.string.contains("Werkstatt beginnen"))

            // act: start twice (the second click changes nothing), then try to skip a phase
            #expect(try await setup.staff.post(setup.workshopPath, [:]).status == .seeOther)
            #expect(try await setup.staff.post(setup.workshopPath, [:]).status == .seeOther)
            let skip = try await setup.post("/phase", ["phase": "realisation"])
            let nonsense = try await setup.post("/phase", ["phase": "ende"])
            let stay = try await setup.post("/phase", ["phase": "critique"])

            // check
            #expect(try await Workshop.query(on: app.db).count() == 1)
            let workshop = try await setup.workshop(app)
            #expect(workshop.phase == .critique)
            #expect(workshop.code.count == 6 && WorkshopCode.normalized(workshop.code) == workshop.code)
            for refused in [skip, nonsense, stay] {
                #expect(refused.status == .badRequest)
                #expect(refused.body.string.contains("Die Phasen laufen der Reihe nach"))
            }

            // act: forward, back one step, forward twice
            #expect(try await setup.post("/phase", ["phase": "fantasy"]).status == .seeOther)
            #expect(try await setup.workshop(app).phase == .fantasy)
            #expect(try await setup.post("/phase", ["phase": "critique"]).status == .seeOther)
            #expect(try await setup.workshop(app).phase == .critique)
            #expect(try await setup.post("/phase", ["phase": "fantasy"]).status == .seeOther)
            #expect(try await setup.post("/phase", ["phase": "realisation"]).status == .seeOther)
            let back2 = try await setup.post("/phase", ["phase": "critique"])

            // check
            #expect(back2.status == .badRequest)
            #expect(try await setup.workshop(app).phase == .realisation)
            let page = try await setup.staff.get(setup.workshopPath).body.string
            #expect(page.contains("Verwirklichung <strong>(aktuelle Phase)</strong>") || page.contains("aria-current=\"step\""))
            #expect(page.contains("Zurück zur Phase Utopie (Phantasie)"))
            #expect(!page.contains("Weiter zur Phase"))
        }
    }

    @Test("Only staff open the workspace, and only for an event of the future-workshop format")
    func access() async throws {
        try await withQuartier { app in
            // setup
            let setup = try await Setup.make(app)
            let other = Event(title: "Stadtteilfest", format: .districtFestival, startsAt: Date(), endsAt: Date().addingTimeInterval(3600), place: "Wiese")
            try await other.save(on: app.db)
            try await app.makeUser("mitglied@quartier.test", role: .member)
            var member = Browser(app)
            try await member.login("mitglied@quartier.test")
            var visitor = Browser(app)
            var staff = setup.staff

            // act
            let festival = try await staff.get("/verwaltung/veranstaltungen/\(try other.requireID().uuidString)/werkstatt")
            let asMember = try await member.get(setup.workshopPath)
            let anonymous = try await visitor.get(setup.workshopPath)

            // check
            #expect(festival.status == .notFound)
            #expect(festival.body.string.contains("nur für Veranstaltungen im Format Zukunftswerkstatt"))
            #expect(asMember.status == .forbidden)
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.location?.hasPrefix("/anmelden") == true)
        }
    }

    @Test("Cards go into the current or an earlier phase; bad cards are refused with a message and change nothing")
    func cards() async throws {
        try await withQuartier { app in
            // setup
            var setup = try await Setup.make(app)

            // act
            let ahead = try await setup.post("/karten", ["phase": "fantasy", "text": "Ein Baumhaus"])
            let empty = try await setup.post("/karten", ["phase": "critique", "text": "   "])
            let long = try await setup.post("/karten", ["phase": "critique", "text": String(repeating: "x", count: 201)])
            let foreignCluster = try await setup.post("/karten", ["phase": "critique", "text": "Zu laut", "cluster": UUID().uuidString])
            let good = try await setup.post("/karten", ["phase": "critique", "text": "  Der Zaun ist\nkaputt  "])

            // check
            #expect(ahead.status == .badRequest)
            #expect(ahead.body.string.contains("Diese Phase hat die Werkstatt noch nicht erreicht"))
            #expect(empty.status == .badRequest)
            #expect(empty.body.string.contains("Bitte schreiben Sie einen Text für die Karte (höchstens 200 Zeichen)."))
            #expect(long.status == .badRequest)
            #expect(long.body.string.contains(String(repeating: "x", count: 201)), "the refused text is shown again")
            #expect(foreignCluster.status == .badRequest)
            #expect(good.status == .seeOther)
            let cards = try await WorkshopCard.query(on: app.db).all()
            #expect(cards.map(\.text) == ["Der Zaun ist kaputt"])
            #expect(cards.first?.status == .approved && cards.first?.phase == .critique)

            // act: edit and delete
            let card = try #require(cards.first)
            let cardPath = "/verwaltung/werkstatt/karten/\(try card.requireID().uuidString)"
            let badEdit = try await setup.staff.post(cardPath, ["text": ""])
            let edit = try await setup.staff.post(cardPath, ["text": "Der Zaun am Bolzplatz ist kaputt"])
            #expect(badEdit.status == .badRequest)
            #expect(edit.status == .seeOther)
            #expect(try await WorkshopCard.find(card.id, on: app.db)?.text == "Der Zaun am Bolzplatz ist kaputt")
            let delete = try await setup.staff.post(cardPath + "/loeschen", [:], tokenFrom: cardPath)
            #expect(delete.status == .seeOther)
            #expect(try await WorkshopCard.query(on: app.db).count() == 0)
        }
    }

    @Test("Dots are recorded per card and per cluster and ranked, equal dots sharing a place; a bad number changes nothing")
    func votesAndRanking() async throws {
        try await withQuartier { app in
            // setup: three cards and a cluster in the critique phase
            var setup = try await Setup.make(app)
            for text in ["Kein Schatten", "Zu wenig Bänke", "Müll am Abend"] {
                #expect(try await setup.post("/karten", ["phase": "critique", "text": text]).status == .seeOther)
            }
            #expect(try await setup.post("/cluster", ["phase": "critique", "heading": "Aufenthalt"]).status == .seeOther)
            let cluster = try #require(try await WorkshopCluster.query(on: app.db).first())
            let cards = try await WorkshopCard.query(on: app.db).sort(\.$position).all()
            func id(_ card: WorkshopCard) -> String { card.id?.uuidString ?? "" }
            let clusterID = try cluster.requireID().uuidString

            // act: a bad number among good ones, then the good ones
            var form = [
                "phase": "critique",
                "cluster_\(id(cards[0]))": clusterID, "cluster_\(id(cards[1]))": clusterID, "cluster_\(id(cards[2]))": "",
                "dots_card_\(id(cards[0]))": "4", "dots_card_\(id(cards[1]))": "2", "dots_card_\(id(cards[2]))": "-3",
                "dots_cluster_\(clusterID)": "4",
            ]
            let refused = try await setup.post("/ordnen", form)
            form["dots_card_\(id(cards[2]))"] = "7"
            let saved = try await setup.post("/ordnen", form)

            // check
            #expect(refused.status == .badRequest)
            #expect(refused.body.string.contains("Die Punkte für „Müll am Abend“ müssen eine ganze Zahl von 0 bis 999 sein."))
            #expect(saved.status == .seeOther)
            let after = try await WorkshopCard.query(on: app.db).sort(\.$position).all()
            #expect(after.map(\.dots) == [4, 2, 7])
            #expect(after.map(\.$cluster.id) == [cluster.id, cluster.id, nil])
            #expect(try await WorkshopCluster.find(cluster.id, on: app.db)?.dots == 4)

            // the ranking: Müll (7) first, then the cluster and "Kein Schatten" sharing place 2, then "Zu wenig Bänke" on 4
            let page = try await setup.staff.get(setup.workshopPath + "/dokumentation").body.string
            let ranking = try #require(page.range(of: "Rangfolge nach Punkten"))
            let rest = page[ranking.upperBound...]
            let table = String(rest[..<(try #require(rest.range(of: "</table>"))).lowerBound])
            let rows = table.components(separatedBy: "<tr>").dropFirst(2).map { row in
                row.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(rows == ["1.Müll am Abend7", "2. (gleichauf)Cluster Aufenthalt4", "2. (gleichauf)Kein Schatten4", "4.Zu wenig Bänke2"])
            #expect(page.contains("Aufenthalt <span class=\"dots\">(4 Punkte)</span>"))
        }
    }

    @Test("Project sketches and their steps are made in the realisation phase only; steps need what, who and a date")
    func sketches() async throws {
        try await withQuartier { app in
            // setup
            var setup = try await Setup.make(app)

            // act: too early
            let early = try await setup.post("/projektskizzen", ["title": "Bolzplatz-Zaun erneuern"])
            #expect(early.status == .badRequest)
            #expect(early.body.string.contains("Projektskizzen entstehen erst in der Verwirklichungsphase."))
            #expect(try await WorkshopSketch.query(on: app.db).count() == 0)

            // act: in the realisation phase
            #expect(try await setup.post("/phase", ["phase": "fantasy"]).status == .seeOther)
            #expect(try await setup.post("/cluster", ["phase": "fantasy", "heading": "Ein Platz für alle"]).status == .seeOther)
            let origin = try #require(try await WorkshopCluster.query(on: app.db).first())
            #expect(try await setup.post("/phase", ["phase": "realisation"]).status == .seeOther)
            let untitled = try await setup.post("/projektskizzen", ["title": " "])
            let created = try await setup.post("/projektskizzen", ["title": "Bolzplatz-Zaun erneuern", "description": "Mit dem Grünflächenamt.",
                                                                  "origin": try origin.requireID().uuidString])
            #expect(untitled.status == .badRequest)
            #expect(created.status == .seeOther)
            let sketch = try #require(try await WorkshopSketch.query(on: app.db).first())
            #expect(sketch.$origin.id == origin.id)
            let stepsPath = "/verwaltung/werkstatt/projektskizzen/\(try sketch.requireID().uuidString)/schritte"
            let badStep = try await setup.staff.post(stepsPath, ["what": "Angebot einholen", "who": "", "due_on": "31.02.2027"], tokenFrom: setup.workshopPath)
            let step = try await setup.staff.post(stepsPath, ["what": "Angebot einholen", "who": "Quartiersmanagement", "due_on": "2027-03-15"],
                                                  tokenFrom: setup.workshopPath)

            // check
            #expect(badStep.status == .badRequest)
            #expect(badStep.body.string.contains("Bitte geben Sie an, wer es tut"))
            #expect(badStep.body.string.contains("Bitte geben Sie ein gültiges Datum an"))
            #expect(step.status == .seeOther)
            let steps = try await WorkshopStep.query(on: app.db).all()
            #expect(steps.count == 1)
            #expect(steps.first.map { CalendarDate.iso($0.dueOn) } == "2027-03-15")

            // act: back to the utopia phase, the sketch stays but takes no new steps
            #expect(try await setup.post("/phase", ["phase": "fantasy"]).status == .seeOther)
            let lateStep = try await setup.staff.post(stepsPath, ["what": "Fest planen", "who": "Mieterbeirat", "due_on": "2027-04-01"],
                                                      tokenFrom: setup.workshopPath)
            #expect(lateStep.status == .badRequest)
            #expect(try await WorkshopStep.query(on: app.db).count() == 1)
            let doc = try await setup.staff.get(setup.workshopPath + "/dokumentation").body.string
            #expect(doc.contains("1. Bolzplatz-Zaun erneuern"))
            #expect(doc.contains("Aus dem Utopie-Cluster „Ein Platz für alle“"))
            #expect(doc.contains("<td>Angebot einholen</td><td>Quartiersmanagement</td><td><time datetime=\"2027-03-15\">15.03.2027</time></td>"))
        }
    }

    @Test("Participants send cards from their phones without an account; the cards wait for approval and stay out of public view until then")
    func participantCards() async throws {
        try await withQuartier { app in
            // setup
            var setup = try await Setup.make(app)
            let workshop = try await setup.workshop(app)
            let link = "/w/\(workshop.code.lowercased())"
            let publicPath = "/veranstaltungen/\(setup.eventID)/werkstatt"
            var phone = Browser(app)

            // act
            let page = try await phone.get(link)
            let sent = try await phone.post(link, ["text": "Der Bolzplatz braucht ein Netz hinter dem Tor."])
            let thanks = try await phone.get(try #require(sent.location))

            // check
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Zukunftswerkstatt Bolzplatz"))
            #expect(page.body.string.contains("Wir sind in Phase 1 von 3: Kritik"))
            #expect(page.body.string.contains("name=\"_csrf\""))
            #expect(sent.status == .seeOther)
            #expect(thanks.body.string.contains("wartet auf die Freigabe"))
            let card = try #require(try await WorkshopCard.query(on: app.db).first())
            #expect(card.status == .pending && card.source == .participant && card.phase == .critique)
            #expect(card.sender != nil && card.sender != phone.cookies[CSRF.cookieName], "the phone is only known by a hash")

            var reader = Browser(app)
            let before = try await reader.get(publicPath)
            #expect(before.status == .ok)
            #expect(!before.body.string.contains("Netz hinter dem Tor"))
            #expect(!(try await setup.staff.get(setup.workshopPath + "/dokumentation").body.string.contains("Netz hinter dem Tor")))
            let staffPage = try await setup.staff.get(setup.workshopPath).body.string
            #expect(staffPage.contains("Karten zur Freigabe (1)"))

            // act: approve it; reject a second one
            let cardPath = "/verwaltung/werkstatt/karten/\(try card.requireID().uuidString)/pruefen"
            #expect(try await setup.staff.post(cardPath, ["decision": "approve"], tokenFrom: setup.workshopPath).status == .seeOther)
            let again = try await setup.staff.post(cardPath, ["decision": "approve"], tokenFrom: setup.workshopPath)
            #expect(try await phone.post(link, ["text": "Werbung für einen Pizzadienst"]).status == .seeOther)
            let spam = try #require(try await WorkshopCard.query(on: app.db).filter(\.$status == .pending).first())
            #expect(try await setup.staff.post("/verwaltung/werkstatt/karten/\(try spam.requireID().uuidString)/pruefen", ["decision": "reject"],
                                               tokenFrom: setup.workshopPath).status == .seeOther)

            // check
            #expect(again.status == .badRequest)
            let after = try await reader.get(publicPath).body.string
            #expect(after.contains("Der Bolzplatz braucht ein Netz hinter dem Tor."))
            #expect(!after.contains("Pizzadienst"))
            #expect(try await WorkshopCard.query(on: app.db).count() == 1)
        }
    }

    @Test("A participant's card goes into the current phase; empty, overlong and too many cards are refused; without the form token nothing happens")
    func participantLimits() async throws {
        try await withQuartier { app in
            // setup
            var setup = try await Setup.make(app)
            #expect(try await setup.post("/phase", ["phase": "fantasy"]).status == .seeOther)
            let link = "/w/\(try await setup.workshop(app).code)"
            var phone = Browser(app)

            // act
            let empty = try await phone.post(link, ["text": " "])
            let long = try await phone.post(link, ["text": String(repeating: "ü", count: 201)])
            let forged = try await phone.post(link, ["text": "Ohne Token"], csrf: false)
            var statuses: [HTTPStatus] = []
            for number in 1...11 {
                statuses.append(try await phone.post(link, ["text": "Idee \(number)"]).status)
            }
            var otherPhone = Browser(app)
            let other = try await otherPhone.post(link, ["text": "Ein Sonnensegel"])

            // check
            #expect(empty.status == .badRequest)
            #expect(empty.body.string.contains("Bitte schreiben Sie einen Text für die Karte"))
            #expect(long.status == .badRequest)
            #expect(forged.status == .forbidden)
            #expect(statuses == Array(repeating: .seeOther, count: 10) + [.tooManyRequests])
            #expect(other.status == .seeOther)
            let cards = try await WorkshopCard.query(on: app.db).all()
            #expect(cards.count == 11)
            #expect(cards.allSatisfy { $0.phase == .fantasy && $0.status == .pending })
        }
    }

    @Test("An unknown or closed code, and the documentation of a draft event, are a clear 'not found' in the reader's language")
    func closedAndUnknown() async throws {
        try await withQuartier { app in
            // setup
            var setup = try await Setup.make(app, state: .draft)
            let code = try await setup.workshop(app).code
            var phone = Browser(app)

            // act
            let draftDoc = try await phone.get("/veranstaltungen/\(setup.eventID)/werkstatt")
            let open = try await phone.get("/w/\(code)")
            let token = try await phone.token(from: "/w/\(code)")
            #expect(try await setup.post("/mitmachen", ["open": "0"]).status == .seeOther)
            let closed = try await phone.get("/w/\(code)")
            let closedPost = try await phone.post("/w/\(code)", ["text": "Noch eine Idee", CSRF.fieldName: token], csrf: false)
            let unknown = try await phone.get("/w/ZZZZZZ", headers: ["Accept-Language": "en"])
            let garbage = try await phone.get("/w/%3Cscript%3E", headers: ["Accept-Language": "de"])
            let typed = try await phone.get("/w?code=\(code.prefix(3).lowercased())-\(code.suffix(3).lowercased())")
            let badTyped = try await phone.get("/w?code=123")

            // check
            #expect(draftDoc.status == .notFound)
            #expect(open.status == .ok)
            #expect(closed.status == .notFound)
            #expect(closed.body.string.contains("Zu diesem Code gibt es keine offene Zukunftswerkstatt."))
            #expect(closedPost.status == .notFound)
            #expect(unknown.status == .notFound)
            #expect(unknown.body.string.contains("There is no open future workshop with this code."))
            #expect(garbage.status == .notFound)
            #expect(typed.status == .seeOther)
            #expect(typed.location == "/w/\(code)")
            #expect(badTyped.status == .badRequest)
            #expect(try await WorkshopCard.query(on: app.db).count() == 0)
        }
    }

    @Test("Dissolving a cluster keeps its cards; the demo workshop is complete and its documentation public")
    func clustersAndDemo() async throws {
        try await withQuartier { app in
            // setup
            var setup = try await Setup.make(app)
            #expect(try await setup.post("/cluster", ["phase": "critique", "heading": "Lärm"]).status == .seeOther)
            let cluster = try #require(try await WorkshopCluster.query(on: app.db).first())
            #expect(try await setup.post("/karten", ["phase": "critique", "text": "Laute Mopeds", "cluster": try cluster.requireID().uuidString]).status == .seeOther)
            let clusterPath = "/verwaltung/werkstatt/cluster/\(try cluster.requireID().uuidString)"

            // act
            let badRename = try await setup.staff.post(clusterPath, ["heading": ""], tokenFrom: setup.workshopPath)
            let rename = try await setup.staff.post(clusterPath, ["heading": "Lärm am Abend"], tokenFrom: setup.workshopPath)
            let dissolve = try await setup.staff.post(clusterPath + "/loeschen", [:], tokenFrom: setup.workshopPath)

            // check
            #expect(badRename.status == .badRequest)
            #expect(rename.status == .seeOther)
            #expect(dissolve.status == .seeOther)
            #expect(try await WorkshopCluster.query(on: app.db).count() == 0)
            let card = try #require(try await WorkshopCard.query(on: app.db).first())
            #expect(card.$cluster.id == nil && card.text == "Laute Mopeds")

            // the demo
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            let demoEvent = try #require(try await Event.query(on: app.db).filter(\.$title == DemoData.futureWorkshopTitle).first())
            let demo = try #require(try await Workshop.query(on: app.db).filter(\.$event.$id == demoEvent.requireID()).first())
            #expect(demo.phase == .realisation)
            let demoCards = try await WorkshopCard.query(on: app.db).filter(\.$workshop.$id == demo.requireID()).all()
            #expect(demoCards.filter { $0.phase == .critique }.count == 6)
            #expect(demoCards.filter { $0.phase == .fantasy && $0.status == .approved }.count == 6)
            #expect(demoCards.filter { $0.status == .pending }.count == 1)
            #expect(try await WorkshopSketch.query(on: app.db).filter(\.$workshop.$id == demo.requireID()).count() == 2)
            var reader = Browser(app)
            let doc = try await reader.get("/veranstaltungen/\(try demoEvent.requireID().uuidString)/werkstatt")
            #expect(doc.status == .ok)
            #expect(doc.body.string.contains("Wasser- und Matschbereich am Hang"))
            #expect(!doc.body.string.contains("Ein Kiosk mit Eis"))
        }
    }
}
