import Fluent
import QuartierCore
import Vapor

/// The demo district's committees: the steering group, the working group AK Stadtwald and the fund's jury,
/// with members and meetings before and after today.
extension DemoData {
    static func loadCommittees(scale: Scale, on db: any Database) async throws {
        let persons = try await Person.query(on: db).all()
        let organisations = try await Organisation.query(on: db).all()
        func person(_ email: String) throws -> UUID { try persons.first { $0.email == email }!.requireID() }
        func organisation(_ prefix: String) -> UUID? { organisations.first { $0.name.hasPrefix(prefix) }?.id }

        let steering = Committee(name: "Steuerungsgruppe Soziale Stadt (Beispiel)", kind: .steering, isPublic: false, noticeDays: 14,
                                 quorum: QuorumRule(kind: .share, value: 50))
        steering.description = "Stadtplanung, Jugendamt, Träger und Quartiersmanagement steuern gemeinsam die Umsetzung des ISEK."
        let workingGroup = Committee(name: "AK Stadtwald (Beispiel)", kind: .workingGroup, isPublic: true, noticeDays: 7,
                                     quorum: QuorumRule(kind: .count, value: 3))
        workingGroup.description = "Trifft sich alle zwei Monate, moderiert von der Stadtplanung und dem Quartiersmanagement. Einmal im Jahr als öffentlicher Runder Tisch."
        let jury = Committee(name: "Jury Verfügungsfonds (Beispiel)", kind: .jury, isPublic: false, noticeDays: 7, quorum: QuorumRule(kind: .share, value: 60))
        jury.description = "Bewohnerinnen und Bewohner entscheiden über Anträge an den Verfügungsfonds oberhalb der Grenze des Quartiersmanagements."
        // A public working group that was dissolved: OParl clients that synchronise learn of it as deleted.
        let dissolved = Committee(name: "AG Lärmschutz (Beispiel, aufgelöst)", kind: .workingGroup, isPublic: true, noticeDays: 7,
                                  quorum: QuorumRule(kind: .count, value: 3))
        try await [steering, workingGroup, jury, dissolved].create(on: db)
        try await dissolved.delete(on: db)

        let start = CalendarDate.monthsBefore(24, CalendarDate.today())
        let seats: [(Committee, String, String?, CommitteeMembership.Role, Bool)] = [
            (steering, "s.probe@stadt.example", "Stadt Marburg (Beispiel) – Fachdienst", .chair, true),
            (steering, "a.exempel@stadt.example", "Stadt Marburg (Beispiel) – Jugendamt", .member, true),
            (steering, "k.muster@ortsbeirat.example", "Ortsbeirat", .member, true),
            (workingGroup, "s.probe@stadt.example", "Stadt Marburg (Beispiel) – Fachdienst", .moderation, false),
            (workingGroup, "aylin.beispiel@mieterbeirat.example", "Mieterbeirat", .member, true),
            (workingGroup, "m.probe@schule.example", "Grundschule", .member, true),
            (workingGroup, "h.demo@moschee.example", "Moscheeverein", .member, true),
            (workingGroup, "l.erfunden@jugendtreff.example", "Jugendtreff", .member, true),
            (workingGroup, "j.muster@gewobau.example", "GeWoBau", .guest, false),
            (jury, "aylin.beispiel@mieterbeirat.example", nil, .chair, true),
            (jury, "fatma.b@seniorentreff.example", nil, .member, true),
            (jury, "t.demo@umwelt.example", nil, .member, true),
        ]
        var memberships: [CommitteeMembership] = []
        for (committee, email, organisationPrefix, role, voting) in seats {
            memberships.append(CommitteeMembership(committeeID: try committee.requireID(), personID: try person(email),
                                                   organisationID: organisationPrefix.flatMap(organisation), role: role, votingRight: voting, from: start))
        }
        try await memberships.create(on: db)

        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        func at(daysFromToday days: Int, hour: Int) -> Date {
            let day = berlin.date(byAdding: .day, value: days, to: berlin.startOfDay(for: Date()))!
            return berlin.date(bySettingHour: hour, minute: 0, second: 0, of: day)!
        }
        let earlier = Meeting(committeeID: try workingGroup.requireID(), startsAt: at(daysFromToday: -100, hour: 18), endsAt: at(daysFromToday: -100, hour: 20),
                              place: "Stadtteilbüro, Am Beispielhang 12", state: .held)
        let past = Meeting(committeeID: try workingGroup.requireID(), startsAt: at(daysFromToday: -40, hour: 18), endsAt: at(daysFromToday: -40, hour: 20),
                           place: "Stadtteilbüro, Am Beispielhang 12", state: .held)
        // The minutes of the earlier meeting were approved at the last one; the last one's are still a draft.
        earlier.minutesApprovedAt = at(daysFromToday: -40, hour: 20)
        earlier.approvedInMeetingID = past.id
        let next = Meeting(committeeID: try workingGroup.requireID(), startsAt: at(daysFromToday: 20, hour: 18), endsAt: at(daysFromToday: 20, hour: 20),
                           place: "Gemeindesaal Beispielkirche, Kirchgasse 5")
        let steeringMeeting = Meeting(committeeID: try steering.requireID(), startsAt: at(daysFromToday: 10, hour: 10), endsAt: at(daysFromToday: 10, hour: 12),
                                      place: "Rathaus, Raum 2.14", state: .invited)
        try await [earlier, past, next, steeringMeeting].create(on: db)
        let items: [(Meeting, String, Bool)] = [
            (earlier, "Begrüßung", true), (earlier, "Verfügungsfonds: Bericht der Jury", true), (earlier, "Spielplatz am Hang: Beschluss zur Begehung", true),
            (past, "Begrüßung und Protokoll der letzten Sitzung", true), (past, "Bericht des Quartiersmanagements", true),
            (past, "Spielplatz am Hang: Ergebnisse der Begehung", true),
            (next, "Begrüßung und Genehmigung des Protokolls", true), (next, "Stadtteilfest: Planung und Aufgaben", true),
            (next, "Barrierefreier Weg zur Haltestelle – Stand der Prüfung", true), (next, "Personalangelegenheiten Jugendtreff", false),
            (steeringMeeting, "Stand der ISEK-Maßnahmen", true), (steeringMeeting, "Haushalt und Fördermittel", false),
        ]
        var positions: [UUID: Int] = [:]
        var rows: [AgendaItem] = []
        for (meeting, title, isPublic) in items {
            let id = try meeting.requireID()
            positions[id, default: 0] += 1
            rows.append(AgendaItem(meetingID: id, position: positions[id]!, title: title, isPublic: isPublic))
        }
        try await rows.create(on: db)
        func item(_ meeting: Meeting, _ position: Int) -> AgendaItem { rows.first { $0.$meeting.id == meeting.id && $0.position == position }! }

        // What was said and decided.
        item(earlier, 1).minutes = "Frau Probe begrüßt die Anwesenden. Die Beschlussfähigkeit wird festgestellt."
        item(earlier, 2).minutes = "Die Jury hat drei Anträge bewilligt: Nachbarschaftsgarten, Sprachcafé, Bücherschrank."
        item(earlier, 3).minutes = "Die Eltern des Mieterbeirats berichten von kaputten Geräten und fehlender Beleuchtung."
        item(earlier, 3).decisionText = "Der Arbeitskreis lädt zu einer gemeinsamen Begehung des Spielplatzes mit dem Grünflächenamt ein."
        (item(earlier, 3).votesYes, item(earlier, 3).votesNo, item(earlier, 3).votesAbstain) = (5, 0, 0)
        item(past, 1).minutes = "Das Protokoll der Sitzung vom Sommer wird ohne Änderungen genehmigt."
        item(past, 2).minutes = "Das Stadtteilbüro hatte im letzten Quartal 212 Kontakte in den Sprechstunden; Schwerpunkte: Wohnen und Nachbarschaft."
        item(past, 3).minutes = "Bei der Begehung wurden drei Geräte gesperrt. Das Grünflächenamt prüft einen Ersatz im Frühjahr."
        item(past, 3).decisionText = "Der Arbeitskreis bittet den Ortsbeirat, Mittel für neue Spielgeräte im Haushalt vorzusehen."
        (item(past, 3).votesYes, item(past, 3).votesNo, item(past, 3).votesAbstain) = (4, 0, 1)
        for row in rows where !row.minutes.isEmpty { try await row.save(on: db) }

        // Attendance of the last meeting: five of six members came; the moderator has no vote.
        let present = ["s.probe@stadt.example", "aylin.beispiel@mieterbeirat.example", "m.probe@schule.example", "h.demo@moschee.example", "j.muster@gewobau.example"]
        for seat in memberships where seat.$committee.id == workingGroup.id {
            let email = persons.first { $0.id == seat.$person.id }?.email ?? ""
            try await Attendance(meetingID: try past.requireID(), personID: seat.$person.id,
                                 status: present.contains(email) ? (seat.role == .guest ? .guest : .present) : .excused).save(on: db)
        }

        // Tasks stay on the committee's list until they are done; one is overdue.
        let tasks = [
            CommitteeTask(committeeID: try workingGroup.requireID(), meetingID: past.id, title: "Vereine zum Stadtteilfest einladen",
                          assignee: "Aylin Beispiel", personID: try person("aylin.beispiel@mieterbeirat.example"), dueOn: CalendarDate.daysAfter(10, CalendarDate.today())),
            CommitteeTask(committeeID: try workingGroup.requireID(), meetingID: past.id, title: "Kostenschätzung für neue Spielgeräte einholen",
                          assignee: "Sofia Probe", personID: try person("s.probe@stadt.example"), dueOn: CalendarDate.daysAfter(-5, CalendarDate.today())),
            CommitteeTask(committeeID: try workingGroup.requireID(), meetingID: earlier.id, title: "Begehung des Spielplatzes organisieren",
                          assignee: "Quartiersmanagement", personID: nil, dueOn: CalendarDate.daysAfter(-60, CalendarDate.today())),
            CommitteeTask(committeeID: try steering.requireID(), meetingID: nil, title: "Entwurf des ISEK-Zwischenberichts",
                          assignee: "Sofia Probe", personID: try person("s.probe@stadt.example"), dueOn: CalendarDate.daysAfter(30, CalendarDate.today())),
        ]
        tasks[2].doneAt = at(daysFromToday: -45, hour: 12)
        try await tasks.create(on: db)

        // Documents: the report of the walk on the playground is public; the budget of the steering group is not.
        let documents: [(AgendaItem, String, String)] = [
            (item(past, 3), "Begehung-Spielplatz.pdf", "Begehung des Spielplatzes am Hang (Beispiel). Drei Geraete gesperrt, Beleuchtung fehlt."),
            (item(steeringMeeting, 2), "Haushalt-Foerdermittel.pdf", "Haushalt und Foerdermittel (Beispiel, intern)."),
        ]
        for (agendaItem, name, text) in documents {
            let bytes = Array(minimalPDF(text).utf8)
            let file = AgendaFile(itemID: try agendaItem.requireID(), filename: name, type: .pdf, bytes: bytes)
            try await file.create(on: db)
            try await FileContent(id: try file.requireID(), data: Data(bytes)).create(on: db)
        }

        // The demo member account belongs to Aylin Beispiel: she sees the AK Stadtwald and the jury, not the steering group.
        if let member = try await User.query(on: db).filter(\.$email == memberEmail).first() {
            member.personID = try person("aylin.beispiel@mieterbeirat.example")
            try await member.save(on: db)
        }
        try await loadCityMeetings(scale: scale, on: db)
    }

    /// At city scale: two hundred further committees with fifty meetings each (10,000 meetings, 30,000 agenda items),
    /// so that the benchmark sees OParl lists and meeting pages over a large archive.
    private static func loadCityMeetings(scale: Scale, on db: any Database) async throws {
        guard scale == .city else { return }
        let kinds = Committee.Kind.allCases
        let committees = (0..<200).map { index in
            Committee(name: "Netzwerk Quartier \(index + 1) (Beispiel)", kind: kinds[index % kinds.count], isPublic: index % 2 == 0, noticeDays: 7,
                      quorum: QuorumRule(kind: .share, value: 50))
        }
        for chunk in committees.chunked(into: 100) { try await chunk.create(on: db) }
        let first = Date(timeIntervalSince1970: 1_420_095_600) // 2015-01-01 08:00 Berlin
        var meetings: [Meeting] = []
        for (index, committee) in committees.enumerated() {
            for number in 0..<50 {
                let start = first.addingTimeInterval(Double(number * 56 + index % 28) * 86_400 + 36_000)
                let meeting = Meeting(committeeID: try committee.requireID(), startsAt: start, endsAt: start.addingTimeInterval(7_200),
                                      place: "Bürgerhaus \(index % 12 + 1) (Beispiel)", state: start < Date() ? .held : .planned)
                if start < Date().addingTimeInterval(-60 * 86_400) { meeting.minutesApprovedAt = start.addingTimeInterval(56 * 86_400) }
                meetings.append(meeting)
            }
        }
        for chunk in meetings.chunked(into: 500) { try await chunk.create(on: db) }
        var items: [AgendaItem] = []
        for meeting in meetings {
            let id = try meeting.requireID()
            items.append(AgendaItem(meetingID: id, position: 1, title: "Begrüßung und Protokoll", isPublic: true))
            let report = AgendaItem(meetingID: id, position: 2, title: "Berichte aus den Einrichtungen", isPublic: true)
            report.minutes = "Die Einrichtungen berichten über ihre Angebote im Quartier."
            items.append(report)
            items.append(AgendaItem(meetingID: id, position: 3, title: "Vertrauliches", isPublic: false))
        }
        for chunk in items.chunked(into: 500) { try await chunk.create(on: db) }
    }

    /// A one-page PDF with one line of text (Latin letters only), valid enough for every PDF reader.
    static func minimalPDF(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)")
        let stream = "BT /F1 12 Tf 56 780 Td (\(escaped)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var pdf = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { pdf += String(format: "%010d 00000 n \n", offset) }
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return pdf
    }
}
