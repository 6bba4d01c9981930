import Fluent
import SQLKit
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Privacy: data access and erasure")
struct PrivacyTests {
    /// Every text value in every table, to prove that something is gone from the whole database.
    static func everyText(_ app: Application) async throws -> String {
        let sql = try #require(app.db as? any SQLDatabase)
        let tables = [User.schema, AuditEntry.schema, PortalSettings.schema, SiteText.schema, Feedback.schema, Job.schema, OutboxMail.schema,
                      FieldOfAction.schema, Topic.schema, Organisation.schema, OrganisationTopic.schema, Person.schema, PersonTopic.schema,
                      PersonFunction.schema, Consent.schema, Contact.schema, ContactPerson.schema, ContactOrganisation.schema, ContactTopic.schema,
                      Committee.schema, CommitteeMembership.schema, Meeting.schema, AgendaItem.schema, Attendance.schema, CommitteeTask.schema,
                      FundApplication.schema, Concern.schema]
        var text = ""
        for table in tables {
            for row in try await sql.select().column("*").from(table).all() {
                for column in row.allColumns {
                    if let value = try? row.decode(column: column, as: String?.self) { text += (value ?? "") + "\n" }
                }
            }
        }
        return text
    }

    @Test("An admin sees everything stored about a person, as a page and as JSON")
    func dataAccess() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var admin = Browser(app)
            try await admin.login(DemoData.adminEmail, password: DemoData.password)
            let aylin = try #require(try await Person.query(on: app.db).filter(\.$email == "aylin.beispiel@mieterbeirat.example").first())
            let path = "/verwaltung/admin/personen/\(try aylin.requireID().uuidString)/auskunft"

            let page = try await admin.get(path)
            let json = try await admin.get(path + ".json")

            #expect(page.status == .ok)
            #expect(page.body.string.contains("Mieterversammlung Am Beispielhang"))
            let report = try JSONDecoder().decode(PrivacyController.Report.self, from: json.body)
            #expect(report.email == "aylin.beispiel@mieterbeirat.example")
            #expect(report.functions.map(\.title) == ["Vorsitzende"])
            #expect(report.consents.map(\.purpose).sorted() == ["contact", "name-published", "newsletter"])
            #expect(!report.contacts.isEmpty)
            // Her application to the fund, made under another e-mail address, is found by her name; the page shows it too.
            #expect(report.fundApplications.map(\.title) == ["Sprachcafé für Nachbarinnen (Beispiel)"])
            #expect(page.body.string.contains("Sprachcafé für Nachbarinnen (Beispiel): 450,00"))
            var staff = Browser(app)
            try await staff.login(DemoData.staffEmail, password: DemoData.password)
            #expect(try await staff.get(path).status == .forbidden)
        }
    }

    @Test("After erasure the person's name and e-mail appear nowhere in the database, and counts stay right")
    func erasure() async throws {
        try await withQuartier { app in
            // setup
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var admin = Browser(app)
            try await admin.login(DemoData.adminEmail, password: DemoData.password)
            let aylin = try #require(try await Person.query(on: app.db).filter(\.$email == "aylin.beispiel@mieterbeirat.example").first())
            let id = try aylin.requireID()
            let personPath = "/verwaltung/personen/\(id.uuidString)"
            // Her name also went into a note and into the audit log through an edit.
            let edited = try await admin.post(personPath + "/bearbeiten", ["given_name": "Aylin", "family_name": "Beispiel",
                                                                           "email": "aylin.beispiel@mieterbeirat.example", "note": "Ruft abends an."])
            #expect(edited.status == .seeOther)
            let noted = try await admin.post("/verwaltung/kontakte/neu", ["kind": "call", "happened_on": CalendarDate.iso(CalendarDate.today()),
                                                                         "subject": "Rückruf Aylin Beispiel", "persons": "aylin.beispiel@mieterbeirat.example"])
            #expect(noted.status == .seeOther)
            // A mail that reached her and one still waiting to be sent.
            try await OutboxMail.enqueue(to: "aylin.beispiel@mieterbeirat.example", subject: "Einladung", body: "Liebe Aylin Beispiel",
                                         purpose: "invitation", on: app.db)
            try await OutboxMail.query(on: app.db).filter(\.$subject == "Einladung").set(\.$state, to: .sent).update()
            let waiting = try await OutboxMail.enqueue(to: "Aylin.Beispiel@mieterbeirat.example", subject: "Protokoll", body: "Liebe Aylin Beispiel",
                                                       purpose: "minutes", on: app.db)
            // She applied to the neighbourhood fund, with her phone number.
            let fund = try #require(try await Fund.query(on: app.db).first())
            let application = FundApplication(fundID: try fund.requireID(), applicantName: "Aylin Beispiel", groupName: "Mieterbeirat",
                                              email: "aylin.beispiel@mieterbeirat.example", phone: "0641 99 88 77", locale: .de, title: "Hoffest 2027",
                                              aim: "Nachbarn kennenlernen", targetGroup: "alle", partners: "", requestedCents: 45_000, publicConsent: false)
            try await application.create(on: app.db)
            let report = try await admin.get("/verwaltung/admin/personen/\(id.uuidString)/auskunft")
            #expect(report.body.string.contains("Hoffest 2027: 450,00"))
            #expect(report.body.string.contains("0641 99 88 77"))
            let contactsBefore = try await Contact.query(on: app.db).count()
            let herContacts = try await ContactPerson.query(on: app.db).filter(\.$person.$id == id).count()
            #expect(try await Self.everyText(app).contains("Aylin Beispiel"))

            // act
            let erased = try await admin.post("/verwaltung/admin/personen/\(id.uuidString)/loeschen", [:],
                                              tokenFrom: "/verwaltung/admin/personen/\(id.uuidString)/loeschen")

            // check
            #expect(erased.status == .seeOther)
            let everything = try await Self.everyText(app)
            #expect(!everything.contains("Aylin Beispiel"))
            #expect(!everything.contains("aylin.beispiel@mieterbeirat.example"))
            #expect(try await Person.find(id, on: app.db) == nil)
            #expect(try await Contact.query(on: app.db).count() == contactsBefore)
            let erasedSum = try await Contact.query(on: app.db).all().map(\.erasedParticipants).reduce(0, +)
            #expect(erasedSum == herContacts)
            let entry = try #require(try await AuditEntry.query(on: app.db).filter(\.$entityID == id.uuidString).first())
            #expect(entry.action == .delete)
            #expect(entry.decodedChanges.isEmpty)
            #expect(try await Consent.query(on: app.db).filter(\.$person.$id == id).count() == 0)
            let unsent = try #require(try await OutboxMail.find(waiting.requireID(), on: app.db))
            #expect(unsent.state == .failed)
            #expect(try await Job.query(on: app.db).filter(\.$payload == waiting.requireID().uuidString).count() == 0)
            // The application stays for the fund's accounts, without her name, address and phone.
            let kept = try #require(try await FundApplication.find(application.id, on: app.db))
            #expect(kept.title == "Hoffest 2027" && kept.requestedCents == 45_000)
            #expect(kept.email.isEmpty && kept.phone.isEmpty && kept.applicantName == "[gelöscht]")
            #expect(!everything.contains("0641 99 88 77"))
        }
    }
}
