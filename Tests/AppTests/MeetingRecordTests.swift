import Fluent
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

/// Documents, the next meeting, minutes approval and who sees what.
@Suite("Gremien: documents, follow-up meetings, minutes approval and visibility")
struct MeetingRecordTests {
    /// Two committees: the public AK with Aylin, the internal jury with Mariam. The AK met 30 days ago (public item
    /// with minutes and a decision, non-public item) and meets again in ten days; the jury meets in five days.
    struct District {
        let ak: Committee
        let jury: Committee
        let held: Meeting
        let next: Meeting
        let juryMeeting: Meeting
        let publicItem: AgendaItem
        let secretItem: AgendaItem
        let juryItem: AgendaItem
        let aylin: Person
        let mariam: Person

        static func make(_ app: Application) async throws -> District {
            let aylin = Person(givenName: "Aylin", familyName: "Beispiel", email: "aylin@beispiel.example")
            let mariam = Person(givenName: "Mariam", familyName: "Probe", email: "mariam@beispiel.example")
            try await [aylin, mariam].create(on: app.db)
            let ak = Committee(name: "AK Hang", kind: .workingGroup, isPublic: true, noticeDays: 7, quorum: QuorumRule(kind: .count, value: 1))
            let jury = Committee(name: "Jury Fonds", kind: .jury, isPublic: false, noticeDays: 7, quorum: QuorumRule(kind: .count, value: 1))
            try await [ak, jury].create(on: app.db)
            try await CommitteeMembership(committeeID: try ak.requireID(), personID: try aylin.requireID(), organisationID: nil, role: .member, votingRight: true, from: nil).create(on: app.db)
            try await CommitteeMembership(committeeID: try jury.requireID(), personID: try mariam.requireID(), organisationID: nil, role: .chair, votingRight: true, from: nil).create(on: app.db)
            let day = 86_400.0
            let held = Meeting(committeeID: try ak.requireID(), startsAt: Date().addingTimeInterval(-30 * day), endsAt: Date().addingTimeInterval(-30 * day + 7200),
                               place: "Stadtteilbüro", state: .held)
            let next = Meeting(committeeID: try ak.requireID(), startsAt: Date().addingTimeInterval(10 * day), endsAt: Date().addingTimeInterval(10 * day + 7200),
                               place: "Stadtteilbüro", state: .invited)
            let juryMeeting = Meeting(committeeID: try jury.requireID(), startsAt: Date().addingTimeInterval(5 * day), endsAt: Date().addingTimeInterval(5 * day + 3600),
                                      place: "Rathaus", state: .invited)
            try await [held, next, juryMeeting].create(on: app.db)
            let publicItem = AgendaItem(meetingID: try held.requireID(), position: 1, title: "Spielplatz am Hang", isPublic: true)
            publicItem.minutes = "Drei Geräte sind gesperrt."
            publicItem.decisionText = "Der AK bittet um neue Geräte."
            (publicItem.votesYes, publicItem.votesNo, publicItem.votesAbstain) = (4, 1, 0)
            let secretItem = AgendaItem(meetingID: try held.requireID(), position: 2, title: "Personalfrage Jugendtreff", isPublic: false)
            secretItem.minutes = "Vertraulich besprochen."
            let openItem = AgendaItem(meetingID: try held.requireID(), position: 3, title: "Bank an der Haltestelle", text: "Vertagt.", isPublic: true)
            let juryItem = AgendaItem(meetingID: try juryMeeting.requireID(), position: 1, title: "Antrag Nachbarschaftsgarten", isPublic: false)
            try await [publicItem, secretItem, openItem, juryItem].create(on: app.db)
            return District(ak: ak, jury: jury, held: held, next: next, juryMeeting: juryMeeting, publicItem: publicItem, secretItem: secretItem,
                            juryItem: juryItem, aylin: aylin, mariam: mariam)
        }
    }

    static let pdf = Data(DemoData.minimalPDF("Protokoll").utf8)

    @Test("Staff attach PDF and office documents; other types, renamed files, empty and oversized uploads are refused and change nothing")
    func uploads() async throws {
        try await withQuartier { app in
            // setup
            let district = try await District.make(app)
            try await app.makeUser("team@quartier.test", role: .staff)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            let meetingPath = "/verwaltung/sitzungen/\(try district.held.requireID().uuidString)"
            let uploadPath = "/verwaltung/tagesordnung/\(try district.publicItem.requireID().uuidString)/dateien"

            // act
            let accepted = try await staff.upload(uploadPath, field: "file", filename: "Begehung.pdf", data: Self.pdf, tokenFrom: meetingPath)
            let program = try await staff.upload(uploadPath, field: "file", filename: "setup.exe", data: Data([0x4D, 0x5A, 0x90, 0]), tokenFrom: meetingPath)
            let renamed = try await staff.upload(uploadPath, field: "file", filename: "foto.pdf", data: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A]), tokenFrom: meetingPath)
            let empty = try await staff.upload(uploadPath, field: "file", filename: "leer.pdf", data: Data(), tokenFrom: meetingPath)
            var big = Data("%PDF-1.4\n".utf8)
            big.append(Data(repeating: 0x20, count: DocumentType.maximumSize))
            let oversized = try await staff.upload(uploadPath, field: "file", filename: "gross.pdf", data: big, tokenFrom: meetingPath)

            // check
            #expect(accepted.status == .seeOther)
            #expect(program.status == .badRequest)
            #expect(program.body.string.contains("„setup.exe“ ist kein erlaubtes Dokument"))
            #expect(renamed.status == .badRequest)
            #expect(renamed.body.string.contains("„foto.pdf“ ist kein erlaubtes Dokument"))
            #expect(empty.status == .badRequest)
            #expect(empty.body.string.contains("Bitte wählen Sie eine Datei aus."))
            #expect(oversized.status == .badRequest)
            #expect(oversized.body.string.contains("Die Datei ist zu groß. Erlaubt sind höchstens 10 MB."))
            let files = try await AgendaFile.query(on: app.db).all()
            #expect(files.map(\.filename) == ["Begehung.pdf"])
            #expect(try await FileContent.query(on: app.db).count() == 1)
            let file = try #require(files.first)
            #expect(file.mimeType == "application/pdf" && file.size == Self.pdf.count)

            let page = try await staff.get(meetingPath).body.string
            #expect(page.contains("Begehung.pdf"))
            let download = try await staff.get("/dateien/\(try file.requireID().uuidString)")
            #expect(download.status == .ok)
            #expect(download.headers.contentType?.serialize() == "application/pdf")
            #expect(download.headers.first(name: .contentDisposition)?.contains("attachment; filename=\"Begehung.pdf\"") == true)
            #expect(Data(buffer: download.body) == Self.pdf)

            let removed = try await staff.post("/verwaltung/dateien/\(try file.requireID().uuidString)/loeschen", [:], tokenFrom: meetingPath)
            #expect(removed.status == .seeOther)
            #expect(try await AgendaFile.query(on: app.db).count() == 0)
            #expect(try await FileContent.query(on: app.db).count() == 0)
        }
    }

    @Test("A meeting that ran past midnight gets its follow-up at the same hour and for the same length")
    func followUpPastMidnight() async throws {
        try await withQuartier { app in
            // setup
            let district = try await District.make(app)
            try await app.makeUser("team@quartier.test", role: .staff)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            let today = CalendarDate.today()
            let start = try #require(MeetingTimes.moment(date: CalendarDate.iso(CalendarDate.daysAfter(-30, today)), time: "23:00"))
            let late = Meeting(committeeID: district.held.$committee.id, startsAt: start, endsAt: start.addingTimeInterval(7200),
                               place: "Stadtteilbüro", state: .held)
            try await late.create(on: app.db)

            // act
            let created = try await staff.post("/verwaltung/sitzungen/\(try late.requireID().uuidString)/folgesitzung",
                                               ["date": CalendarDate.iso(CalendarDate.daysAfter(7, today))])

            // check
            #expect(created.status == .seeOther)
            let location = try #require(created.location)
            let id = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
            let next = try #require(try await Meeting.find(id, on: app.db))
            #expect(BerlinTime.time(next.startsAt, .de) == "23:00")
            #expect(next.endsAt.timeIntervalSince(next.startsAt) == 7200)
        }
    }

    @Test("The next meeting is one action: same committee, place and hours, the approval of the minutes first, open items carried over")
    func followUp() async throws {
        try await withQuartier { app in
            // setup
            let district = try await District.make(app)
            try await app.makeUser("team@quartier.test", role: .staff)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            let path = "/verwaltung/sitzungen/\(try district.held.requireID().uuidString)"
            let page = try await staff.get(path).body.string
            let suggested = try #require(Browser.inputValue(id: "follow-up-date", in: page))
            let before = try await Meeting.query(on: app.db).count()

            // act
            let tooEarly = try await staff.post(path + "/folgesitzung", ["date": "2020-01-01"])
            let nonsense = try await staff.post(path + "/folgesitzung", ["date": "morgen"])
            #expect(try await Meeting.query(on: app.db).count() == before, "a refused date creates nothing")
            let created = try await staff.post(path + "/folgesitzung", ["date": suggested])

            // check
            #expect(tooEarly.status == .badRequest && nonsense.status == .badRequest)
            #expect(tooEarly.body.string.contains("ein Datum nach dieser Sitzung"))
            #expect(created.status == .seeOther)
            let location = try #require(created.location)
            let id = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
            let next = try #require(try await Meeting.find(id, on: app.db))
            #expect(next.$committee.id == district.held.$committee.id)
            #expect(next.place == district.held.place)
            #expect(BerlinTime.time(next.startsAt, .de) == BerlinTime.time(district.held.startsAt, .de))
            #expect(abs(next.endsAt.timeIntervalSince(next.startsAt) - district.held.endsAt.timeIntervalSince(district.held.startsAt)) < 60)
            #expect(CalendarDate.iso(CalendarDate.day(of: next.startsAt)) == suggested)
            #expect(next.state == .planned)
            let items = try await AgendaItem.query(on: app.db).filter(\.$meeting.$id == id).sort(\.$position).all()
            #expect(items.map(\.title) == ["Genehmigung des Protokolls der Sitzung vom \(BerlinTime.date(district.held.startsAt, .de))", "Bank an der Haltestelle"])
            #expect(items.map(\.position) == [1, 2])
            #expect(items.last?.text == "Vertagt.")
            #expect(try await staff.get(location).body.string.contains("Die Folgesitzung ist angelegt. 1 offene Punkte wurden übernommen."))
        }
    }

    @Test("Minutes are a draft until a following meeting approves them; then they are fixed and their public part is published, also in OParl")
    func approval() async throws {
        try await withQuartier { app in
            // setup
            let district = try await District.make(app)
            try await app.makeUser("team@quartier.test", role: .staff)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            var visitor = Browser(app)
            let heldID = try district.held.requireID().uuidString
            let publicPage = "/gremien/sitzungen/\(heldID)"
            let oparlItem = "/oparl/v1/agendaitem/\(try district.publicItem.requireID().uuidString.lowercased())"
            let draft = try await visitor.get(publicPage).body.string
            #expect(draft.contains("Spielplatz am Hang"))
            #expect(!draft.contains("Drei Geräte sind gesperrt."), "draft minutes are not public")
            #expect(!draft.contains("Der AK bittet um neue Geräte."))
            #expect(!(try await visitor.get(oparlItem).body.string.contains("resolutionText")))

            // act
            let fromEarlier = try await staff.post("/verwaltung/sitzungen/\(heldID)/protokoll-genehmigen", ["meeting": heldID])
            let nextPath = "/verwaltung/sitzungen/\(try district.next.requireID().uuidString)"
            #expect(try await staff.get(nextPath).body.string.contains("Protokoll der letzten Sitzung"))
            let approved = try await staff.post(nextPath + "/protokoll-genehmigen", ["meeting": heldID])
            let twice = try await staff.post(nextPath + "/protokoll-genehmigen", ["meeting": heldID])
            let edit = try await staff.post("/verwaltung/tagesordnung/\(try district.publicItem.requireID().uuidString)/protokoll",
                                            ["minutes": "Nachträglich geändert.", "decision": ""], tokenFrom: nextPath)

            // check
            #expect(fromEarlier.status == .badRequest, "a meeting cannot approve its own minutes")
            #expect(approved.status == .seeOther)
            #expect(twice.status == .badRequest)
            #expect(edit.status == .badRequest)
            #expect(edit.body.string.contains("bereits genehmigt"))
            let item = try #require(try await AgendaItem.find(district.publicItem.requireID(), on: app.db))
            #expect(item.minutes == "Drei Geräte sind gesperrt.", "approved minutes do not change")
            let held = try #require(try await Meeting.find(district.held.requireID(), on: app.db))
            #expect(held.approvedInMeetingID == district.next.id)
            let committees = try await visitor.get("/gremien").body.string
            #expect(committees.contains(publicPage) && committees.contains("Protokoll veröffentlicht"), "the held meeting is listed with its minutes")
            let published = try await visitor.get(publicPage).body.string
            #expect(published.contains("Drei Geräte sind gesperrt."))
            #expect(published.contains("Der AK bittet um neue Geräte. – angenommen (4 Ja, 1 Nein, 0 Enthaltungen)"))
            #expect(published.contains("genehmigt in der Sitzung vom \(BerlinTime.date(district.next.startsAt, .de))"))
            #expect(!published.contains("Personalfrage Jugendtreff"), "non-public items stay out")
            #expect(!published.contains("Vertraulich besprochen."))
            let json = try await visitor.get(oparlItem).body.string
            #expect(json.contains("\"resolutionText\":\"Der AK bittet um neue Geräte.\""))
            #expect(json.contains("\"result\":\"angenommen\""))
        }
    }

    @Test("A member sees the internal material and her own tasks of her committee, and nothing of another committee")
    func visibility() async throws {
        try await withQuartier { app in
            // setup
            let district = try await District.make(app)
            let member = try await app.makeUser("aylin@beispiel.example", role: .member)
            member.personID = try district.aylin.requireID()
            try await member.save(on: app.db)
            try await app.makeUser("unlinked@beispiel.example", role: .member)
            let juryFile = AgendaFile(itemID: try district.juryItem.requireID(), filename: "Antrag.pdf", type: .pdf, bytes: Array(Self.pdf))
            let akFile = AgendaFile(itemID: try district.secretItem.requireID(), filename: "Intern.pdf", type: .pdf, bytes: Array(Self.pdf))
            let publicFile = AgendaFile(itemID: try district.publicItem.requireID(), filename: "Plan.pdf", type: .pdf, bytes: Array(Self.pdf))
            for file in [juryFile, akFile, publicFile] {
                try await file.create(on: app.db)
                try await FileContent(id: try file.requireID(), data: Self.pdf).create(on: app.db)
            }
            let own = CommitteeTask(committeeID: try district.ak.requireID(), meetingID: district.held.id, title: "Bänke zählen", assignee: "Aylin Beispiel",
                                    personID: district.aylin.id, dueOn: nil)
            let other = CommitteeTask(committeeID: try district.jury.requireID(), meetingID: district.juryMeeting.id, title: "Gartenantrag prüfen",
                                      assignee: "Mariam Probe", personID: district.mariam.id, dueOn: nil)
            try await [own, other].create(on: app.db)
            var aylin = Browser(app)
            try await aylin.login("aylin@beispiel.example")
            var visitor = Browser(app)

            // act
            let home = try await aylin.get("/mein-bereich").body.string
            let akPage = try await aylin.get("/mein-bereich/gremien/\(try district.ak.requireID().uuidString)")
            let akMeeting = try await aylin.get("/mein-bereich/sitzungen/\(try district.held.requireID().uuidString)")
            let juryPage = try await aylin.get("/mein-bereich/gremien/\(try district.jury.requireID().uuidString)")
            let juryMeeting = try await aylin.get("/mein-bereich/sitzungen/\(try district.juryMeeting.requireID().uuidString)")
            let juryDownload = try await aylin.get("/dateien/\(try juryFile.requireID().uuidString)")
            let akDownload = try await aylin.get("/dateien/\(try akFile.requireID().uuidString)")
            let othersTask = try await aylin.post("/mein-bereich/aufgaben/\(try other.requireID().uuidString)/erledigt", [:], tokenFrom: "/mein-bereich")
            let ownTask = try await aylin.post("/mein-bereich/aufgaben/\(try own.requireID().uuidString)/erledigt", [:], tokenFrom: "/mein-bereich")

            // check
            #expect(home.contains("AK Hang"))
            #expect(!home.contains("Jury Fonds"))
            #expect(home.contains("Bänke zählen"))
            #expect(!home.contains("Gartenantrag prüfen"))
            #expect(akPage.status == .ok)
            #expect(akMeeting.status == .ok)
            #expect(akMeeting.body.string.contains("Personalfrage Jugendtreff"), "members see non-public items")
            #expect(akMeeting.body.string.contains("Vertraulich besprochen."))
            #expect(akMeeting.body.string.contains("Entwurf"))
            #expect(juryPage.status == .notFound)
            #expect(juryMeeting.status == .notFound)
            #expect(!juryMeeting.body.string.contains("Antrag Nachbarschaftsgarten"))
            #expect(juryDownload.status == .notFound)
            #expect(akDownload.status == .ok)
            #expect(othersTask.status == .notFound)
            #expect(ownTask.status == .seeOther)
            #expect(try await CommitteeTask.find(other.requireID(), on: app.db)?.doneAt == nil)
            #expect(try await CommitteeTask.find(own.requireID(), on: app.db)?.doneAt != nil)
            #expect(try await aylin.get("/verwaltung/sitzungen/\(try district.held.requireID().uuidString)").status == .forbidden)

            // The public sees public items and their files of public committees only.
            #expect(try await visitor.get("/dateien/\(try publicFile.requireID().uuidString)").status == .ok)
            #expect(try await visitor.get("/dateien/\(try akFile.requireID().uuidString)").status == .notFound)
            #expect(try await visitor.get("/dateien/\(try juryFile.requireID().uuidString)").status == .notFound)
            #expect(try await visitor.get("/gremien/sitzungen/\(try district.juryMeeting.requireID().uuidString)").status == .notFound)
            let publicAK = try await visitor.get("/gremien/sitzungen/\(try district.held.requireID().uuidString)").body.string
            #expect(publicAK.contains("Plan.pdf") && !publicAK.contains("Intern.pdf") && !publicAK.contains("Personalfrage"))
            #expect(try await visitor.get("/mein-bereich").status == .seeOther, "the member area needs a login")

            // A member account without a person sees a clear note, and no committee.
            var unlinked = Browser(app)
            try await unlinked.login("unlinked@beispiel.example")
            let lonely = try await unlinked.get("/mein-bereich").body.string
            #expect(lonely.contains("noch keiner Person im Adressbuch zugeordnet"))
            #expect(try await unlinked.get("/mein-bereich/gremien/\(try district.ak.requireID().uuidString)").status == .notFound)
        }
    }

    @Test("Admins link an account to a person by name or e-mail; a member is linked by her e-mail address when the field is empty")
    func linkAccount() async throws {
        try await withQuartier { app in
            let district = try await District.make(app)
            try await app.makeUser("admin@quartier.test", role: .admin)
            var admin = Browser(app)
            try await admin.login("admin@quartier.test")
            let form = ["name": "Aylin Beispiel", "email": "aylin@beispiel.example", "role": "member", "active": "on",
                        "password": "ein langes Passwort", "repeated": "ein langes Passwort"]
            let unknown = try await admin.post("/verwaltung/admin/benutzer/neu", form.merging(["person": "Niemand Bekannt"]) { $1 })
            #expect(unknown.status == .badRequest)
            #expect(try await User.query(on: app.db).filter(\.$email == "aylin@beispiel.example").count() == 0)
            let created = try await admin.post("/verwaltung/admin/benutzer/neu", form)
            #expect(created.status == .seeOther)
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "aylin@beispiel.example").first())
            #expect(user.personID == district.aylin.id)
            let relinked = try await admin.post("/verwaltung/admin/benutzer/\(try user.requireID().uuidString)",
                                                ["name": "Aylin Beispiel", "email": "aylin@beispiel.example", "role": "member", "active": "on", "person": "Mariam Probe"])
            #expect(relinked.status == .seeOther)
            #expect(try await User.find(user.requireID(), on: app.db)?.personID == district.mariam.id)
        }
    }
}
