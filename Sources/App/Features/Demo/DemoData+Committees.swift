import Fluent
import QuartierCore
import Vapor

/// The demo district's committees: the steering group, the working group AK Stadtwald and the fund's jury,
/// with members and meetings before and after today.
extension DemoData {
    static func loadCommittees(on db: any Database) async throws {
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
        let past = Meeting(committeeID: try workingGroup.requireID(), startsAt: at(daysFromToday: -40, hour: 18), endsAt: at(daysFromToday: -40, hour: 20),
                           place: "Stadtteilbüro, Am Beispielhang 12", state: .held)
        let next = Meeting(committeeID: try workingGroup.requireID(), startsAt: at(daysFromToday: 20, hour: 18), endsAt: at(daysFromToday: 20, hour: 20),
                           place: "Gemeindesaal Beispielkirche, Kirchgasse 5")
        let steeringMeeting = Meeting(committeeID: try steering.requireID(), startsAt: at(daysFromToday: 10, hour: 10), endsAt: at(daysFromToday: 10, hour: 12),
                                      place: "Rathaus, Raum 2.14", state: .invited)
        try await [past, next, steeringMeeting].create(on: db)
        let items: [(Meeting, String, Bool)] = [
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
    }
}
