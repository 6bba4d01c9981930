import Fluent
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Verfügungsfonds: applications, decisions by staff and jury, payout, proof of use and the fund's balance")
struct FundTests {
    /// This year's fund: 1.000 €, at most 600 € per application, staff decide up to 500 €.
    @discardableResult
    static func fund(_ app: Application, budget: Int = 100_000, maximum: Int = 60_000, staffLimit: Int = 50_000) async throws -> Fund {
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        let fund = Fund(year: berlin.component(.year, from: Date()),
                        terms: FundTerms(budgetCents: budget, maximumPerApplicationCents: maximum, staffLimitCents: staffLimit))
        try await fund.create(on: app.db)
        return fund
    }

    /// A pre-checked application for `cents`, straight in the database.
    static func prechecked(_ app: Application, _ fund: Fund, cents: Int, title: String = "Hoffest", consent: Bool = true) async throws -> FundApplication {
        let application = FundApplication(fundID: try fund.requireID(), applicantName: "Rosa Beispiel", groupName: "Hausgemeinschaft Test",
                                          email: "rosa@beispiel.example", phone: "", locale: .de, title: title, aim: "Nachbarn lernen sich kennen",
                                          targetGroup: "alle im Haus", partners: "", requestedCents: cents, publicConsent: consent)
        application.state = .prechecked
        try await application.create(on: app.db)
        return application
    }

    static func form(title: String = "Nachbarschaftsfrühstück", costs: [(String, String)] = [("Brötchen und Aufstrich", "250"), ("Kaffee und Tee", "150")],
                     incomes: [(String, String)] = [], consent: Bool = true) -> [String: String] {
        var form = ["applicantName": "Rosa Beispiel", "groupName": "Hausgemeinschaft Am Hang 3", "email": "rosa@beispiel.example",
                    "title": title, "aim": "Nachbarinnen und Nachbarn lernen sich kennen.", "targetGroup": "alle Generationen im Haus",
                    "partners": "Mieterbeirat", "publicConsent": "on"]
        if consent { form["consent"] = "on" }
        for (index, line) in costs.enumerated() { form["cost\(index + 1)Label"] = line.0; form["cost\(index + 1)Amount"] = line.1 }
        for (index, line) in incomes.enumerated() { form["income\(index + 1)Label"] = line.0; form["income\(index + 1)Amount"] = line.1 }
        return form
    }

    static func jury(_ app: Application) async throws -> Meeting {
        let jury = Committee(name: "Jury Verfügungsfonds", kind: .jury, isPublic: false, noticeDays: 7, quorum: QuorumRule(kind: .share, value: 50))
        try await jury.create(on: app.db)
        let meeting = Meeting(committeeID: try jury.requireID(), startsAt: Date().addingTimeInterval(-3600), endsAt: Date(), place: "Stadtteilbüro", state: .held)
        try await meeting.create(on: app.db)
        return meeting
    }

    static func staff(_ app: Application) async throws -> Browser {
        try await app.makeUser("team@quartier.test", role: .staff)
        var staff = Browser(app)
        try await staff.login("team@quartier.test")
        return staff
    }

    @Test("A resident applies without an account: the plan gives the requested amount, she gets a receipt by e-mail and her own page")
    func apply() async throws {
        try await withQuartier { app in
            try await Self.fund(app)
            var resident = Browser(app)
            let response = try await resident.post("/verfuegungsfonds/antrag", Self.form(incomes: [("Spende Bäckerei", "50,00")]))
            #expect(response.status == .seeOther)
            let application = try #require(try await FundApplication.query(on: app.db).first())
            #expect(application.requestedCents == 35_000)
            #expect(application.state == .submitted)
            #expect(try await FundLine.query(on: app.db).count() == 3)
            #expect(response.location == "/verfuegungsfonds/antrag/\(application.token)?neu=1")
            let receipt = try await resident.get(try #require(response.location))
            #expect(receipt.status == .ok)
            #expect(receipt.body.string.contains("350,00"))
            #expect(receipt.body.string.contains("rosa@beispiel.example"))
            #expect(receipt.headers.first(name: "Referrer-Policy") == "no-referrer")
            let mail = try #require(try await OutboxMail.query(on: app.db).first())
            #expect(mail.subject == "Antrag eingegangen: Nachbarschaftsfrühstück")
            #expect(mail.body.contains("/verfuegungsfonds/antrag/\(application.token)"))
            var stranger = Browser(app)
            #expect(try await stranger.get("/verfuegungsfonds/antrag/falsch").status == .notFound)
        }
    }

    @Test("Bad input is refused with a message and stores nothing: no financing plan, negative or non-numeric amounts, too much, oversized or wrong files, no consent; the honeypot stores nothing")
    func badInput() async throws {
        try await withQuartier { app in
            try await Self.fund(app)
            var resident = Browser(app)
            let cases: [([String: String], String)] = [
                (Self.form(costs: []), "mindestens eine Zeile mit Kosten"),
                (Self.form(costs: [("Brötchen", "-50")]), "ist kein Betrag"),
                (Self.form(costs: [("Brötchen", "viel")]), "ist kein Betrag"),
                (Self.form(costs: [("", "50")]), "wofür der Betrag ist"),
                (Self.form(costs: [("Bühne", "700")]), "höchstens 600,00"),
                (Self.form(costs: [("Bühne", "100")], incomes: [("Spende", "100")]), "nichts zu beantragen"),
                (Self.form(consent: false), "Speicherung Ihrer Angaben"),
                (Self.form(title: ""), "Titel"),
            ]
            for (form, message) in cases {
                let response = try await resident.post("/verfuegungsfonds/antrag", form, tokenFrom: "/verfuegungsfonds/antrag")
                #expect(response.status == .badRequest)
                #expect(response.body.string.contains(message), "expected “\(message)”")
            }
            let oversized = [UInt8](repeating: 0x25, count: PublicFundController.maximumAttachment + 1)
            let big = try await EventDocumentationTests.upload(&resident, "/verfuegungsfonds/antrag", fields: Self.form(), filename: "angebot.pdf",
                                                               data: oversized, tokenFrom: "/verfuegungsfonds/antrag")
            #expect(big.status == .badRequest)
            #expect(big.body.string.contains("zu groß"))
            let renamed = try await EventDocumentationTests.upload(&resident, "/verfuegungsfonds/antrag", fields: Self.form(), filename: "angebot.pdf",
                                                                   data: Array("MZ\u{0}\u{0}".utf8), tokenFrom: "/verfuegungsfonds/antrag")
            #expect(renamed.status == .badRequest)
            var robot = Self.form()
            robot["website"] = "http://spam.example"
            #expect(try await resident.post("/verfuegungsfonds/antrag", robot).status == .seeOther)
            #expect(try await FundApplication.query(on: app.db).count() == 0)
            #expect(try await OutboxMail.query(on: app.db).count() == 0)
            // A good attachment goes with the application.
            let pdf = try await EventDocumentationTests.upload(&resident, "/verfuegungsfonds/antrag", fields: Self.form(), filename: "angebot.pdf",
                                                               data: Array("%PDF-1.4\n%%EOF\n".utf8), tokenFrom: "/verfuegungsfonds/antrag")
            #expect(pdf.status == .seeOther)
            #expect(try await FundFile.query(on: app.db).filter(\.$kind == .attachment).count() == 1)
        }
    }

    @Test("Staff pre-check, approve up to the threshold, pay out, take the proof of use with a photo and close; the balance follows every step")
    func staffWorkflow() async throws {
        try await withQuartier { app in
            let fund = try await Self.fund(app)
            var resident = Browser(app)
            try await resident.post("/verfuegungsfonds/antrag", Self.form())
            let application = try #require(try await FundApplication.query(on: app.db).first())
            let id = try application.requireID().uuidString
            let page = "/verwaltung/verfuegungsfonds/antraege/\(id)"
            var staff = try await Self.staff(app)
            #expect(try await staff.get(page).body.string.contains("Vorprüfung abschließen"))

            // Deciding before the pre-check is refused.
            let early = try await staff.post(page + "/entscheidung", ["outcome": "approve", "amount": "400"], tokenFrom: page)
            #expect(early.status == .conflict)
            #expect(try await staff.post(page + "/vorpruefung", ["note": "vollständig"], tokenFrom: page).status == .seeOther)
            let approved = try await staff.post(page + "/entscheidung", ["outcome": "approve", "amount": "400,00"], tokenFrom: page)
            #expect(approved.status == .seeOther)
            var balance = try await FundDesk.balance(fund, on: app.db)
            #expect(balance == FundBalance(budgetCents: 100_000, committedCents: 40_000, paidCents: 0))
            #expect(try await OutboxMail.query(on: app.db).filter(\.$subject == "Antrag bewilligt: Nachbarschaftsfrühstück").count() == 1)

            #expect(try await staff.post(page + "/auszahlung", ["amount": "450"], tokenFrom: page).status == .badRequest)
            #expect(try await staff.post(page + "/auszahlung", ["amount": "400"], tokenFrom: page).status == .seeOther)
            balance = try await FundDesk.balance(fund, on: app.db)
            #expect(balance == FundBalance(budgetCents: 100_000, committedCents: 0, paidCents: 40_000))
            #expect(balance.remainingCents == 60_000)

            let tooBig = [UInt8](repeating: 0, count: FundController.maximumProofFile + 1)
            let refused = try await EventDocumentationTests.upload(&staff, page + "/nachweis", fields: ["report": "Schön war's", "kind": "photo"],
                                                                   filename: "fest.png", data: tooBig, tokenFrom: page)
            #expect(refused.status == .badRequest)
            let photo = try await EventDocumentationTests.upload(&staff, page + "/nachweis", fields: ["report": "30 Leute kamen.", "kind": "photo"],
                                                                 filename: "fest.png", data: DemoData.samplePhoto(width: 8, height: 6), tokenFrom: page)
            #expect(photo.status == .seeOther)
            let receipt = try await EventDocumentationTests.upload(&staff, page + "/nachweis", fields: ["report": "", "kind": "receipt"],
                                                                   filename: "beleg.pdf", data: Array("%PDF-1.4\n".utf8), tokenFrom: page)
            #expect(receipt.status == .seeOther)
            let files = try await FundFile.query(on: app.db).all()
            #expect(files.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.photo, .receipt])
            let download = try await staff.get("/verwaltung/verfuegungsfonds/dateien/\(try files[0].requireID().uuidString)")
            #expect(download.status == .ok)
            var stranger = Browser(app)
            #expect(try await stranger.get("/verwaltung/verfuegungsfonds/dateien/\(try files[0].requireID().uuidString)").status != .ok)

            #expect(try await staff.post(page + "/pruefung", ["outcome": "closed", "note": "Belege vollständig"], tokenFrom: page).status == .seeOther)
            let closed = try #require(try await FundApplication.find(application.requireID(), on: app.db))
            #expect(closed.state == .closed)
            #expect(closed.report == "30 Leute kamen.")
            #expect(try await FundDesk.balance(fund, on: app.db).paidCents == 40_000)
            #expect(try await staff.get("/verwaltung/verfuegungsfonds/\(try fund.requireID().uuidString)").body.string.contains("600,00"))
        }
    }

    @Test("Above the threshold staff may not decide; the jury's decision is recorded in its meeting with votes, and the votes give the result")
    func juryDecision() async throws {
        try await withQuartier { app in
            let fund = try await Self.fund(app)
            let meeting = try await Self.jury(app)
            let big = try await Self.prechecked(app, fund, cents: 55_000, title: "Stadtteilfest")
            let other = try await Self.prechecked(app, fund, cents: 30_000, title: "Bücherschrank")
            var staff = try await Self.staff(app)
            let page = "/verwaltung/verfuegungsfonds/antraege/\(try big.requireID().uuidString)"
            #expect(try await staff.get(page).body.string.contains("Die Jury entscheidet"))
            let refused = try await staff.post(page + "/entscheidung", ["outcome": "approve", "amount": "550"], tokenFrom: page)
            #expect(refused.status == .badRequest)
            #expect(refused.body.string.contains("entscheidet die Jury"))

            let recorded = try await staff.post(page + "/jury", ["meeting": try meeting.requireID().uuidString, "yes": "4", "no": "1", "abstain": "0",
                                                                  "amount": "500"], tokenFrom: page)
            #expect(recorded.status == .seeOther)
            let decided = try #require(try await FundApplication.find(big.requireID(), on: app.db))
            #expect(decided.state == .approved)
            #expect(decided.decidedBy == .jury)
            #expect(decided.approvedCents == 50_000)
            let item = try #require(try await AgendaItem.find(decided.$agendaItem.id, on: app.db))
            #expect(item.$meeting.id == meeting.id)
            #expect(item.votes == VoteCount(yes: 4, no: 1, abstain: 0))
            #expect(item.title == "Verfügungsfonds: Stadtteilfest")
            #expect(item.decisionText?.contains("500,00") == true)

            // The jury may also decide a small one, and more no than yes rejects it with the reason.
            let small = "/verwaltung/verfuegungsfonds/antraege/\(try other.requireID().uuidString)"
            #expect(try await staff.post(small + "/jury", ["meeting": try meeting.requireID().uuidString, "yes": "1", "no": "3", "abstain": "1",
                                                           "amount": "300", "reason": "Es gibt schon einen Bücherschrank."], tokenFrom: small).status == .seeOther)
            let rejected = try #require(try await FundApplication.find(other.requireID(), on: app.db))
            #expect(rejected.state == .rejected)
            #expect(rejected.decisionReason == "Es gibt schon einen Bücherschrank.")
            #expect(try await AgendaItem.query(on: app.db).filter(\.$meeting.$id == meeting.requireID()).count() == 2)
            // Votes that are not numbers change nothing.
            let third = try await Self.prechecked(app, fund, cents: 20_000, title: "Beet")
            let thirdPage = "/verwaltung/verfuegungsfonds/antraege/\(try third.requireID().uuidString)"
            #expect(try await staff.post(thirdPage + "/jury", ["meeting": try meeting.requireID().uuidString, "yes": "viele", "no": "0", "abstain": "0",
                                                               "amount": "200"], tokenFrom: thirdPage).status == .badRequest)
            #expect(try await AgendaItem.query(on: app.db).count() == 2)
        }
    }

    @Test("An approval that would overdraw the fund is refused and changes nothing; the budget cannot fall below what is bound")
    func overdraw() async throws {
        try await withQuartier { app in
            let fund = try await Self.fund(app, budget: 60_000, maximum: 50_000, staffLimit: 50_000)
            let first = try await Self.prechecked(app, fund, cents: 40_000)
            let second = try await Self.prechecked(app, fund, cents: 30_000)
            var staff = try await Self.staff(app)
            for (application, status) in [(first, HTTPStatus.seeOther), (second, .conflict)] {
                let page = "/verwaltung/verfuegungsfonds/antraege/\(try application.requireID().uuidString)"
                let response = try await staff.post(page + "/entscheidung", ["outcome": "approve", "amount": String(application.requestedCents / 100)], tokenFrom: page)
                #expect(response.status == status)
                if status == .conflict { #expect(response.body.string.contains("nur noch 200,00")) }
            }
            #expect(try await FundApplication.find(second.requireID(), on: app.db)?.state == .prechecked)
            #expect(try await FundDesk.balance(fund, on: app.db).remainingCents == 20_000)
            let fundPage = "/verwaltung/verfuegungsfonds/\(try fund.requireID().uuidString)"
            let lower = try await staff.post(fundPage, ["budget": "300", "maximum": "300", "staffLimit": "100"], tokenFrom: fundPage)
            #expect(lower.status == .conflict)
            #expect(try await Fund.find(fund.requireID(), on: app.db)?.budgetCents == 60_000)
        }
    }

    @Test("Approvals at the same moment queue on the fund: never more than the budget is committed")
    func concurrentApprovals() async throws {
        try await withQuartier { app in
            let fund = try await Self.fund(app, budget: 100_000, maximum: 50_000, staffLimit: 50_000)
            var applications: [FundApplication] = []
            for index in 0..<8 { applications.append(try await Self.prechecked(app, fund, cents: 30_000, title: "Projekt \(index)")) }
            var staff = try await Self.staff(app)
            let token = try await staff.token(from: "/verwaltung/verfuegungsfonds/antraege/\(try applications[0].requireID().uuidString)")
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for application in applications {
                    let path = "/verwaltung/verfuegungsfonds/antraege/\(try application.requireID().uuidString)/entscheidung"
                    group.addTask { [staff] in
                        var browser = staff
                        return try await browser.post(path, ["outcome": "approve", "amount": "300", "_csrf": token], csrf: false).status
                    }
                }
                var all: [HTTPStatus] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.filter { $0 == .seeOther }.count == 3)
            #expect(statuses.filter { $0 == .conflict }.count == 5)
            #expect(try await FundApplication.query(on: app.db).filter(\.$state == .approved).count() == 3)
            let balance = try await FundDesk.balance(fund, on: app.db)
            #expect(balance.committedCents == 90_000)
            #expect(balance.remainingCents == 10_000)
        }
    }

    @Test("The public page lists funded projects only with the applicant's consent; rejected and open applications and staff pages stay hidden")
    func publicVisibility() async throws {
        try await withQuartier { app in
            let fund = try await Self.fund(app)
            let shown = try await Self.prechecked(app, fund, cents: 20_000, title: "Gemeinschaftsbeet")
            let hidden = try await Self.prechecked(app, fund, cents: 20_000, title: "Geheimes Grillfest", consent: false)
            let rejected = try await Self.prechecked(app, fund, cents: 20_000, title: "Abgelehntes Konzert")
            _ = try await Self.prechecked(app, fund, cents: 20_000, title: "Offener Antrag")
            for application in [shown, hidden] {
                application.state = .approved
                application.approvedCents = 20_000
                application.decidedAt = Date()
                try await application.save(on: app.db)
            }
            rejected.state = .rejected
            rejected.decisionReason = "passt nicht"
            try await rejected.save(on: app.db)
            var reader = Browser(app)
            let page = try await reader.get("/verfuegungsfonds")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Gemeinschaftsbeet"))
            #expect(!html.contains("Geheimes Grillfest"))
            #expect(!html.contains("Abgelehntes Konzert"))
            #expect(!html.contains("Offener Antrag"))
            #expect(!html.contains("Rosa Beispiel"))
            #expect(html.contains("600,00")) // remaining: 1.000 € − 2 × 200 €
            var visitor = Browser(app)
            for path in ["/verwaltung/verfuegungsfonds", "/verwaltung/verfuegungsfonds/antraege/\(try shown.requireID().uuidString)"] {
                #expect(try await visitor.get(path).status != .ok)
            }
            try await app.makeUser("mitglied@quartier.test", role: .member)
            var member = Browser(app)
            try await member.login("mitglied@quartier.test")
            #expect(try await member.get("/verwaltung/verfuegungsfonds").status == .forbidden)
        }
    }

    @Test("Staff set up a year's fund with checked rules")
    func setUp() async throws {
        try await withQuartier { app in
            var staff = try await Self.staff(app)
            let bad = try await staff.post("/verwaltung/verfuegungsfonds", ["year": "2030", "budget": "1000", "maximum": "2000", "staffLimit": "100"])
            #expect(bad.status == .badRequest)
            let good = try await staff.post("/verwaltung/verfuegungsfonds", ["year": "2030", "budget": "10.000", "maximum": "1.500", "staffLimit": "500"])
            #expect(good.status == .seeOther)
            let fund = try #require(try await Fund.query(on: app.db).first())
            #expect(fund.terms == FundTerms(budgetCents: 1_000_000, maximumPerApplicationCents: 150_000, staffLimitCents: 50_000))
            #expect(try await staff.post("/verwaltung/verfuegungsfonds", ["year": "2030", "budget": "1", "maximum": "1", "staffLimit": "1"]).status == .badRequest)
        }
    }

    @Test("The demo district's fund: applications at every step, a jury meeting with its decisions, and a balance that adds up")
    func demo() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            let fund = try #require(try await PublicFundController.currentFund(on: app.db))
            let balance = try await FundDesk.balance(fund, on: app.db)
            #expect(balance == FundBalance(budgetCents: 1_000_000, committedCents: 80_000, paidCents: 195_000))
            let states = Set(try await FundApplication.query(on: app.db).all().map(\.state))
            #expect(states == [.submitted, .prechecked, .approved, .rejected, .paid, .proofSubmitted, .closed])
            let juryItems = try await AgendaItem.query(on: app.db).filter(\.$title ~~ "Verfügungsfonds:").all()
            #expect(juryItems.filter { $0.votes != nil }.count == 3)
            var reader = Browser(app)
            let html = try await reader.get("/verfuegungsfonds").body.string
            #expect(html.contains("Nachbarschaftsgarten am Hang"))
            #expect(!html.contains("Feuerwerk"))
            #expect(html.contains("7.250,00"))
            var staff = Browser(app)
            try await staff.login(DemoData.staffEmail, password: DemoData.password)
            let list = try await staff.get("/verwaltung/verfuegungsfonds/\(try fund.requireID().uuidString)")
            #expect(list.status == .ok)
            #expect(list.body.string.contains("Kinder-Kunstwoche"))
            for application in try await FundApplication.query(on: app.db).all() {
                #expect(try await staff.get("/verwaltung/verfuegungsfonds/antraege/\(try application.requireID().uuidString)").status == .ok)
            }
        }
    }

    @Test("A proof of use that does not hold ends in a reclaim: the reclaimed money returns to the fund; a closed application takes no further step")
    func reclaim() async throws {
        try await withQuartier { app in
            let fund = try await Self.fund(app)
            let application = try await Self.prechecked(app, fund, cents: 40_000)
            application.state = .proofSubmitted
            application.approvedCents = 40_000
            application.paidCents = 40_000
            application.report = "Das Fest fiel aus."
            try await application.save(on: app.db)
            var staff = try await Self.staff(app)
            let page = "/verwaltung/verfuegungsfonds/antraege/\(try application.requireID().uuidString)"
            #expect(try await staff.post(page + "/pruefung", ["outcome": "reclaimed", "amount": "500", "note": "Fest ausgefallen"], tokenFrom: page).status == .badRequest)
            #expect(try await staff.post(page + "/pruefung", ["outcome": "reclaimed", "amount": "250", "note": ""], tokenFrom: page).status == .badRequest)
            #expect(try await staff.post(page + "/pruefung", ["outcome": "reclaimed", "amount": "250", "note": "Fest ausgefallen, Einkauf belegt"], tokenFrom: page).status == .seeOther)
            let reclaimed = try #require(try await FundApplication.find(application.requireID(), on: app.db))
            #expect(reclaimed.state == .reclaimed)
            #expect(reclaimed.reclaimedCents == 25_000)
            #expect(try await FundDesk.balance(fund, on: app.db) == FundBalance(budgetCents: 100_000, committedCents: 0, paidCents: 15_000))
            #expect(try await OutboxMail.query(on: app.db).filter(\.$subject == "Rückforderung: Hoffest").count() == 1)
            #expect(try await staff.post(page + "/auszahlung", ["amount": "100"], tokenFrom: page).status == .conflict)
            #expect(try await staff.post(page + "/pruefung", ["outcome": "closed", "note": ""], tokenFrom: page).status == .conflict)
        }
    }
}
