import Fluent
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Gremien: committees, members, meetings and agendas")
struct CommitteeTests {
    @Test("The manager sets up a working group, seats two members and plans its next meeting with an agenda")
    func setUpCommittee() async throws {
        try await withQuartier { app in
            // setup
            try await app.makeUser("team@quartier.test", role: .staff)
            let school = Organisation(name: "Grundschule Beispiel", kind: .school)
            try await school.save(on: app.db)
            for (given, family, email) in [("Aylin", "Beispiel", "aylin@beispiel.example"), ("Mariam", "Probe", "mariam@beispiel.example")] {
                try await Person(givenName: given, familyName: family, email: email).save(on: app.db)
            }
            var staff = Browser(app)
            try await staff.login("team@quartier.test")

            // act
            let invalid = try await staff.post("/verwaltung/gremien/neu", ["name": "", "kind": "working-group", "notice_days": "200", "quorum_kind": "share", "quorum_value": "0"])
            let created = try await staff.post("/verwaltung/gremien/neu", ["name": "AK Test", "kind": "working-group", "is_public": "on",
                                                                          "notice_days": "7", "quorum_kind": "share", "quorum_value": "50"])
            let committee = try #require(try await Committee.query(on: app.db).first())
            let path = "/verwaltung/gremien/\(try committee.requireID().uuidString)"
            let first = try await staff.post(path + "/mitglieder", ["person": "Aylin Beispiel", "role": "chair", "voting": "on"])
            let second = try await staff.post(path + "/mitglieder", ["person": "mariam@beispiel.example", "organisation": "Grundschule Beispiel", "role": "member", "voting": "on"])
            let unknown = try await staff.post(path + "/mitglieder", ["person": "Niemand", "role": "member"])
            let badMeeting = try await staff.post(path + "/sitzungen", ["date": "2027-03-04", "start": "20:00", "end": "18:00", "place": "Büro"])
            let meeting = try await staff.post(path + "/sitzungen", ["date": "2027-03-04", "start": "18:00", "end": "20:00", "place": "Stadtteilbüro"])

            // check
            #expect(invalid.status == .badRequest)
            #expect(invalid.body.string.contains("Einladungsfrist muss zwischen 0 und 90 Tagen"))
            #expect(created.status == .seeOther)
            #expect(first.status == .seeOther && second.status == .seeOther)
            #expect(unknown.status == .badRequest)
            #expect(badMeeting.status == .badRequest)
            #expect(meeting.status == .seeOther)
            let page = try await staff.get(path).body.string
            #expect(page.contains("50 % der Stimmberechtigten, also 1 von 2"))
            #expect(page.contains("Grundschule Beispiel"))
            let saved = try #require(try await Meeting.query(on: app.db).first())
            #expect(BerlinTime.dateTime(saved.startsAt, .de) == "04.03.2027, 18:00 Uhr")

            let meetingPath = try #require(meeting.location)
            let item = try await staff.post(meetingPath + "/tagesordnung", ["title": "Stadtteilfest", "is_public": "on", "responsible": "Aylin Beispiel"])
            let secret = try await staff.post(meetingPath + "/tagesordnung", ["title": "Personalfragen"])
            #expect(item.status == .seeOther && secret.status == .seeOther)
            let items = try await AgendaItem.query(on: app.db).sort(\.$position).all()
            #expect(items.map(\.position) == [1, 2])
            #expect(items.map(\.isPublic) == [true, false])
            let meetingPage = try await staff.get(meetingPath).body.string
            #expect(meetingPage.contains("nicht öffentlich"))
            #expect(meetingPage.contains("(Aylin Beispiel)"))
        }
    }

    @Test("A meeting goes from planned to invited to held; skipping a step is refused")
    func meetingStates() async throws {
        try await withQuartier { app in
            try await app.makeUser("team@quartier.test", role: .staff)
            let committee = Committee(name: "Jury", kind: .jury, isPublic: false, noticeDays: 7, quorum: QuorumRule(kind: .count, value: 3))
            try await committee.save(on: app.db)
            let meeting = Meeting(committeeID: try committee.requireID(), startsAt: Date().addingTimeInterval(86_400), endsAt: Date().addingTimeInterval(90_000), place: "Büro")
            try await meeting.save(on: app.db)
            let path = "/verwaltung/sitzungen/\(try meeting.requireID().uuidString)"
            var staff = Browser(app)
            try await staff.login("team@quartier.test")

            #expect(try await staff.get(path).body.string.contains("Die Einladungsfrist ist nicht mehr einzuhalten."))
            #expect(try await staff.post(path + "/status", ["state": "held"]).status == .badRequest)
            #expect(try await staff.post(path + "/status", ["state": "invited"]).status == .seeOther)
            #expect(try await staff.post(path + "/status", ["state": "held"]).status == .seeOther)
            #expect(try await Meeting.find(meeting.requireID(), on: app.db)?.state == .held)
            let closed = try await staff.post(path + "/tagesordnung", ["title": "Nachtrag"])
            #expect(closed.status == .badRequest)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entityType == Meeting.auditType).count() == 2)
        }
    }
}

@Suite("Gremien: calendar feeds")
struct MeetingFeedTests {
    @Test("The feed holds the public committees' meetings with stable ids; a cancelled meeting says so and raises its sequence")
    func feed() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var resident = Browser(app)
            let before = try await resident.get("/gremien/sitzungen.ics")
            #expect(before.status == .ok)
            #expect(before.headers.contentType?.description.hasPrefix("text/calendar") == true)
            let text = before.body.string
            #expect(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin"))
            #expect(text.contains("SUMMARY:Sitzung: AK Stadtwald (Beispiel)"))
            #expect(!text.contains("Steuerungsgruppe"), "internal committees stay out")
            #expect(!text.contains("Personalangelegenheiten"), "non-public agenda items stay out")

            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$state == .planned).first())
            try await app.makeUser("team@quartier.test", role: .staff)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            let path = "/verwaltung/sitzungen/\(try meeting.requireID().uuidString)"
            #expect(try await staff.post(path + "/status", ["state": "cancelled"]).status == .seeOther)

            let after = try await resident.get("/gremien/sitzungen.ics").body.string
            let uid = "UID:meeting-\(try meeting.requireID().uuidString.lowercased())@quartier"
            #expect(text.contains(uid) && after.contains(uid))
            let event = try #require(after.components(separatedBy: "BEGIN:VEVENT").first { $0.contains(uid) })
            #expect(event.contains("STATUS:CANCELLED"))
            #expect(event.contains("SEQUENCE:1"))
        }
    }
}

@Suite("Gremien: public pages")
struct PublicCommitteeTests {
    @Test("Residents see public committees, members who consented, and public agenda items only")
    func publicPage() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var resident = Browser(app)

            let page = try await resident.get("/gremien")

            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("AK Stadtwald (Beispiel)"))
            #expect(!html.contains("Steuerungsgruppe"))
            #expect(html.contains("Aylin Beispiel (Mitglied)"))
            #expect(!html.contains("Mariam Probe"), "no consent to publish her name")
            #expect(html.contains("Stadtteilfest: Planung und Aufgaben"))
            #expect(!html.contains("Personalangelegenheiten"))
        }
    }
}

@Suite("Gremien: attendance, quorum and tasks")
struct MeetingWorkTests {
    @Test("Attendance gives the quorum; a task stays open across meetings until done and shows on the dashboard when overdue")
    func attendanceAndTasks() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var staff = Browser(app)
            try await staff.login(DemoData.staffEmail, password: DemoData.password)
            let committee = try #require(try await Committee.query(on: app.db).filter(\.$name == "AK Stadtwald (Beispiel)").first())
            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$committee.$id == committee.requireID()).filter(\.$state == .planned).first())
            let path = "/verwaltung/sitzungen/\(try meeting.requireID().uuidString)"

            let tooEarly = try await staff.post(path + "/anwesenheit", [:])
            #expect(tooEarly.status == .badRequest)
            #expect(try await staff.post(path + "/status", ["state": "invited"]).status == .seeOther)
            let voting = try await CommitteeMembership.query(on: app.db).filter(\.$committee.$id == committee.requireID()).filter(\.$votingRight == true).all()
            #expect(voting.count == 4)
            var form: [String: String] = [:]
            for member in voting.prefix(2) { form["status_\(member.$person.id.uuidString)"] = "present" }
            #expect(try await staff.post(path + "/anwesenheit", form).status == .seeOther)
            #expect(try await staff.get(path).body.string.contains("2 von 4 Stimmberechtigten anwesend (nötig: 3) – nicht beschlussfähig."))
            form["status_\(voting[2].$person.id.uuidString)"] = "present"
            #expect(try await staff.post(path + "/anwesenheit", form).status == .seeOther)
            #expect(try await staff.get(path).body.string.contains("3 von 4 Stimmberechtigten anwesend (nötig: 3) – beschlussfähig."))

            let item = try #require(try await AgendaItem.query(on: app.db).filter(\.$meeting.$id == meeting.requireID()).filter(\.$isPublic == true).first())
            let recordPath = "/verwaltung/tagesordnung/\(try item.requireID().uuidString)/protokoll"
            let badVotes = try await staff.post(recordPath, ["minutes": "Aussprache", "decision": "Das Fest findet statt.", "yes": "drei", "no": "0", "abstain": "0"], tokenFrom: path)
            #expect(badVotes.status == .badRequest)
            #expect(try await staff.post(recordPath, ["minutes": "Aussprache über das Fest.", "decision": "Das Fest findet am 12. Juni statt.",
                                                      "yes": "3", "no": "0", "abstain": "1"], tokenFrom: path).status == .seeOther)
            let recorded = try await staff.get(path).body.string
            #expect(recorded.contains("Das Fest findet am 12. Juni statt. – angenommen (3 Ja, 0 Nein, 1 Enthaltungen)"))
            #expect(try await AgendaItem.find(item.requireID(), on: app.db)?.votes == VoteCount(yes: 3, no: 0, abstain: 1))

            let task = try await staff.post(path + "/aufgaben", ["title": "Bank am Hang beantragen", "assignee": "Aylin Beispiel", "due_on": "2020-01-01"])
            #expect(task.status == .seeOther)
            let saved = try #require(try await CommitteeTask.query(on: app.db).filter(\.$title == "Bank am Hang beantragen").first())
            let overdueBefore = try await MeetingController.overdueTasks(on: app.db)
            #expect(saved.$person.id != nil, "a person from the directory is linked")
            #expect(try await staff.get("/verwaltung").body.string.contains("überfällige Aufgaben aus Gremien"))
            let later = Meeting(committeeID: try committee.requireID(), startsAt: Date().addingTimeInterval(90 * 86_400), endsAt: Date().addingTimeInterval(90 * 86_400 + 7200), place: "Büro")
            try await later.save(on: app.db)
            let laterPage = try await staff.get("/verwaltung/sitzungen/\(try later.requireID().uuidString)").body.string
            #expect(laterPage.contains("Bank am Hang beantragen"), "open tasks reach the next meeting")

            #expect(try await staff.post("/verwaltung/aufgaben/\(try saved.requireID().uuidString)/erledigt", [:], tokenFrom: path).status == .seeOther)
            #expect(!(try await staff.get("/verwaltung/sitzungen/\(try later.requireID().uuidString)").body.string.contains("Bank am Hang beantragen")))
            #expect(try await MeetingController.overdueTasks(on: app.db) == overdueBefore - 1)
        }
    }
}

@Suite("Gremien: invitations")
struct InvitationTests {
    @Test("The invitation reaches every current member by mail, with the agenda and the meeting as an .ics file")
    func invite() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            let marker = "einladung-\(UUID().uuidString.prefix(6).lowercased())@quartier.test"
            let committee = try #require(try await Committee.query(on: app.db).filter(\.$name == "AK Stadtwald (Beispiel)").first())
            let member = Person(givenName: "Test", familyName: "Empfängerin", email: marker)
            try await member.save(on: app.db)
            try await CommitteeMembership(committeeID: try committee.requireID(), personID: try member.requireID(), organisationID: nil,
                                          role: .member, votingRight: true, from: nil).save(on: app.db)
            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$committee.$id == committee.requireID()).filter(\.$state == .planned).first())
            var staff = Browser(app)
            try await staff.login(DemoData.staffEmail, password: DemoData.password)
            let path = "/verwaltung/sitzungen/\(try meeting.requireID().uuidString)"

            let sent = try await staff.post(path + "/einladung", [:], tokenFrom: path)
            try await app.jobRunner.runUntilIdle()

            #expect(sent.status == .seeOther)
            #expect(try await staff.get(path).body.string.contains("Die Einladung liegt für 7 Mitglieder im Postausgang."))
            let updated = try #require(try await Meeting.find(meeting.requireID(), on: app.db))
            #expect(updated.state == .invited)
            #expect(updated.sequence == 1)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$purpose == "invitation").filter(\.$state == .sent).count() == 7)
            var arrived: [String] = []
            for _ in 0..<50 where arrived.isEmpty {
                arrived = MailSink.messages(containing: marker)
                if arrived.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            let message = try #require(arrived.first)
            #expect(message.contains("multipart/mixed"))
            #expect(message.contains("filename=\"sitzung.ics\""))
            #expect(message.contains("BEGIN:VCALENDAR"))
            #expect(message.contains("SEQUENCE:1"))
            #expect(message.contains("Stadtteilfest: Planung und Aufgaben"))
        }
    }
}
