import Fluent
import QuartierCore
import Vapor

/// The demo district's ISEK and projects: the programme since 2014 (extended), goals and measures per field of
/// action, and eight projects across all phases — with budgets from the three shares of urban-development funding,
/// own and third-party funds, milestones (some late), diary entries and one residents' initiative. Fictional.
extension DemoData {
    static let playgroundProjectTitle = "Spielplatz am Hang neu gestalten (Beispiel)"

    private struct DemoProject {
        let title: String
        let summary: String
        let phase: ProjectPhase
        let fields: [String]
        let measure: String?
        let start: Int?
        let end: Int?
        let lead: String?
        let partners: [String]
        let initiative: Bool
        let participation: String
        let isPublic: Bool
        let budget: [(FundingSource, String, Int, Int)]
        let milestones: [(String, Int, Bool)]
        let diary: [(Int, String)]
    }

    static func loadProjects(scale: Scale, on db: any Database) async throws {
        // Admitted in 2014, ISEK adopted in 2018, the programme extended to fourteen years: now consolidating.
        let programme = try await Programme.current(on: db)
        programme.startYear = 2014
        programme.isekYear = 2018
        programme.horizonYears = 14
        programme.consolidationYears = 3
        try await programme.save(on: db)
        let fields = try await FieldOfAction.query(on: db).all()
        func field(_ name: String) -> UUID? { fields.first { $0.name == name }?.id }

        let goals: [(String, [String])] = [
            ("Städtebau", ["Wege im Stadtteil sind barrierefrei und sicher.", "Spiel- und Aufenthaltsflächen laden alle Generationen ein."]),
            ("Wohnen", ["Mieterinnen und Mieter kennen ihre Rechte und werden gehört.", "Nachbarschaften haben Räume für Begegnung."]),
            ("Wirtschaft", ["Die Nahversorgung am Marktplatz bleibt erhalten."]),
            ("Soziales", ["Ältere Menschen bleiben im Stadtteil eingebunden."]),
            ("Bildung", ["Kinder erhalten Unterstützung beim Lernen, unabhängig von der Sprache der Eltern."]),
            ("Gesundheit", ["Bewegung im Alltag wird für alle leicht."]),
            ("Umwelt/Klimaschutz", ["Grünflächen kühlen den Stadtteil und werden gemeinsam gepflegt."]),
            ("Beteiligung", ["Bewohnerinnen und Bewohner gestalten ihren Stadtteil mit."]),
        ]
        for (name, texts) in goals {
            guard let id = field(name) else { continue }
            for (position, text) in texts.enumerated() { try await IsekGoal(fieldOfActionID: id, text: text, position: position).create(on: db) }
        }
        let measureList: [(String, String, String)] = [
            ("1.1", "Barrierefreie Wegeverbindungen", "Städtebau"), ("1.2", "Spiel- und Aufenthaltsflächen", "Städtebau"),
            ("2.1", "Nachbarschaftsräume in den Wohnanlagen", "Wohnen"), ("2.2", "Mieterberatung vor Ort", "Wohnen"),
            ("3.1", "Stärkung der Nahversorgung", "Wirtschaft"), ("4.1", "Treffpunkte für Seniorinnen und Senioren", "Soziales"),
            ("5.1", "Lernförderung und Hausaufgabenhilfe", "Bildung"), ("6.1", "Bewegungsangebote im Quartier", "Gesundheit"),
            ("7.1", "Klimaangepasste Grünflächen", "Umwelt/Klimaschutz"), ("8.1", "Verfügungsfonds und Bewohnerinitiativen", "Beteiligung"),
        ]
        var measures: [String: UUID] = [:]
        for (number, title, fieldName) in measureList {
            guard let id = field(fieldName) else { continue }
            let measure = Measure(fieldOfActionID: id, number: number, title: title)
            try await measure.create(on: db)
            measures[number] = measure.id
        }

        let organisations = try await Organisation.query(on: db).filter(\.$name ~~ Self.organisations.map(\.0)).all()
        let persons = try await Person.query(on: db).all()
        func organisation(_ name: String) -> UUID? { organisations.first { $0.name == name }?.id }
        func person(_ name: String) -> UUID? { persons.first { $0.displayName == name }?.id }
        let today = CalendarDate.today()
        func day(_ offset: Int) -> Date { CalendarDate.daysAfter(offset, today) }

        let projects: [DemoProject] = [
            DemoProject(
                title: playgroundProjectTitle,
                summary: "Der Spielplatz am Beispielhang wird mit den Ideen der Kinder aus der Zukunftswerkstatt neu gestaltet: Kletterhang, Wasserspiel, schattige Bänke für Eltern und Großeltern.\nDie Bauarbeiten laufen; die Eröffnung feiern wir gemeinsam.",
                phase: .implementation, fields: ["Städtebau", "Beteiligung"], measure: "1.2", start: -300, end: 120,
                lead: "Stadt Marburg (Beispiel) – Fachdienst Stadtplanung", partners: ["Grundschule am Stadtwald (Beispiel)", "Kita Sonnenhang (Beispiel)"],
                initiative: false,
                participation: "Helfen Sie bei der Pflanzaktion mit: Samstag nach der Eröffnung ab 10 Uhr, Handschuhe bringen wir mit.\nFragen und Ideen: Stadtteilbüro, Am Beispielhang 12.",
                isPublic: true,
                budget: [(.federal, "Planung und Bau", 6_000_000, 3_850_000), (.state, "Planung und Bau", 6_000_000, 3_850_000),
                         (.municipal, "Planung und Bau", 6_000_000, 3_850_000), (.thirdParty, "Spielgeräte (Stiftung Beispiel)", 1_500_000, 1_500_000)],
                milestones: [("Zukunftswerkstatt mit Kindern", -14, true), ("Entwurf im Ortsbeirat vorgestellt", -200, true),
                             ("Baubeginn", -60, true), ("Wasserspiel eingebaut", -5, false), ("Eröffnungsfest", 100, false)],
                diary: [(-14, "In der Zukunftswerkstatt haben 35 Kinder ihre Wünsche gemalt und gebaut. Ganz oben: ein Kletterhang und Wasser zum Matschen."),
                        (-60, "Die Bagger sind da: Der alte Sandkasten ist abgebaut, die Fundamente für den Kletterhang werden gegossen."),
                        (-10, "Die Bänke stehen. Das Wasserspiel verzögert sich um zwei Wochen, weil ein Bauteil fehlt.")]),
            DemoProject(
                title: "Barrierefreier Weg zum Lindenhof (Beispiel)",
                summary: "Der steile Fußweg vom Marktplatz zum Seniorentreff Lindenhof bekommt eine Rampe, Handläufe und bessere Beleuchtung.",
                phase: .planning, fields: ["Städtebau", "Soziales"], measure: "1.1", start: 30, end: 400,
                lead: "Stadt Marburg (Beispiel) – Fachdienst Stadtplanung", partners: ["Seniorentreff Lindenhof (Beispiel)"], initiative: false,
                participation: "Beim Ortstermin gehen wir den Weg gemeinsam ab. Sagen Sie uns, wo es für Sie schwierig ist – im Stadtteilbüro oder beim Ortstermin.",
                isPublic: true,
                budget: [(.federal, "Bau der Rampe", 4_000_000, 0), (.state, "Bau der Rampe", 4_000_000, 0), (.municipal, "Bau der Rampe", 4_000_000, 0),
                         (.municipal, "Planung", 1_200_000, 800_000)],
                milestones: [("Ortstermin mit Seniorinnen und Senioren", -40, true), ("Genehmigungsplanung", -3, false), ("Baubeginn", 60, false)],
                diary: [(-40, "Zwanzig Menschen sind den Weg mit Rollatoren und Kinderwagen abgegangen. Wichtigster Wunsch: ein Handlauf auf beiden Seiten.")]),
            DemoProject(
                title: "Nachbarschaftstreff Musterweg (Beispiel)",
                summary: "Ein leerstehender Kellerraum im Musterweg 44 ist zum Gemeinschaftsraum für die Wohnanlage geworden.",
                phase: .completed, fields: ["Wohnen", "Soziales"], measure: "2.1", start: -900, end: -200,
                lead: "GeWoBau Beispiel eG", partners: ["Mieterbeirat Stadtwald (Beispiel)"], initiative: false,
                participation: "Der Raum kann für Nachbarschaftsfeste gebucht werden: beim Mieterbeirat.", isPublic: true,
                budget: [(.own, "Umbau (GeWoBau)", 2_500_000, 2_730_000), (.federal, "Ausstattung", 500_000, 480_000), (.state, "Ausstattung", 500_000, 480_000),
                         (.municipal, "Ausstattung", 500_000, 480_000)],
                milestones: [("Umbau fertig", -260, true), ("Einweihung", -200, true)],
                diary: [(-200, "Einweihung mit Kuchen aus vielen Ländern: Der Nachbarschaftstreff ist offen.")]),
            DemoProject(
                title: "Mietsprechstunde im Stadtteilbüro (Beispiel)",
                summary: "Einmal im Monat berät eine Mietrechtsberaterin kostenlos. Seit diesem Jahr trägt der Mieterbeirat die Sprechstunde selbst weiter.",
                phase: .sustained, fields: ["Wohnen"], measure: "2.2", start: -1500, end: -100,
                lead: "Mieterbeirat Stadtwald (Beispiel)", partners: [], initiative: false,
                participation: "Jeden ersten Dienstag im Monat, 16–18 Uhr, im Stadtteilbüro. Ohne Anmeldung.", isPublic: true,
                budget: [(.municipal, "Honorare Beratung", 900_000, 900_000), (.own, "Raum und Werbung", 120_000, 95_050)],
                milestones: [("Übergabe an den Mieterbeirat", -100, true)],
                diary: [(-100, "Der Mieterbeirat übernimmt die Sprechstunde. Danke an alle, die sie fünf Jahre lang aufgebaut haben!")]),
            DemoProject(
                title: "Hausaufgabenhilfe Stadtwald (Beispiel)",
                summary: "Ehrenamtliche und Studierende helfen Kindern der Grundschule zweimal pro Woche bei den Hausaufgaben – auch auf Arabisch und Türkisch.",
                phase: .implementation, fields: ["Bildung"], measure: "5.1", start: -500, end: 365,
                lead: "Grundschule am Stadtwald (Beispiel)", partners: ["Moscheeverein Beispiel e. V.", "Evangelische Gemeinde Beispielkirche"], initiative: false,
                participation: "Wir suchen Ehrenamtliche für eine Stunde pro Woche. Melden Sie sich im Stadtteilbüro oder bei der Schulsozialarbeit.", isPublic: true,
                budget: [(.thirdParty, "Honorare (Bildungsstiftung Beispiel)", 1_800_000, 1_120_000), (.municipal, "Material", 150_000, 87_345)],
                milestones: [("Zweite Gruppe startet", -120, true), ("Auswertung mit Eltern", 45, false)],
                diary: [(-120, "Die zweite Gruppe ist gestartet: Jetzt kommen 28 Kinder regelmäßig.")]),
            DemoProject(
                title: "Bewegungstreff für Ältere (Beispiel)",
                summary: "Sanfte Gymnastik und Spaziergänge für Seniorinnen und Senioren, gemeinsam mit dem Sportverein.",
                phase: .implementation, fields: ["Gesundheit", "Soziales"], measure: "6.1", start: -200, end: 200,
                lead: "Seniorentreff Lindenhof (Beispiel)", partners: ["Sportverein Grün-Weiß Beispiel"], initiative: false,
                participation: "Mittwochs 10 Uhr am Seniorentreff Lindenhof. Kommen Sie einfach vorbei, bequeme Kleidung genügt.", isPublic: true,
                budget: [(.federal, "Übungsleitung", 200_000, 120_000), (.state, "Übungsleitung", 200_000, 120_000), (.municipal, "Übungsleitung", 200_000, 120_000)],
                milestones: [("Erster Treff", -180, true), ("Sitzbänke entlang der Runde", -20, false)],
                diary: [(-30, "Der Bewegungstreff hat 19 feste Teilnehmerinnen und Teilnehmer. Gewünscht: mehr Bänke auf der Spazierrunde.")]),
            DemoProject(
                title: "Gemeinschaftsgarten am Waldrand (Beispiel)",
                summary: "Nachbarinnen und Nachbarn legen auf einer Brachfläche am Waldrand Hochbeete an. Eine Bewohnerinitiative, gefördert aus dem Verfügungsfonds.",
                phase: .planning, fields: ["Umwelt/Klimaschutz", "Beteiligung"], measure: "7.1", start: 20, end: 250,
                lead: "Gül Erfunden", partners: ["Umweltgruppe Stadtwald (Beispiel)"], initiative: true,
                participation: "Gärtnern Sie mit! Treffen jeden zweiten Samstag um 11 Uhr am Waldrand 8. Keine Vorkenntnisse nötig.", isPublic: true,
                budget: [(.municipal, "Hochbeete und Erde (Verfügungsfonds)", 80_000, 0), (.own, "Saatgut und Werkzeug (Spenden)", 15_000, 4_250)],
                milestones: [("Fläche mit der Stadt geklärt", -7, true), ("Hochbeete bauen", 20, false)],
                diary: [(-7, "Die Stadt stellt die Fläche zur Verfügung. Zwölf Familien wollen mitmachen.")]),
            DemoProject(
                title: "Zwischennutzung Ladenlokal am Marktplatz (Beispiel)",
                summary: "Idee: Das leerstehende Ladenlokal am Marktplatz als Repair-Café und Tauschladen nutzen, bis ein neuer Mieter gefunden ist.",
                phase: .idea, fields: ["Wirtschaft"], measure: "3.1", start: nil, end: nil,
                lead: nil, partners: ["Bäckerei Musterkorn"], initiative: false, participation: "", isPublic: false,
                budget: [], milestones: [("Gespräch mit dem Eigentümer", 14, false)], diary: []),
        ]

        var playgroundID: UUID?
        for item in projects {
            let project = Project(title: item.title, summary: item.summary, phase: item.phase)
            project.$measure.id = item.measure.flatMap { measures[$0] }
            project.startsOn = item.start.map(day)
            project.endsOn = item.end.map(day)
            if let lead = item.lead {
                if let id = organisation(lead) { project.$leadOrganisation.id = id } else { project.$leadPerson.id = person(lead) }
            }
            project.isResidentsInitiative = item.initiative
            project.participation = item.participation
            project.isPublic = item.isPublic
            try await project.create(on: db)
            let id = try project.requireID()
            if item.title == playgroundProjectTitle { playgroundID = id }
            for name in item.fields { if let fieldID = field(name) { try await ProjectField(projectID: id, fieldOfActionID: fieldID).create(on: db) } }
            for name in item.partners {
                if let organisationID = organisation(name) { try await ProjectPartner(projectID: id, organisationID: organisationID, personID: nil).create(on: db) }
            }
            for (source, purpose, planned, spent) in item.budget {
                try await BudgetLine(projectID: id, source: source, purpose: purpose, plannedCents: planned, spentCents: spent).create(on: db)
            }
            for (title, offset, done) in item.milestones { try await Milestone(projectID: id, title: title, dueOn: day(offset), done: done).create(on: db) }
            for (offset, text) in item.diary {
                let entry = DiaryEntry(projectID: id, day: day(offset), text: text)
                try await entry.create(on: db)
                // The playground's first entry has a photo: a generated placeholder, described for screen readers.
                if item.title == playgroundProjectTitle, offset == item.diary[0].0 {
                    let bytes = samplePhoto()
                    let photo = DiaryPhoto(entryID: try entry.requireID(), filename: "spielplatz-beispielbild.png", type: .png, bytes: bytes,
                                           altText: "Platzhalterbild: farbige Flächen statt eines Fotos von Kindern, die Ideen für den Spielplatz malen (Beispiel)")
                    try await photo.create(on: db)
                    try await FileContent(id: try photo.requireID(), data: Data(bytes)).create(on: db)
                }
            }
        }
        // The AK Stadtwald's decisions about the playground.
        if let playgroundID {
            let items = try await AgendaItem.query(on: db).filter(\.$decisionText != nil).all()
                .filter { ($0.decisionText ?? "").contains("Spielplatz") || ($0.decisionText ?? "").contains("Spielgeräte") }
            for item in items { try await ProjectDecision(projectID: playgroundID, agendaItemID: try item.requireID()).create(on: db) }
        }
        if let playgroundID, let workshop = try await Event.query(on: db).filter(\.$title == futureWorkshopTitle).first() {
            try await ProjectEvent(projectID: playgroundID, eventID: try workshop.requireID()).create(on: db)
        }

        // At city scale, enough projects that the overview has to page.
        let fieldIDs = fields.compactMap(\.id)
        for index in 0..<(scale == .city ? 150 : 0) {
            let project = Project(title: "Beispielprojekt \(index + 1)", summary: "Ein erfundenes Projekt für Lasttests.",
                                  phase: ProjectPhase.allCases[index % ProjectPhase.allCases.count])
            project.isPublic = index % 4 != 0
            try await project.create(on: db)
            if !fieldIDs.isEmpty {
                try await ProjectField(projectID: try project.requireID(), fieldOfActionID: fieldIDs[index % fieldIDs.count]).create(on: db)
            }
        }
    }
}
