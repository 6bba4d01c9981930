import Fluent
import Foundation
import QuartierCore
import SQLKit
import Testing
import VaporTesting
@testable import App

@Suite("Aktivierende Befragung: guide versions, visits, anonymity, offline sync, coding, results and exports")
struct SurveyTests {
    struct Fixture {
        let survey: Survey
        let guide: SurveyGuide
        let open: SurveyQuestion
        let single: SurveyQuestion
        let addresses: [SurveyAddress]
        var id: String { survey.id!.uuidString }
    }

    /// A survey with one open and one single-choice question, and five addresses in two streets and two sub-areas:
    /// Hangweg 1, 2, 3 (Nord) and Talweg 1, 2 (Süd).
    static func fixture(_ app: Application) async throws -> Fixture {
        let survey = Survey(title: "Befragung Test", area: "Hang")
        try await survey.create(on: app.db)
        let guide = SurveyGuide(surveyID: survey.id!, version: 1)
        try await guide.create(on: app.db)
        let open = SurveyQuestion(guideID: guide.id!, position: 1, kind: .open, text: "Was ärgert Sie?")
        let single = SurveyQuestion(guideID: guide.id!, position: 2, kind: .single, text: "Wie oft im Büro?", options: ["nie", "oft"])
        try await [open, single].create(on: app.db)
        let addresses = [("Hangweg", "1", "Nord"), ("Hangweg", "2", "Nord"), ("Hangweg", "3", "Nord"), ("Talweg", "1", "Süd"), ("Talweg", "2", "Süd")]
            .map { SurveyAddress(surveyID: survey.id!, street: $0.0, houseNumber: $0.1, subArea: $0.2) }
        try await addresses.create(on: app.db)
        return Fixture(survey: survey, guide: guide, open: open, single: single, addresses: addresses)
    }

    static func staff(_ app: Application) async throws -> (Browser, User) {
        let user = try await app.makeUser("team@quartier.test", role: .staff)
        var staff = Browser(app)
        try await staff.login("team@quartier.test")
        return (staff, user)
    }

    static func visit(_ fixture: Fixture, address: Int, outcome: VisitOutcome, answer: String = "", choice: String = "", extra: [String: String] = [:],
                      clientID: String = UUID().uuidString) -> [String: String] {
        var fields = ["clientID": clientID, "guide": fixture.guide.id!.uuidString, "address": fixture.addresses[address].id!.uuidString,
                      "outcome": outcome.rawValue, "visitedOn": "2026-05-04", SurveyDesk.fieldName(fixture.open): answer,
                      SurveyDesk.fieldName(fixture.single): choice]
        fields.merge(extra) { $1 }
        return fields
    }

    static func sync(_ browser: inout Browser, _ fixture: Fixture, _ fields: [String: String]) async throws -> TestingHTTPResponse {
        let token = try await browser.token(from: "/befragung/\(fixture.id)/feld")
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: CSRF.headerName, value: token)
        let body = String(decoding: try JSONEncoder().encode(["fields": fields]), as: UTF8.self)
        return try await browser.send(.POST, "/befragung/\(fixture.id)/feld/senden", headers: headers, body: body)
    }

    @Test("Changing a guide that has interviews makes a new version; the old interview keeps its version and its question")
    func guideVersioning() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            var (staff, _) = try await Self.staff(app)
            // A guide without interviews is changed in place.
            try await staff.post("/verwaltung/befragungen/fragen/\(fixture.open.id!.uuidString)", ["action": "save", "text": "Was ärgert Sie hier?"],
                                 tokenFrom: "/verwaltung/befragungen/\(fixture.id)/leitfaden")
            #expect(try await SurveyGuide.query(on: app.db).count() == 1)
            #expect(try await SurveyQuestion.find(fixture.open.id, on: app.db)?.text == "Was ärgert Sie hier?")
            // One interview, then a change: version 2 with the change, version 1 untouched.
            let stored = try await staff.post("/befragung/\(fixture.id)/feld", Self.visit(fixture, address: 0, outcome: .interview, answer: "Der Müll"))
            #expect(stored.status == .seeOther)
            try await staff.post("/verwaltung/befragungen/fragen/\(fixture.open.id!.uuidString)", ["action": "save", "text": "Was stört Sie?"],
                                 tokenFrom: "/verwaltung/befragungen/\(fixture.id)/leitfaden")
            let guides = try await SurveyGuide.query(on: app.db).sort(\.$version).all()
            #expect(guides.map(\.version) == [1, 2])
            #expect(try await SurveyQuestion.find(fixture.open.id, on: app.db)?.text == "Was ärgert Sie hier?")
            let copies = try await SurveyQuestion.query(on: app.db).filter(\.$guide.$id == guides[1].id!).sort(\.$position).all()
            #expect(copies.map(\.text) == ["Was stört Sie?", "Wie oft im Büro?"])
            #expect(copies.map(\.key) == [fixture.open.key, fixture.single.key])
            let interview = try #require(try await SurveyInterview.query(on: app.db).first())
            #expect(interview.$guide.id == fixture.guide.id)
            // Further changes go into version 2 while it has no interviews; an old version's question cannot be edited.
            try await staff.post("/verwaltung/befragungen/\(fixture.id)/leitfaden", ["action": "add", "kind": "multiple", "text": "Was nutzen Sie?", "options": "Park\nBücherei"])
            #expect(try await SurveyGuide.query(on: app.db).count() == 2)
            let old = try await staff.post("/verwaltung/befragungen/fragen/\(fixture.open.id!.uuidString)", ["action": "delete"],
                                           tokenFrom: "/verwaltung/befragungen/\(fixture.id)/leitfaden")
            #expect(old.status == .conflict)
            let refused = try await staff.post("/verwaltung/befragungen/\(fixture.id)/leitfaden", ["action": "add", "kind": "single", "text": "Nur eine?", "options": "ja"])
            #expect(refused.status == .badRequest)
            #expect(refused.body.string.contains("mindestens zwei"))
            let page = try await staff.get("/verwaltung/befragungen/\(fixture.id)/leitfaden")
            #expect(page.body.string.contains("Version 2 des Leitfadens"))
        }
    }

    @Test("Questions are reordered one step at a time; a visit filled in before the reorder still answers the right questions")
    func reorderQuestions() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            var (staff, _) = try await Self.staff(app)
            let guidePath = "/verwaltung/befragungen/\(fixture.id)/leitfaden"
            // The form was filled in on a phone before the reorder, and is sent after it.
            let waiting = Self.visit(fixture, address: 0, outcome: .interview, answer: "Mehr Bänke", choice: "2")
            #expect(try await staff.post("/verwaltung/befragungen/fragen/\(fixture.single.id!.uuidString)", ["action": "up"], tokenFrom: guidePath).status == .seeOther)
            var order = try await SurveyQuestion.query(on: app.db).filter(\.$guide.$id == fixture.guide.id!).sort(\.$position).all().map(\.text)
            #expect(order == ["Wie oft im Büro?", "Was ärgert Sie?"])
            #expect(try await SurveyGuide.query(on: app.db).count() == 1)
            let page = try await staff.get(guidePath).body.string
            #expect(page.contains("Nach oben: Frage 2") && page.contains("Nach unten: Frage 1") && !page.contains("Nach oben: Frage 1"))
            // The first question cannot go further up: nothing changes.
            try await staff.post("/verwaltung/befragungen/fragen/\(fixture.single.id!.uuidString)", ["action": "up"], tokenFrom: guidePath)
            order = try await SurveyQuestion.query(on: app.db).filter(\.$guide.$id == fixture.guide.id!).sort(\.$position).all().map(\.text)
            #expect(order == ["Wie oft im Büro?", "Was ärgert Sie?"])

            #expect(try await Self.sync(&staff, fixture, waiting).status == .ok)
            let answers = try await SurveyAnswer.query(on: app.db).all()
            #expect(Dictionary(uniqueKeysWithValues: answers.map { ($0.questionKey, $0.text) }) == [fixture.open.key: "Mehr Bänke", fixture.single.key: "oft"])

            // With an interview, moving a question makes version 2; version 1 keeps its order.
            #expect(try await staff.post("/verwaltung/befragungen/fragen/\(fixture.open.id!.uuidString)", ["action": "up"], tokenFrom: guidePath).status == .seeOther)
            let guides = try await SurveyGuide.query(on: app.db).sort(\.$version).all()
            #expect(guides.map(\.version) == [1, 2])
            order = try await SurveyQuestion.query(on: app.db).filter(\.$guide.$id == guides[1].id!).sort(\.$position).all().map(\.text)
            #expect(order == ["Was ärgert Sie?", "Wie oft im Büro?"])
            order = try await SurveyQuestion.query(on: app.db).filter(\.$guide.$id == guides[0].id!).sort(\.$position).all().map(\.text)
            #expect(order == ["Wie oft im Büro?", "Was ärgert Sie?"])
        }
    }

    @Test("Visits of every outcome give coverage per street and sub-area and the response rate, as counted by hand")
    func coverage() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            var (staff, _) = try await Self.staff(app)
            let path = "/befragung/\(fixture.id)/feld"
            for (address, outcome) in [(0, VisitOutcome.letterLeft), (0, .interview), (1, .refused), (1, .interview), (3, .unreachable), (3, .appointment)] {
                #expect(try await staff.post(path, Self.visit(fixture, address: address, outcome: outcome, answer: "Antwort")).status == .seeOther)
            }
            // Hangweg: 3 addresses, 2 visited, 4 visits, 2 interviews, 1 refusal → 66,7 % coverage, 66,7 % response rate.
            // Talweg: 2 addresses, 1 visited, 2 visits, no interview → 50 % coverage, 0 % response rate.
            let streets = try await SurveyStatistics.coverage(fixture.survey.id!, by: .street, on: app.db)
            #expect(streets == [
                SurveyFigures.Coverage(label: "Hangweg", addresses: 3, visited: 2, visits: 4, interviews: 2, refusals: 1),
                SurveyFigures.Coverage(label: "Talweg", addresses: 2, visited: 1, visits: 2, interviews: 0, refusals: 0),
            ])
            #expect(streets[0].coverage == 66.7 && streets[0].responseRate == 66.7 && streets[1].coverage == 50 && streets[1].responseRate == 0)
            let all = try #require(try await SurveyStatistics.coverage(fixture.survey.id!, by: nil, on: app.db).first)
            #expect(all.addresses == 5 && all.visited == 3 && all.visits == 6 && all.coverage == 60)
            let page = try await staff.get("/verwaltung/befragungen/\(fixture.id)/adressen")
            #expect(page.body.string.contains("66,7 %"))
            // Only the interview visits carry an interview.
            #expect(try await SurveyInterview.query(on: app.db).count() == 2)
            #expect(try await SurveyVisit.query(on: app.db).count() == 6)
        }
    }

    @Test("Paper entry: bad input is shown again with a message and nothing is stored; contact details need consent")
    func paperEntryErrors() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            var (staff, user) = try await Self.staff(app)
            let path = "/befragung/\(fixture.id)/feld"
            // Staff entering a paper questionnaire are the preselected interviewer, even outside the survey's teams.
            let form = try await staff.get(path).body.string
            #expect(form.contains("<select id=\"interviewer\" name=\"interviewer\"><option value=\"\(user.id!.uuidString)\" selected>"))
            var fields = Self.visit(fixture, address: 0, outcome: .interview, answer: "Zu wenig Bänke", choice: "7")
            fields["contactName"] = "Rosa Beispiel"
            fields["contactEmail"] = "rosa@beispiel.example"
            let refused = try await staff.post(path, fields)
            #expect(refused.status == .badRequest)
            let html = refused.body.string
            #expect(html.contains("Eine Auswahl ist ungültig."))
            #expect(html.contains("nur mit Einwilligung"))
            #expect(html.contains("Zu wenig Bänke"))
            #expect(try await SurveyVisit.query(on: app.db).count() == 0)
            #expect(try await Person.query(on: app.db).count() == 0)
            let missing = try await staff.post(path, ["clientID": UUID().uuidString, "outcome": "interview", "visitedOn": "gestern"])
            #expect(missing.status == .badRequest)
            #expect(missing.body.string.contains("Bitte wählen Sie eine Adresse"))
        }
    }

    @Test("Anonymity: no foreign key path leads from an interview or its answers to a person or a contact record, and no table joins them")
    func anonymityInSchema() async throws {
        try await withQuartier { app in
            let sql = app.db as! any SQLDatabase
            let rows: [SQLRow]
            if sql.dialect.name == "sqlite" {
                rows = try await sql.raw("SELECT m.name AS t, p.\"table\" AS r FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p WHERE m.type = 'table'").all()
            } else {
                rows = try await sql.raw("""
                    SELECT tc.table_name AS t, ccu.table_name AS r FROM information_schema.table_constraints tc
                    JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
                    WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()
                    """).all()
            }
            var references: [String: Set<String>] = [:]
            for row in rows { references[try row.decode(column: "t", as: String.self), default: []].insert(try row.decode(column: "r", as: String.self)) }
            #expect(references["survey_interviews"]?.contains("survey_visits") == true)
            let interviewSide: Set = ["survey_interviews", "survey_answers", "survey_answer_choices", "survey_answer_themes", "survey_interview_themes", "survey_visits"]
            let personSide: Set = ["persons", "survey_contacts", "consents", "survey_action_group_members"]
            // Everything an interview row points to, transitively, stopping at the interviewer's account.
            var reached = interviewSide
            var queue = Array(interviewSide)
            while let table = queue.popLast() {
                guard table != "users" else { continue }
                for target in references[table] ?? [] where !reached.contains(target) {
                    reached.insert(target)
                    queue.append(target)
                }
            }
            #expect(reached.isDisjoint(with: personSide), "an interview reaches \(reached.intersection(personSide))")
            for (table, targets) in references {
                #expect(targets.isDisjoint(with: interviewSide) || targets.isDisjoint(with: personSide), "\(table) joins interviews and persons")
            }
            #expect(references["survey_contacts"] == ["surveys", "persons"])
            // And no column of an interview table could hold a name or contact details.
            for table in interviewSide {
                let columns: [String]
                if sql.dialect.name == "sqlite" {
                    columns = try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table))").all().map { try $0.decode(column: "name", as: String.self) }
                } else {
                    columns = try await sql.raw("SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(bind: table)")
                        .all().map { try $0.decode(column: "name", as: String.self) }
                }
                #expect(!columns.isEmpty)
                #expect(!columns.contains { ["name", "email", "phone", "person", "contact"].contains(where: $0.contains) }, "\(table): \(columns)")
            }
        }
    }

    @Test("A person who wants to be invited goes into the directory with consent, apart from the interview; exports keep them apart")
    func contactRecordApart() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            var (staff, _) = try await Self.staff(app)
            let fields = Self.visit(fixture, address: 0, outcome: .interview, answer: "Mehr Bänke", choice: "2",
                                    extra: ["contactName": "Rosa Beispiel", "contactEmail": "Rosa@Beispiel.example", "contactConsent": "on",
                                            "wantsInvitation": "on", "contactOffers": "Kuchen backen"])
            let response = try await Self.sync(&staff, fixture, fields)
            #expect(response.status == .ok)
            #expect(!response.body.string.contains("Rosa"))
            let person = try #require(try await Person.query(on: app.db).first())
            #expect(person.givenName == "Rosa" && person.familyName == "Beispiel" && person.email == "rosa@beispiel.example")
            let consent = try #require(try await Consent.query(on: app.db).first())
            #expect(consent.purpose == .contact && consent.$person.id == person.id && consent.source == .verbal)
            let contact = try #require(try await SurveyContact.query(on: app.db).first())
            #expect(contact.$survey.id == fixture.survey.id && contact.wantsInvitation && contact.offers == "Kuchen backen")
            let interview = try #require(try await SurveyInterview.query(on: app.db).first())
            #expect(interview.wantsInvitation)
            let interviews = try await staff.get("/verwaltung/befragungen/\(fixture.id)/interviews.csv")
            #expect(!interviews.body.string.contains("Rosa") && !interviews.body.string.contains("beispiel.example"))
            let invitations = try await staff.get("/verwaltung/befragungen/\(fixture.id)/einladungsliste.csv")
            let table = try GermanCSV.read(Data(invitations.body.readableBytesView))
            #expect(table.header == ["vorname", "nachname", "email", "telefon", "bietet_an"])
            #expect(table.rows == [["Rosa", "Beispiel", "rosa@beispiel.example", "", "Kuchen backen"]])
            // A withdrawn consent takes the person off the invitation list.
            consent.withdrawnAt = Date()
            try await consent.save(on: app.db)
            let after = try await staff.get("/verwaltung/befragungen/\(fixture.id)/einladungsliste.csv")
            #expect(try GermanCSV.read(Data(after.body.readableBytesView)).rows.isEmpty)
        }
    }

    @Test("The privacy report names a person's survey contact records; erasing her removes them and keeps the anonymous interview")
    func privacy() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            try await app.makeUser("admin@quartier.test", role: .admin)
            var admin = Browser(app)
            try await admin.login("admin@quartier.test")
            let fields = Self.visit(fixture, address: 0, outcome: .interview, answer: "Mehr Licht",
                                    extra: ["contactName": "Rosa Beispiel", "contactPhone": "0123", "contactConsent": "on", "wantsInvitation": "on"])
            #expect(try await admin.post("/befragung/\(fixture.id)/feld", fields).status == .seeOther)
            let person = try #require(try await Person.query(on: app.db).first())
            let report = try await admin.get("/verwaltung/admin/personen/\(person.id!.uuidString)/auskunft.json")
            #expect(report.body.string.contains("Befragung Test"))
            #expect(try await admin.get("/verwaltung/admin/personen/\(person.id!.uuidString)/auskunft").body.string.contains("möchte eingeladen werden"))
            let erased = try await admin.post("/verwaltung/admin/personen/\(person.id!.uuidString)/loeschen", [:])
            #expect(erased.status == .seeOther)
            #expect(try await SurveyContact.query(on: app.db).count() == 0)
            #expect(try await SurveyInterview.query(on: app.db).count() == 1)
        }
    }

    @Test("Offline sync is idempotent: the same visit sent twice, or twice at once after an interrupted sync, is stored once")
    func syncIdempotence() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            var (staff, _) = try await Self.staff(app)
            let clientID = UUID().uuidString.lowercased()
            let fields = Self.visit(fixture, address: 2, outcome: .interview, answer: "Der Spielplatz", choice: "1", clientID: clientID)
            let first = try await Self.sync(&staff, fixture, fields)
            #expect(first.status == .ok)
            #expect(first.body.string.contains("\"stored\""))
            // The answer to the first send was lost (connection dropped): the device sends again.
            let second = try await Self.sync(&staff, fixture, fields)
            #expect(second.status == .ok)
            #expect(second.body.string.contains("\"duplicate\""))
            #expect(try await SurveyVisit.query(on: app.db).count() == 1)
            #expect(try await SurveyInterview.query(on: app.db).count() == 1)
            #expect(try await SurveyAnswer.query(on: app.db).count() == 2)
            // Two sends of another visit at the same moment.
            let other = Self.visit(fixture, address: 3, outcome: .letterLeft)
            let token = try await staff.token(from: "/befragung/\(fixture.id)/feld")
            var headers = HTTPHeaders()
            headers.contentType = .json
            headers.replaceOrAdd(name: CSRF.headerName, value: token)
            let body = String(decoding: try JSONEncoder().encode(["fields": other]), as: UTF8.self)
            var a = staff, b = staff
            async let one = a.send(.POST, "/befragung/\(fixture.id)/feld/senden", headers: headers, body: body)
            async let two = b.send(.POST, "/befragung/\(fixture.id)/feld/senden", headers: headers, body: body)
            let results = try await [one, two]
            #expect(results.allSatisfy { $0.status == .ok })
            #expect(try await SurveyVisit.query(on: app.db).count() == 2)
            // A record that can never be stored is refused with a message, and stores nothing.
            let bad = try await Self.sync(&staff, fixture, ["clientID": UUID().uuidString, "outcome": "interview", "visitedOn": "2026-05-04"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Adresse"))
            #expect(try await SurveyVisit.query(on: app.db).count() == 2)
            // Without the CSRF header nothing is stored either.
            var plain = HTTPHeaders()
            plain.contentType = .json
            let forged = try await staff.send(.POST, "/befragung/\(fixture.id)/feld/senden", headers: plain,
                                              body: String(decoding: try JSONEncoder().encode(["fields": Self.visit(fixture, address: 4, outcome: .refused)]), as: UTF8.self))
            #expect(forged.status == .forbidden)
            #expect(try await SurveyVisit.query(on: app.db).count() == 2)
        }
    }

    @Test("Interviewers: a member in one of the survey's teams may record visits, another member may not")
    func interviewers() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            let inTeam = try await app.makeUser("interviewerin@quartier.test", role: .member)
            try await app.makeUser("aussen@quartier.test", role: .member)
            let team = SurveyTeam(surveyID: fixture.survey.id!, name: "Team Hang")
            try await team.create(on: app.db)
            try await SurveyTeamMember(teamID: team.id!, userID: inTeam.id!).create(on: app.db)
            var member = Browser(app)
            try await member.login("interviewerin@quartier.test")
            #expect(try await member.get("/befragung/\(fixture.id)/feld").status == .ok)
            #expect(try await Self.sync(&member, fixture, Self.visit(fixture, address: 1, outcome: .refused)).status == .ok)
            #expect(try await SurveyVisit.query(on: app.db).first()?.$interviewer.id == inTeam.id)
            #expect(try await member.get("/verwaltung/befragungen/\(fixture.id)/ergebnisse").status == .forbidden)
            var outsider = Browser(app)
            try await outsider.login("aussen@quartier.test")
            #expect(try await outsider.get("/befragung/\(fixture.id)/feld").status == .forbidden)
        }
    }

    /// Four interviews, coded by hand: A (Nord, 18-29, tenant) Müll+Spielplatz, B (Nord, 65+, owner) Müll,
    /// C (Süd, 18-29, tenant) Spielplatz, D (Süd, no age, tenant) nothing; one refusal in Süd; single choice nie, oft, oft, –.
    @Test("Coding and every figure of the results page on a small fixed data set, checked against hand-computed values")
    func codingAndResults() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            var (staff, _) = try await Self.staff(app)
            let path = "/verwaltung/befragungen/\(fixture.id)"
            try await staff.post(path + "/themen", ["name": "Müll", "fieldOfAction": ""], tokenFrom: path + "/kodierung")
            try await staff.post(path + "/themen", ["name": "Spielplatz", "fieldOfAction": ""], tokenFrom: path + "/kodierung")
            #expect(try await staff.post(path + "/themen", ["name": "müll"], tokenFrom: path + "/kodierung").status == .badRequest)
            let visits: [(Int, String, String, [String: String])] = [
                (0, "Müll und kaputter Spielplatz", "1", ["ageGroup": "18-29", "tenure": "tenant", "willingness": "4"]),
                (1, "Überall Müll", "2", ["ageGroup": "65+", "tenure": "owner", "willingness": "2"]),
                (3, "Der Spielplatz", "2", ["ageGroup": "18-29", "tenure": "tenant", "willingness": "4"]),
                (4, "Alles gut", "", ["tenure": "tenant"]),
            ]
            for (address, answer, choice, extra) in visits {
                #expect(try await staff.post("/befragung/\(fixture.id)/feld", Self.visit(fixture, address: address, outcome: .interview, answer: answer, choice: choice, extra: extra)).status == .seeOther)
            }
            #expect(try await staff.post("/befragung/\(fixture.id)/feld", Self.visit(fixture, address: 4, outcome: .refused)).status == .seeOther)

            // The coding page lists the four open answers; code them in one go, marking one quote.
            let page = try await staff.get(path + "/kodierung").body.string
            var form: [String: String] = [:]
            var byText: [String: Int] = [:]
            for index in 1...4 {
                let id = try #require(Browser.hiddenValue(named: "a\(index)", in: page))
                let answer = try #require(try await SurveyAnswer.find(UUID(uuidString: id), on: app.db))
                form["a\(index)"] = id
                byText[answer.text] = index
            }
            form["a\(byText["Müll und kaputter Spielplatz"]!)_t1"] = "on"
            form["a\(byText["Müll und kaputter Spielplatz"]!)_t2"] = "on"
            form["a\(byText["Überall Müll"]!)_t1"] = "on"
            form["a\(byText["Der Spielplatz"]!)_t2"] = "on"
            form["a\(byText["Der Spielplatz"]!)_quote"] = "on"
            #expect(try await staff.post(path + "/kodierung", form).status == .seeOther)
            #expect(try await SurveyAnswer.query(on: app.db).filter(\.$isCoded == false).count() == 0)
            #expect(try await SurveyAnswer.query(on: app.db).filter(\.$isQuote == true).all().map(\.text) == ["Der Spielplatz"])
            let uncoded = try await staff.get(path + "/kodierung?offen=1")
            #expect(uncoded.body.string.contains("Keine Einträge gefunden."))
            // Coding again replaces the answer's themes.
            form["a\(byText["Überall Müll"]!)_t2"] = "on"
            try await staff.post(path + "/kodierung", form)
            form["a\(byText["Überall Müll"]!)_t2"] = nil
            try await staff.post(path + "/kodierung", form)

            let req = Request(application: app, on: app.eventLoopGroup.next())
            let content = try await SurveyResultsController.content(fixture.survey, req)
            // 5 addresses, 4 visited, 5 visits, 4 interviews, 1 refusal: coverage 80 %, response rate 4/5 = 80 %.
            #expect(content.summary.addresses == 5 && content.summary.visited == 4 && content.summary.visits == 5 && content.summary.interviews == 4)
            #expect(content.summary.coverage == "80,0 %" && content.summary.responseRate == "80,0 %")
            #expect(content.outcomes[0].rows.map(\.count) == [4, 0, 1, 0, 0])
            #expect(content.outcomes[0].rows[0].share == "80,0 %")
            // Themes: Müll in A, B (2 of 4 = 50 %), Spielplatz in A, C (50 %).
            #expect(content.themes[0].rows.map(\.label) == ["Müll", "Spielplatz"])
            #expect(content.themes[0].rows.map(\.count) == [2, 2])
            #expect(content.themes[0].rows.map(\.share) == ["50,0 %", "50,0 %"])
            // Cross-table by sub-area: Nord has A, B (2 interviews), Süd has C, D (2).
            let bySubArea = try #require(content.crossTables.first { $0.id == "kreuz-sub_area" })
            #expect(bySubArea.columns == ["Nord", "Süd"])
            #expect(bySubArea.rows.map(\.cells) == [["2 (100,0 %)", "0 (0,0 %)"], ["1 (50,0 %)", "1 (50,0 %)"]])
            #expect(bySubArea.totals == ["2", "2"])
            // By age group: 18-29 has A, C; 65+ has B; D gave none.
            let byAge = try #require(content.crossTables.first { $0.id == "kreuz-age_group" })
            #expect(byAge.columns == ["unter 18", "18 bis 29", "30 bis 44", "45 bis 64", "65 und älter", "keine Angabe"])
            #expect(byAge.rows[0].cells == ["0 (0,0 %)", "1 (50,0 %)", "0 (0,0 %)", "0 (0,0 %)", "1 (100,0 %)", "0 (0,0 %)"])
            #expect(byAge.rows[1].cells == ["0 (0,0 %)", "2 (100,0 %)", "0 (0,0 %)", "0 (0,0 %)", "0 (0,0 %)", "0 (0,0 %)"])
            #expect(byAge.totals == ["0", "2", "0", "0", "1", "1"])
            // By tenure: tenants A, C, D (3); owner B (1).
            let byTenure = try #require(content.crossTables.first { $0.id == "kreuz-tenure" })
            #expect(byTenure.columns == ["Miete", "Eigentum", "anders"])
            #expect(byTenure.rows.map(\.cells) == [["1 (33,3 %)", "1 (100,0 %)", "0 (0,0 %)"], ["2 (66,7 %)", "0 (0,0 %)", "0 (0,0 %)"]])
            // The single-choice question: nie 1, oft 2 of 3 answers.
            #expect(content.questions.count == 1)
            #expect(content.questions[0].rows.map(\.count) == [1, 2])
            #expect(content.questions[0].rows.map(\.share) == ["33,3 %", "66,7 %"])
            #expect(content.questions[0].base == "Grundlage: 3")
            // Willingness: 2 once, 4 twice, not stated once (of 4).
            let willingness = try #require(content.demographics.first { $0.id == "verteilung-willingness" })
            #expect(willingness.rows.map(\.count) == [0, 1, 0, 2, 0, 1])
            #expect(willingness.rows.map(\.share) == ["0,0 %", "25,0 %", "0,0 %", "50,0 %", "0,0 %", "25,0 %"])
            #expect(content.coverage.map(\.coverage) == ["66,7 %", "100,0 %"])
            #expect(content.coverage.map(\.responseRate) == ["100,0 %", "66,7 %"])
            #expect(content.quotes.map(\.text) == ["Der Spielplatz"])
            #expect(content.quotes.map(\.question) == ["Was ärgert Sie?"])

            let results = try await staff.get(path + "/ergebnisse")
            #expect(results.status == .ok)
            #expect(results.body.string.contains("data:image/svg+xml;base64,"))
            #expect(try await staff.get(path + "/praesentation").status == .ok)
            // The page's results are reused until the survey changes: a further visit shows at once.
            #expect(results.body.string.contains("<dt>Besuche</dt><dd>5</dd>"))
            #expect(try await staff.post("/befragung/\(fixture.id)/feld", Self.visit(fixture, address: 2, outcome: .unreachable)).status == .seeOther)
            #expect(try await staff.get(path + "/ergebnisse").body.string.contains("<dt>Besuche</dt><dd>6</dd>"))

            // The CSV export: one row per interview, codes for the closed question, 0/1 per theme.
            let csv = try await staff.get(path + "/interviews.csv")
            #expect(csv.headers.contentType?.description.hasPrefix("text/csv") == true)
            let bytes = Array(csv.body.readableBytesView)
            #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
            let table = try GermanCSV.read(Data(bytes))
            #expect(table.header.suffix(3) == ["f1", "thema_1", "thema_2"])
            #expect(table.rows.count == 4)
            let coded = table.rows.map { Array($0.suffix(3)) }.sorted { $0.joined() < $1.joined() }
            #expect(coded == [["", "0", "0"], ["1", "1", "1"], ["2", "0", "1"], ["2", "1", "0"]])
        }
    }

    @Test("Correcting an interview keeps its coding and counts at once; bad input changes nothing; deleting a visit takes its interview along")
    func correctionAndDeletion() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            var (staff, _) = try await Self.staff(app)
            let path = "/verwaltung/befragungen/\(fixture.id)"
            try await staff.post(path + "/themen", ["name": "Müll", "fieldOfAction": ""], tokenFrom: path + "/kodierung")
            let extra = ["ageGroup": "18-29", "tenure": "tenant", "willingness": "4", "contactName": "Rosa Tür", "contactEmail": "rosa@example.org",
                         "contactConsent": "on", "wantsInvitation": "on"]
            #expect(try await staff.post("/befragung/\(fixture.id)/feld", Self.visit(fixture, address: 0, outcome: .interview, answer: "Müll am Spielplatz",
                                                                                       choice: "1", extra: extra)).status == .seeOther)
            let coding = try await staff.get(path + "/kodierung").body.string
            let answerID = try #require(Browser.hiddenValue(named: "a1", in: coding))
            #expect(try await staff.post(path + "/kodierung", ["a1": answerID, "a1_t1": "on"]).status == .seeOther)
            let interview = try #require(try await SurveyInterview.query(on: app.db).first())
            let interviewPath = "/verwaltung/befragungen/interviews/\(interview.id!.uuidString)"

            // The interviews list and the sample's page lead to the interview; its form shows what was entered.
            #expect(try await staff.get(path + "/interviews").body.string.contains(interviewPath))
            let addresses = try await staff.get(path + "/adressen").body.string
            #expect(addresses.contains(interviewPath) && addresses.contains("Interview ansehen"))
            let page = try await staff.get(interviewPath)
            #expect(page.status == .ok)
            #expect(page.body.string.contains(">Müll am Spielplatz</textarea>"))
            let (q1, q2) = (SurveyDesk.fieldName(fixture.open), SurveyDesk.fieldName(fixture.single))
            #expect(page.body.string.contains(#"id="\#(q2)-1" name="\#(q2)" value="1" checked"#))
            #expect(page.body.string.contains(#"<option value="18-29" selected>"#))
            #expect(!page.body.string.contains("Rosa"))

            // Bad input: a message, and nothing changes.
            var form = ["visitedOn": "2026-05-05", q1: "Müll an der Haltestelle", q2: "7", "ageGroup": "65+", "tenure": "owner", "willingness": ""]
            let refused = try await staff.post(interviewPath, form)
            #expect(refused.status == .badRequest)
            #expect(refused.body.string.contains("Eine Auswahl ist ungültig."))
            #expect(try await SurveyAnswer.find(UUID(uuidString: answerID), on: app.db)?.text == "Müll am Spielplatz")
            #expect(try await SurveyInterview.find(interview.id, on: app.db)?.ageGroup == .from18)

            // The correction: the open answer keeps its theme, the closed one is counted anew, the cross-tables follow.
            form[q2] = "2"
            #expect(try await staff.post(interviewPath, form).status == .seeOther)
            let answer = try #require(try await SurveyAnswer.find(UUID(uuidString: answerID), on: app.db))
            #expect(answer.text == "Müll an der Haltestelle" && answer.isCoded)
            let corrected = try #require(try await SurveyInterview.find(interview.id, on: app.db))
            #expect(corrected.ageGroup == .from65 && corrected.tenure == .owner && corrected.willingness == nil && !corrected.wantsInvitation)
            #expect(try await SurveyVisit.query(on: app.db).first()?.visitedOn == CalendarDate.parse("2026-05-05"))
            let req = Request(application: app, on: app.eventLoopGroup.next())
            let survey = try #require(try await Survey.find(fixture.survey.id, on: app.db))
            var content = try await SurveyResultsController.content(survey, req)
            #expect(content.themes[0].rows.map(\.count) == [1])
            #expect(content.questions[0].rows.map(\.count) == [0, 1])
            let byAge = try #require(content.crossTables.first { $0.id == "kreuz-age_group" })
            #expect(byAge.totals == ["0", "0", "0", "0", "1"])
            #expect(byAge.rows[0].cells[4] == "1 (100,0 %)")
            // The log says that the interview changed, in categories only: no answer's text.
            let logged = try await AuditEntry.query(on: app.db).filter(\.$entityType == "survey_interview").all()
            #expect(logged.count == 1)
            #expect(!logged.map(\.changes).joined().contains("Haltestelle"))

            // An answer emptied goes with its themes.
            form[q1] = ""
            #expect(try await staff.post(interviewPath, form).status == .seeOther)
            #expect(try await SurveyAnswer.find(UUID(uuidString: answerID), on: app.db) == nil)
            content = try await SurveyResultsController.content(survey, req)
            #expect(content.themes[0].rows.map(\.count) == [0])

            // Deleting the visit: a confirmation page first, then the visit, its interview, answers and counts are gone;
            // the contact record made at the same door stays, as nothing links them.
            let visit = try #require(try await SurveyVisit.query(on: app.db).first())
            let deletePath = "/verwaltung/befragungen/besuche/\(visit.id!.uuidString)/loeschen"
            let confirm = try await staff.get(deletePath)
            #expect(confirm.status == .ok && confirm.body.string.contains("Interview mit 1 Antworten"))
            #expect(try await staff.post(deletePath, [:]).status == .seeOther)
            #expect(try await SurveyVisit.query(on: app.db).count() == 0)
            #expect(try await SurveyInterview.query(on: app.db).count() == 0)
            #expect(try await SurveyAnswer.query(on: app.db).count() == 0)
            let remaining = try await SurveyStatistics.sql(app.db).raw("SELECT COUNT(*) AS n FROM survey_answer_choices").first()?.decode(column: "n", as: Int.self)
            #expect(remaining == 0)
            #expect(try await SurveyContact.query(on: app.db).count() == 1)
            content = try await SurveyResultsController.content(try #require(try await Survey.find(fixture.survey.id, on: app.db)), req)
            #expect(content.summary.visits == 0 && content.summary.interviews == 0)
            #expect(try await staff.get(interviewPath).status == .notFound)

            // Members do not see interviews or delete visits.
            _ = try await app.makeUser("mitglied@quartier.test", role: .member)
            var member = Browser(app)
            try await member.login("mitglied@quartier.test")
            #expect(try await member.get(path + "/adressen").status != .ok)
        }
    }

    @Test("A contact taken in the office, or twice at doors, is one person with consent; without consent nothing is stored")
    func officeContacts() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            var (staff, _) = try await Self.staff(app)
            let path = "/verwaltung/befragungen/\(fixture.id)/kontakte"
            var form = ["contactName": "Emil Anruf", "contactPhone": "0201 123", "wantsInvitation": "on", "source": "verbal"]
            let refused = try await staff.post(path, form)
            #expect(refused.status == .badRequest)
            #expect(refused.body.string.contains("willigt ein") && refused.body.string.contains(#"value="Emil Anruf""#))
            #expect(try await Person.query(on: app.db).count() == 0)
            form["contactConsent"] = "on"
            form["source"] = "carrier-pigeon"
            #expect(try await staff.post(path, form).status == .badRequest)
            form["source"] = "verbal"
            #expect(try await staff.post(path, form).status == .seeOther)
            let emil = try #require(try await Person.query(on: app.db).first())
            #expect(emil.displayName.contains("Anruf"))
            #expect(try await Consent.query(on: app.db).filter(\.$person.$id == emil.id!).filter(\.$purpose == .contact).first()?.source == .verbal)
            #expect(try await staff.get(path).body.string.contains("Emil"))

            // The same e-mail address at two doors: one person, one contact record that keeps both offers.
            let contact = ["contactName": "Lea Zweimal", "contactEmail": "lea@example.org", "contactConsent": "on"]
            #expect(try await staff.post("/befragung/\(fixture.id)/feld", Self.visit(fixture, address: 0, outcome: .interview, answer: "Bänke",
                                                                                       extra: contact.merging(["contactOffers": "Kuchen backen"]) { $1 })).status == .seeOther)
            #expect(try await staff.post("/befragung/\(fixture.id)/feld", Self.visit(fixture, address: 1, outcome: .interview, answer: "Licht",
                                                                                       extra: contact.merging(["contactOffers": "Flyer verteilen", "wantsInvitation": "on"]) { $1 })).status == .seeOther)
            let lea = try await Person.query(on: app.db).filter(\.$email == "lea@example.org").all()
            #expect(lea.count == 1)
            let record = try #require(try await SurveyContact.query(on: app.db).filter(\.$person.$id == lea[0].id!).first())
            #expect(record.offers == "Kuchen backen\nFlyer verteilen" && record.wantsInvitation)
            #expect(try await Consent.query(on: app.db).filter(\.$person.$id == lea[0].id!).count() == 1)
        }
    }

    @Test("Addresses come from a German Excel CSV; a line without house number imports nothing")
    func addressImport() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            var (staff, _) = try await Self.staff(app)
            let path = "/verwaltung/befragungen/\(fixture.id)/adressen"
            let good = GermanCSV.write(header: ["Straße", "Hausnummer", "Eingang", "Teilgebiet"],
                                       rows: [["Hangweg", "1", "", "Nord"], ["Hangweg", "5", "b", "Nord"], ["Bergstraße", "7", "", "Süd"],
                                              ["Hangweg", "10", "", "Nord"]])
            let response = try await staff.upload(path + "/import", field: "file", filename: "adressen.csv", data: good, tokenFrom: path)
            #expect(response.status == .seeOther)
            #expect(try await SurveyAddress.query(on: app.db).count() == 8)
            // Houses in the order one walks them, on the sample's page and in the field form: 3 before 5 b before 10.
            for (page, end) in [(try await staff.get(path).body.string, " <span"), (try await staff.get("/befragung/\(fixture.id)/feld").body.string, "</option>")] {
                let order = ["Hangweg 1", "Hangweg 2", "Hangweg 3", "Hangweg 5, b", "Hangweg 10"].compactMap { page.range(of: $0 + end)?.lowerBound }
                #expect(order.count == 5 && order == order.sorted())
            }
            let bad = GermanCSV.write(header: ["Straße", "Hausnummer"], rows: [["Bergstraße", "9"], ["Bergstraße", ""]])
            let refused = try await staff.upload(path + "/import", field: "file", filename: "adressen.csv", data: bad, tokenFrom: path)
            #expect(refused.status == .badRequest)
            #expect(refused.body.string.contains("Zeile 3"))
            #expect(try await SurveyAddress.query(on: app.db).count() == 8)
        }
    }

    @Test("An action group from the results takes only consenting contacts and continues as a committee with them")
    func actionGroup() async throws {
        try await withQuartier { app in
            let fixture = try await Self.fixture(app)
            var (staff, _) = try await Self.staff(app)
            let consenting = Person(givenName: "Rosa", familyName: "Beispiel", email: "rosa@beispiel.example")
            let withdrawn = Person(givenName: "Otto", familyName: "Fiktiv", email: "otto@beispiel.example")
            try await [consenting, withdrawn].create(on: app.db)
            try await Consent(personID: consenting.id!, purpose: .contact, givenAt: Date(), source: .verbal).create(on: app.db)
            let gone = Consent(personID: withdrawn.id!, purpose: .contact, givenAt: Date(), source: .verbal)
            gone.withdrawnAt = Date()
            try await gone.create(on: app.db)
            let rosa = SurveyContact(surveyID: fixture.survey.id!, personID: consenting.id!, wantsInvitation: true, offers: "", recordedOn: Date())
            let otto = SurveyContact(surveyID: fixture.survey.id!, personID: withdrawn.id!, wantsInvitation: true, offers: "", recordedOn: Date())
            try await [rosa, otto].create(on: app.db)
            let path = "/verwaltung/befragungen/\(fixture.id)/aktionsgruppen"
            let created = try await staff.post(path, ["name": "Spielplatzgruppe", "goal": "Spielplatz neu bauen", "theme": ""])
            let group = try #require(try await SurveyActionGroup.query(on: app.db).first())
            #expect(created.location == "/verwaltung/aktionsgruppen/\(group.id!.uuidString)")
            let groupPath = "/verwaltung/aktionsgruppen/\(group.id!.uuidString)"
            let page = try await staff.get(groupPath).body.string
            #expect(page.contains("Rosa Beispiel") && !page.contains("Otto Fiktiv"))
            #expect(try await staff.post(groupPath, ["c_\(otto.id!.uuidString)": "on"]).status == .badRequest)
            #expect(try await staff.post(groupPath, ["c_\(rosa.id!.uuidString)": "on"]).status == .seeOther)
            #expect(try await SurveyActionGroupMember.query(on: app.db).count() == 1)
            let continued = try await staff.post("/verwaltung/aktionsgruppen/\(group.id!.uuidString)/weiterfuehren", ["kind": "committee"], tokenFrom: groupPath)
            let committee = try #require(try await Committee.query(on: app.db).filter(\.$name == "Spielplatzgruppe").first())
            #expect(continued.location == "/verwaltung/gremien/\(committee.id!.uuidString)")
            #expect(committee.description == "Spielplatz neu bauen")
            let memberships = try await CommitteeMembership.query(on: app.db).filter(\.$committee.$id == committee.id!).all()
            #expect(memberships.map(\.$person.id) == [consenting.id!])
            #expect(try await staff.post("/verwaltung/aktionsgruppen/\(group.id!.uuidString)/weiterfuehren", ["kind": "committee"], tokenFrom: groupPath).status == .badRequest)
            let project = try await staff.post("/verwaltung/aktionsgruppen/\(group.id!.uuidString)/weiterfuehren", ["kind": "project"], tokenFrom: groupPath)
            #expect(project.status == .seeOther)
            #expect(try await Project.query(on: app.db).filter(\.$title == "Spielplatzgruppe").first()?.isResidentsInitiative == true)
        }
    }
}
