import Fluent
import QuartierCore
import Vapor

/// The demo district's events: a tenant assembly and a future workshop behind us, a festival, a consultation hour
/// and an information evening ahead, one draft, one cancelled — with registrations, a waiting list and walk-ins.
extension DemoData {
    static let tenantAssemblyTitle = "Mieterversammlung Musterweg 40–48 (Beispiel)"
    static let futureWorkshopTitle = "Zukunftswerkstatt Spielplatz am Hang (Beispiel)"

    static func loadEvents(scale: Scale, on db: any Database) async throws {
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        func at(_ days: Int, _ hour: Int, _ minute: Int = 0) -> Date {
            let day = berlin.date(byAdding: .day, value: days, to: berlin.startOfDay(for: Date()))!
            return berlin.date(bySettingHour: hour, minute: minute, second: 0, of: day)!
        }
        let topics = try await Topic.query(on: db).all()
        func topic(_ name: String) -> UUID? { topics.first { $0.name == name }?.id }
        let committees = try await Committee.query(on: db).all()

        let assembly = Event(title: tenantAssemblyTitle, format: .tenantAssembly, startsAt: at(-30, 18), endsAt: at(-30, 20),
                             place: "Gemeinschaftsraum Musterweg 44")
        assembly.description = "Die GeWoBau stellt die geplante Modernisierung vor. Fragen zu Nebenkosten, Aufzug und Hausordnung."
        assembly.organisers = "Mieterbeirat Stadtwald (Beispiel), GeWoBau Beispiel eG, Quartiersmanagement"
        assembly.interpreting = "Türkisch, Arabisch"
        assembly.stepFree = true
        assembly.state = .published
        assembly.protocolText = "Rund 40 Mieterinnen und Mieter kamen. Die GeWoBau stellte den Zeitplan der Modernisierung vor."
        let workshop = Event(title: futureWorkshopTitle, format: .futureWorkshop, startsAt: at(-14, 10), endsAt: at(-14, 16),
                             place: "Grundschule am Stadtwald, Aula")
        workshop.description = "Kinder, Eltern und Nachbarn entwickeln gemeinsam Ideen für den Spielplatz: Kritik, Fantasie, Verwirklichung."
        workshop.organisers = "Quartiersmanagement, Grundschule am Stadtwald (Beispiel)"
        workshop.childcare = true
        workshop.stepFree = true
        workshop.state = .published
        let festival = Event(title: "Stadtteilfest am Hang (Beispiel)", format: .districtFestival, startsAt: at(21, 14), endsAt: at(21, 19),
                             place: "Wiese am Beispielhang")
        festival.description = "Musik, Essen aus vielen Ländern, Flohmarkt und Spiele für Kinder. Alle sind eingeladen."
        festival.organisers = "Vereine des Stadtteils und Quartiersmanagement"
        festival.stepFree = true
        festival.state = .published
        let consultation = Event(title: "Sprechstunde auf Türkisch und Arabisch (Beispiel)", format: .consultation, startsAt: at(6, 16), endsAt: at(6, 18),
                                 place: "Stadtteilbüro, Am Beispielhang 12")
        consultation.interpreting = "Türkisch, Arabisch"
        consultation.stepFree = true
        consultation.hearingLoop = true
        consultation.state = .published
        let evening = Event(title: "Infoabend Mietrecht und Nebenkosten (Beispiel)", format: .information, startsAt: at(12, 18, 30), endsAt: at(12, 20),
                            place: "Gemeindesaal Beispielkirche, Kirchgasse 5")
        evening.description = "Eine Mietrechtsberaterin erklärt die Nebenkostenabrechnung und beantwortet Fragen. Bitte melden Sie sich an: Die Plätze sind begrenzt."
        evening.organisers = "Mieterbeirat Stadtwald (Beispiel)"
        evening.childcare = true
        evening.stepFree = true
        evening.registration = true
        evening.capacity = 12
        evening.askChildcare = true
        evening.askLanguage = true
        evening.askAccessibility = true
        evening.state = .published
        let draft = Event(title: "Bewohnerversammlung Frühjahr (Entwurf, Beispiel)", format: .residentAssembly, startsAt: at(60, 18), endsAt: at(60, 20),
                          place: "Stadtteilbüro, Am Beispielhang 12")
        let cancelled = Event(title: "Workshop Balkonkraftwerke (Beispiel, abgesagt)", format: .workshop, startsAt: at(9, 17), endsAt: at(9, 19),
                              place: "Stadtteilbüro, Am Beispielhang 12")
        cancelled.state = .cancelled
        cancelled.sequence = 1
        let roundTable = Event(title: "Runder Tisch Stadtwald (Beispiel)", format: .roundTable, startsAt: at(45, 18), endsAt: at(45, 20),
                               place: "Gemeindesaal Beispielkirche, Kirchgasse 5")
        roundTable.$committee.id = committees.first { $0.name.hasPrefix("AK Stadtwald") }?.id
        roundTable.state = .published
        let events = [assembly, workshop, festival, consultation, evening, draft, cancelled, roundTable]
        try await events.create(on: db)
        let links: [(Event, String)] = [
            (assembly, "Mieten und Nebenkosten"), (assembly, "Hausordnung und Nachbarschaft"), (workshop, "Spielplätze"), (festival, "Stadtteilfest"),
            (evening, "Mieten und Nebenkosten"), (roundTable, "Stadtwald und Grünflächen"),
        ]
        for (event, name) in links {
            if let topicID = topic(name) { try await EventTopic(eventID: try event.requireID(), topicID: topicID).create(on: db) }
        }

        // The information evening is full: ten confirmed places plus a group of two, and a waiting list.
        let names = ["Gül Erfunden", "Renate Beispiel", "Yusuf Muster", "Ahmad Platzhalter", "Olga Vorlage", "Kemal Annahme", "Petra Fiktiv",
                     "Samir Demo", "Lena Exempel", "Ivan Muster", "Hatice Probe", "Jonas Platzhalter"]
        var rows: [Registration] = []
        for (index, name) in names.enumerated() {
            let people = index == 3 ? 2 : 1
            let taken = rows.filter { $0.status == .confirmed }.reduce(0) { $0 + $1.people }
            let registration = Registration(eventID: try evening.requireID(), name: name,
                                            email: "anmeldung\(index + 1)@beispiel.example", phone: "", people: people,
                                            status: RegistrationRules.status(forNew: people, taken: taken, capacity: evening.capacity),
                                            source: index % 4 == 2 ? .phone : .online, locale: index % 3 == 0 ? .en : .de)
            registration.childcare = index % 5 == 0
            registration.language = index == 0 ? "Türkisch" : ""
            rows.append(registration)
        }
        try await rows.create(on: db)

        // The tenant assembly: registrations were not needed, walk-ins were counted at the door.
        for (group, count) in [(AgeGroup.adults, 31), (.seniors, 9), (.children, 4)] {
            try await WalkIn(eventID: try assembly.requireID(), ageGroup: group, count: count).create(on: db)
        }
    }
}
