import Fluent
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Projekte: ISEK, projects with budget, milestones and diary, public project pages")
struct ProjectTests {
    struct Setup {
        let fields: [FieldOfAction]
        let school: Organisation
        let hidden: Organisation
        let resident: Person
    }

    /// Two fields of action, a public and a non-public organisation, and a resident in the directory.
    static func setup(_ app: Application) async throws -> Setup {
        let fields = [FieldOfAction(name: "Städtebau", position: 0), FieldOfAction(name: "Beteiligung", position: 1)]
        try await fields.create(on: app.db)
        let school = Organisation(name: "Grundschule Beispiel", kind: .school)
        school.isPublic = true
        let hidden = Organisation(name: "Verborgener Verein", kind: .association)
        try await school.create(on: app.db)
        try await hidden.create(on: app.db)
        let resident = Person(givenName: "Gül", familyName: "Erfunden", email: "guel@beispiel.example")
        try await resident.create(on: app.db)
        return Setup(fields: fields, school: school, hidden: hidden, resident: resident)
    }

    static func staff(_ app: Application) async throws -> Browser {
        try await app.makeUser("team@quartier.test", role: .staff)
        var browser = Browser(app)
        try await browser.login("team@quartier.test")
        return browser
    }

    static func projectForm(_ setup: Setup, _ extra: [String: String] = [:]) -> [String: String] {
        var form = ["title": "Spielplatz am Hang", "summary": "Neu gestalten mit den Kindern.", "phase": "idea",
                    "field_\(setup.fields[0].id!.uuidString)": "on", "lead": "Grundschule Beispiel",
                    "partners": "Verborgener Verein\nguel@beispiel.example", "participation": "Samstags ab 10 Uhr mithelfen.",
                    "starts_on": "2026-03-01", "ends_on": "2026-12-31", "is_public": "on"]
        form.merge(extra) { $1 }
        return form
    }

    @Test("Staff create a project with fields, lead and partners from the directory, then budget lines, a milestone and a diary entry")
    func create() async throws {
        try await withQuartier { app in
            // setup
            let setup = try await Self.setup(app)
            var staff = try await Self.staff(app)

            // act
            let created = try await staff.post("/verwaltung/projekte/neu", Self.projectForm(setup))
            let project = try #require(try await Project.query(on: app.db).first())
            let path = "/verwaltung/projekte/\(try project.requireID().uuidString)"
            let line = try await staff.post(path + "/budget", ["source": "federal", "purpose": "Bau", "planned": "1.234,56", "spent": "400"], tokenFrom: path)
            try await staff.post(path + "/budget", ["source": "own", "purpose": "Fest", "planned": "100", "spent": "150,5"], tokenFrom: path)
            let milestone = try await staff.post(path + "/meilensteine", ["title": "Eröffnung", "due_on": "2020-05-01"], tokenFrom: path)
            let diary = try await staff.post(path + "/tagebuch", ["day": "2026-04-01", "text": "Die Bagger sind da."], tokenFrom: path)
            let firstLine = try #require(try await BudgetLine.query(on: app.db).filter(\.$purpose == "Bau").first())
            let corrected = try await staff.post("/verwaltung/budgetposten/\(firstLine.id!.uuidString)", ["planned": "1.234,56", "spent": "1.000"], tokenFrom: path)
            let refused = try await staff.post("/verwaltung/budgetposten/\(firstLine.id!.uuidString)", ["planned": "1.234,56", "spent": "-3"], tokenFrom: path)
            let page = try await staff.get(path)

            // check
            #expect(corrected.status == .seeOther && refused.status == .badRequest)
            #expect(created.status == .seeOther && created.location == path)
            #expect(line.status == .seeOther && milestone.status == .seeOther && diary.status == .seeOther)
            #expect(project.phase == .idea && project.isPublic && project.$leadOrganisation.id == setup.school.id)
            #expect(project.startsOn == CalendarDate.parse("2026-03-01"))
            let partners = try await ProjectPartner.query(on: app.db).all()
            #expect(Set(partners.compactMap { $0.$organisation.id }) == [setup.hidden.id!])
            #expect(Set(partners.compactMap { $0.$person.id }) == [setup.resident.id!])
            let lines = try await BudgetLine.query(on: app.db).sort(\.$plannedCents, .descending).all()
            #expect(lines.map(\.plannedCents) == [123_456, 10_000] && lines.map(\.spentCents) == [100_000, 15_050])
            #expect(page.status == .ok)
            #expect(page.body.string.contains("1.234,56\u{00A0}€"))
            #expect(page.body.string.contains("1.334,56\u{00A0}€"), "the total of planned")
            #expect(page.body.string.contains("überzogen"), "own funds are overspent")
            #expect(page.body.string.contains("überfällig"), "the milestone's day has passed")
            #expect(page.body.string.contains("Die Bagger sind da."))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entityType == "project").count() == 1)
        }
    }

    @Test("A diary entry may have a photo with its text for screen readers; without that text, or not an image, nothing is stored")
    func diaryPhoto() async throws {
        try await withQuartier { app in
            let setup = try await Self.setup(app)
            var staff = try await Self.staff(app)
            try await staff.post("/verwaltung/projekte/neu", Self.projectForm(setup))
            let project = try #require(try await Project.query(on: app.db).first())
            let path = "/verwaltung/projekte/\(try project.requireID().uuidString)"
            let png = DemoData.samplePhoto(width: 8, height: 6)

            let noAlt = try await EventDocumentationTests.upload(&staff, path + "/tagebuch", fields: ["day": "2026-04-01", "text": "Richtfest"],
                                                                 filename: "fest.png", data: png, tokenFrom: path)
            let notImage = try await EventDocumentationTests.upload(&staff, path + "/tagebuch", fields: ["day": "2026-04-01", "text": "Richtfest", "alt": "Ein Fest"],
                                                                    filename: "fest.png", data: Array("%PDF-1.4\n".utf8), tokenFrom: path)
            #expect(noAlt.status == .badRequest && notImage.status == .badRequest)
            #expect(try await DiaryEntry.query(on: app.db).count() == 0)

            let saved = try await EventDocumentationTests.upload(&staff, path + "/tagebuch", fields: ["day": "2026-04-01", "text": "Richtfest", "alt": "Kinder pflanzen einen Baum"],
                                                                 filename: "fest.png", data: png, tokenFrom: path)
            #expect(saved.status == .seeOther)
            let photo = try #require(try await DiaryPhoto.query(on: app.db).first())
            #expect(photo.width == 8 && photo.height == 6 && photo.mimeType == "image/png")
            var visitor = Browser(app)
            let page = try await visitor.get("/projekte/\(project.id!.uuidString)")
            #expect(page.body.string.contains("alt=\"Kinder pflanzen einen Baum\""))
            let image = try await visitor.get("/projekte/fotos/\(photo.id!.uuidString)")
            #expect(image.status == .ok && image.headers.contentType?.description == "image/png" && Array(image.body.readableBytesView) == png)

            project.isPublic = false
            try await project.save(on: app.db)
            #expect(try await visitor.get("/projekte/fotos/\(photo.id!.uuidString)").status == .notFound)
            #expect(try await staff.get("/projekte/fotos/\(photo.id!.uuidString)").status == .ok)
        }
    }

    @Test("The public overview is cached for visitors, and a change by staff shows at once")
    func cache() async throws {
        try await withQuartier(environment: ["QUARTIER_PAGE_CACHE": "60"]) { app in
            let setup = try await Self.setup(app)
            var staff = try await Self.staff(app)
            var visitor = Browser(app)
            let before = try await visitor.get("/projekte")
            try await staff.post("/verwaltung/projekte/neu", Self.projectForm(setup, ["title": "Neu im Stadtteil"]))
            let after = try await visitor.get("/projekte")
            #expect(!before.body.string.contains("Neu im Stadtteil") && after.body.string.contains("Neu im Stadtteil"))
        }
    }

    @Test("Committee decisions link to a project; the public page shows one only once the committee publishes it")
    func decisions() async throws {
        try await withQuartier { app in
            let setup = try await Self.setup(app)
            var staff = try await Self.staff(app)
            try await staff.post("/verwaltung/projekte/neu", Self.projectForm(setup))
            let project = try #require(try await Project.query(on: app.db).first())
            let path = "/verwaltung/projekte/\(try project.requireID().uuidString)"
            let committee = Committee(name: "AK Stadtwald", kind: .workingGroup, isPublic: true, noticeDays: 7, quorum: QuorumRule(kind: .count, value: 1))
            try await committee.create(on: app.db)
            let meeting = Meeting(committeeID: committee.id!, startsAt: Date().addingTimeInterval(-86_400), endsAt: Date().addingTimeInterval(-80_000), place: "Büro")
            try await meeting.create(on: app.db)
            let item = AgendaItem(meetingID: meeting.id!, position: 1, title: "Spielplatz", isPublic: true)
            item.decisionText = "Der Arbeitskreis unterstützt die Neugestaltung."
            (item.votesYes, item.votesNo, item.votesAbstain) = (5, 0, 1)
            try await item.create(on: app.db)
            let plain = AgendaItem(meetingID: meeting.id!, position: 2, title: "Verschiedenes", isPublic: true)
            try await plain.create(on: app.db)

            let refused = try await staff.post(path + "/beschluesse", ["decision": plain.id!.uuidString], tokenFrom: path)
            let linked = try await staff.post(path + "/beschluesse", ["decision": item.id!.uuidString], tokenFrom: path)
            let staffPage = try await staff.get(path)
            var visitor = Browser(app)
            let before = try await visitor.get("/projekte/\(project.id!.uuidString)")
            meeting.minutesApprovedAt = Date()
            try await meeting.save(on: app.db)
            var reader = Browser(app)
            let after = try await reader.get("/projekte/\(project.id!.uuidString)")

            #expect(refused.status == .badRequest && linked.status == .seeOther)
            #expect(try await ProjectDecision.query(on: app.db).count() == 1)
            #expect(staffPage.body.string.contains("Der Arbeitskreis unterstützt die Neugestaltung.") && staffPage.body.string.contains("Ja 5, Nein 0, Enthaltung 1"))
            #expect(!before.body.string.contains("Der Arbeitskreis unterstützt"), "minutes not approved yet")
            #expect(after.body.string.contains("Der Arbeitskreis unterstützt"))
        }
    }

    @Test("Phases move only along the allowed steps")
    func phases() async throws {
        try await withQuartier { app in
            let setup = try await Self.setup(app)
            var staff = try await Self.staff(app)
            try await staff.post("/verwaltung/projekte/neu", Self.projectForm(setup))
            let project = try #require(try await Project.query(on: app.db).first())
            let path = "/verwaltung/projekte/\(try project.requireID().uuidString)"

            let skip = try await staff.post(path + "/phase", ["phase": "completed"], tokenFrom: path)
            let step = try await staff.post(path + "/phase", ["phase": "planning"], tokenFrom: path)
            let nonsense = try await staff.post(path + "/phase", ["phase": "fertig"], tokenFrom: path)

            #expect(skip.status == .badRequest && nonsense.status == .badRequest)
            #expect(step.status == .seeOther)
            #expect(try await Project.find(project.id, on: app.db)?.phase == .planning)
        }
    }

    @Test("Bad input is refused with 400 and stores nothing: no title, no field, bad dates, end before start, unknown lead, bad amounts")
    func badInput() async throws {
        try await withQuartier { app in
            let setup = try await Self.setup(app)
            var staff = try await Self.staff(app)
            let new = "/verwaltung/projekte/neu"
            let fieldKey = "field_\(setup.fields[0].id!.uuidString)"
            for bad in [["title": "  "], ["starts_on": "31.02.2026"], ["ends_on": "gestern"], ["starts_on": "2026-05-01", "ends_on": "2026-04-01"],
                        ["lead": "Niemand Unbekannt"], ["phase": "fertig"], [fieldKey: ""]] {
                var form = Self.projectForm(setup, bad)
                if bad[fieldKey] != nil { form[fieldKey] = nil }
                let response = try await staff.post(new, form)
                #expect(response.status == .badRequest, "\(bad)")
            }
            #expect(try await Project.query(on: app.db).count() == 0)

            try await staff.post(new, Self.projectForm(setup))
            let project = try #require(try await Project.query(on: app.db).first())
            let path = "/verwaltung/projekte/\(try project.requireID().uuidString)"
            for bad in [["planned": "-5"], ["planned": "zwölf"], ["planned": ""], ["planned": "10", "spent": "-1"], ["planned": "10", "spent": "1,234"],
                        ["planned": "10", "source": "lottery"], ["planned": "10", "purpose": ""]] {
                var form = ["source": "federal", "purpose": "Bau"]
                form.merge(bad) { $1 }
                let response = try await staff.post(path + "/budget", form, tokenFrom: path)
                #expect(response.status == .badRequest, "\(bad)")
            }
            let badMilestone = try await staff.post(path + "/meilensteine", ["title": "Eröffnung", "due_on": "2026-13-01"], tokenFrom: path)
            let untitled = try await staff.post(path + "/meilensteine", ["title": "", "due_on": "2026-12-01"], tokenFrom: path)
            let emptyDiary = try await staff.post(path + "/tagebuch", ["day": "2026-12-01", "text": " "], tokenFrom: path)
            #expect(badMilestone.status == .badRequest && untitled.status == .badRequest && emptyDiary.status == .badRequest)
            #expect(badMilestone.body.string.contains("2026-13-01"))
            #expect(try await BudgetLine.query(on: app.db).count() == 0)
            #expect(try await Milestone.query(on: app.db).count() == 0)
            #expect(try await DiaryEntry.query(on: app.db).count() == 0)
        }
    }

    @Test("Only public projects are on the public pages; private persons and non-public organisations are not named there")
    func visibility() async throws {
        try await withQuartier { app in
            // setup
            let setup = try await Self.setup(app)
            var staff = try await Self.staff(app)
            try await staff.post("/verwaltung/projekte/neu", Self.projectForm(setup))
            try await staff.post("/verwaltung/projekte/neu", Self.projectForm(setup, ["title": "Geheime Idee", "is_public": "", "lead": "guel@beispiel.example", "partners": ""]))
            let projects = try await Project.query(on: app.db).sort(\.$title).all()
            let secret = projects[0], open = projects[1]
            #expect(secret.title == "Geheime Idee" && !secret.isPublic && secret.$leadPerson.id == setup.resident.id)
            try await BudgetLine(projectID: open.id!, source: .municipal, purpose: "Bau", plannedCents: 500_000, spentCents: 0).create(on: app.db)
            var visitor = Browser(app)

            // act
            let overview = try await visitor.get("/projekte")
            let filtered = try await visitor.get("/projekte?phase=planning")
            let page = try await visitor.get("/projekte/\(open.id!.uuidString)")
            let hidden = try await visitor.get("/projekte/\(secret.id!.uuidString)")
            let nonsense = try await visitor.get("/projekte/kein-projekt")
            let backoffice = try await visitor.get("/verwaltung/projekte")

            // check
            #expect(overview.status == .ok && overview.body.string.contains("Spielplatz am Hang") && !overview.body.string.contains("Geheime Idee"))
            #expect(overview.body.string.contains("Städtebau") && overview.body.string.contains("Das Programm"))
            #expect(filtered.status == .ok && !filtered.body.string.contains("Spielplatz am Hang"))
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Grundschule Beispiel") && page.body.string.contains("Samstags ab 10 Uhr mithelfen."))
            #expect(page.body.string.contains("5.000,00\u{00A0}€"))
            #expect(!page.body.string.contains("Verborgener Verein") && !page.body.string.contains("Erfunden"))
            #expect(hidden.status == .notFound && nonsense.status == .notFound)
            #expect(backoffice.status != .ok)
        }
    }

    @Test("ISEK: goals and numbered measures per field of action, fields renamed and reordered, the programme's years checked")
    func isek() async throws {
        try await withQuartier { app in
            let setup = try await Self.setup(app)
            var staff = try await Self.staff(app)
            let field = setup.fields[1].id!.uuidString

            let goal = try await staff.post("/verwaltung/isek/ziele", ["field": field, "text": "Alle reden mit."], tokenFrom: "/verwaltung/isek")
            let measure = try await staff.post("/verwaltung/isek/massnahmen", ["field": field, "number": "8.1", "title": "Verfügungsfonds"], tokenFrom: "/verwaltung/isek")
            let twice = try await staff.post("/verwaltung/isek/massnahmen", ["field": field, "number": "8.1", "title": "Noch einmal"], tokenFrom: "/verwaltung/isek")
            let noField = try await staff.post("/verwaltung/isek/ziele", ["field": "", "text": "Ohne Feld"], tokenFrom: "/verwaltung/isek")
            let moved = try await staff.post("/verwaltung/handlungsfelder/\(field)", ["name": "Beteiligung und Engagement", "position": "1"], tokenFrom: "/verwaltung/isek")
            let programme = try await staff.post("/verwaltung/isek/programm", ["start_year": "2014", "isek_year": "2018", "horizon_years": "10", "consolidation_years": "3"], tokenFrom: "/verwaltung/isek")
            let badProgramme = try await staff.post("/verwaltung/isek/programm", ["start_year": "2014", "horizon_years": "10", "consolidation_years": "12"], tokenFrom: "/verwaltung/isek")
            let page = try await staff.get("/verwaltung/isek")
            var visitor = Browser(app)
            let publicPage = try await visitor.get("/projekte")
            var anonymous = Browser(app)
            let refused = try await anonymous.post("/verwaltung/isek/ziele", ["field": field, "text": "Von außen"], tokenFrom: "/anmelden")

            #expect(goal.status == .seeOther && measure.status == .seeOther && moved.status == .seeOther && programme.status == .seeOther)
            #expect(twice.status == .badRequest && noField.status == .badRequest && badProgramme.status == .badRequest)
            #expect(try await IsekGoal.query(on: app.db).count() == 1)
            #expect(try await Measure.query(on: app.db).count() == 1)
            let fields = try await FieldOfAction.query(on: app.db).sort(\.$position).all()
            #expect(fields.map(\.name) == ["Beteiligung und Engagement", "Städtebau"] && fields.map(\.position) == [0, 1])
            #expect(page.body.string.contains("8.1 Verfügungsfonds") && page.body.string.contains("Alle reden mit."))
            let stored = try await Programme.current(on: app.db)
            #expect(stored.startYear == 2014 && stored.isekYear == 2018 && stored.consolidationYears == 3)
            #expect(publicPage.body.string.contains("2021–2023") && publicPage.body.string.contains("ab 2024"))
            #expect(refused.location?.hasPrefix("/anmelden") == true, "the visitor is sent to log in")
            #expect(try await IsekGoal.query(on: app.db).count() == 1)
        }
    }

    @Test("The demo district has its ISEK and projects across all phases, one of them a residents' initiative, one internal")
    func demo() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            let projects = try await Project.query(on: app.db).all()
            #expect(projects.count == 8)
            #expect(Set(projects.map(\.phase)) == Set(ProjectPhase.allCases))
            #expect(projects.contains { $0.isResidentsInitiative && $0.$leadPerson.id != nil })
            #expect(projects.contains { !$0.isPublic })
            #expect(try await Measure.query(on: app.db).count() == 10)
            let playground = try #require(projects.first { $0.title == DemoData.playgroundProjectTitle })
            var visitor = Browser(app)
            let page = try await visitor.get("/projekte/\(playground.id!.uuidString)")
            #expect(page.status == .ok && page.body.string.contains("Zukunftswerkstatt"))
            #expect(try await visitor.get("/projekte").status == .ok)
        }
    }
}
