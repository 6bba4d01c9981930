import Fluent
import QuartierCore
import Vapor

/// The demo district's actors: fields of action, topics, organisations, people with their functions and consent,
/// and a contact log with follow-ups — fictional, deterministic, and at city scale large enough for benchmarks.
extension DemoData {
    static let fieldsOfAction = ["Städtebau", "Wohnen", "Wirtschaft", "Soziales", "Bildung", "Gesundheit", "Umwelt/Klimaschutz", "Beteiligung"]

    static let topicsByField: [(String, String)] = [
        ("Spielplätze", "Städtebau"), ("Barrierefreie Wege", "Städtebau"), ("Mieten und Nebenkosten", "Wohnen"),
        ("Hausordnung und Nachbarschaft", "Wohnen"), ("Nahversorgung", "Wirtschaft"), ("Ausbildung und Arbeit", "Wirtschaft"),
        ("Seniorinnen und Senioren", "Soziales"), ("Jugendtreff", "Soziales"), ("Sprachkurse", "Bildung"), ("Hausaufgabenhilfe", "Bildung"),
        ("Bewegung im Quartier", "Gesundheit"), ("Stadtwald und Grünflächen", "Umwelt/Klimaschutz"), ("Stadtteilfest", "Beteiligung"),
    ]

    static let organisations: [(String, Organisation.Kind, String, [String])] = [
        ("Mieterbeirat Stadtwald (Beispiel)", .association, "Am Beispielhang 3", ["Mieten und Nebenkosten", "Hausordnung und Nachbarschaft"]),
        ("GeWoBau Beispiel eG", .housing, "Musterweg 40", ["Mieten und Nebenkosten"]),
        ("Grundschule am Stadtwald (Beispiel)", .school, "Schulweg 1", ["Hausaufgabenhilfe", "Spielplätze"]),
        ("Kita Sonnenhang (Beispiel)", .school, "Sonnenhang 7", ["Sprachkurse"]),
        ("Jugendtreff Ockershausen (Beispiel)", .institution, "Am Sportplatz 2", ["Jugendtreff", "Ausbildung und Arbeit"]),
        ("Evangelische Gemeinde Beispielkirche", .religious, "Kirchgasse 5", ["Seniorinnen und Senioren"]),
        ("Moscheeverein Beispiel e. V.", .religious, "Lindenstraße 21", ["Sprachkurse", "Stadtteilfest"]),
        ("Sportverein Grün-Weiß Beispiel", .association, "Am Sportplatz 1", ["Bewegung im Quartier"]),
        ("Bäckerei Musterkorn", .business, "Marktplatz 2", ["Nahversorgung"]),
        ("Stadt Marburg (Beispiel) – Fachdienst Stadtplanung", .administration, "Rathausplatz 1", ["Barrierefreie Wege", "Stadtwald und Grünflächen"]),
        ("Stadt Marburg (Beispiel) – Jugendamt", .administration, "Rathausplatz 3", ["Jugendtreff"]),
        ("Ortsbeirat Ockershausen (Beispiel)", .politics, "Rathausplatz 1", ["Stadtteilfest"]),
        ("Netzwerk Soziale Stadt Mittelhessen (Beispiel)", .network, "Netzwerkweg 9", ["Stadtteilfest"]),
        ("Seniorentreff Lindenhof (Beispiel)", .institution, "Lindenhof 4", ["Seniorinnen und Senioren", "Bewegung im Quartier"]),
        ("Umweltgruppe Stadtwald (Beispiel)", .association, "Waldrand 8", ["Stadtwald und Grünflächen"]),
        ("Kiosk am Hang (Beispiel)", .business, "Am Beispielhang 20", ["Nahversorgung"]),
    ]

    static let people: [(String, String, String, String?, String?, String)] = [
        // given, family, languages, organisation (by index prefix), function, e-mail
        ("Aylin", "Beispiel", "Deutsch, Türkisch", "Mieterbeirat Stadtwald (Beispiel)", "Vorsitzende", "aylin.beispiel@mieterbeirat.example"),
        ("Jonas", "Muster", "Deutsch", "GeWoBau Beispiel eG", "Kundenbetreuer Stadtwald", "j.muster@gewobau.example"),
        ("Mariam", "Probe", "Deutsch, Arabisch", "Grundschule am Stadtwald (Beispiel)", "Schulsozialarbeiterin", "m.probe@schule.example"),
        ("Peter", "Exempel", "Deutsch", "Grundschule am Stadtwald (Beispiel)", "Schulleiter", "p.exempel@schule.example"),
        ("Oksana", "Fiktiv", "Ukrainisch, Russisch, Deutsch", "Kita Sonnenhang (Beispiel)", "Erzieherin", "o.fiktiv@kita.example"),
        ("Hassan", "Demo", "Arabisch, Deutsch", "Moscheeverein Beispiel e. V.", "Vorstand", "h.demo@moschee.example"),
        ("Lena", "Erfunden", "Deutsch, Englisch", "Jugendtreff Ockershausen (Beispiel)", "Leitung", "l.erfunden@jugendtreff.example"),
        ("Dimitri", "Platzhalter", "Russisch, Deutsch", "Sportverein Grün-Weiß Beispiel", "Jugendtrainer", "d.platzhalter@gruen-weiss.example"),
        ("Fatma", "Beispiel", "Türkisch, Deutsch", "Seniorentreff Lindenhof (Beispiel)", "Ehrenamtliche", "fatma.b@seniorentreff.example"),
        ("Klaus", "Muster", "Deutsch", "Ortsbeirat Ockershausen (Beispiel)", "Ortsvorsteher", "k.muster@ortsbeirat.example"),
        ("Sofia", "Probe", "Deutsch, Griechisch", "Stadt Marburg (Beispiel) – Fachdienst Stadtplanung", "Stadtplanerin", "s.probe@stadt.example"),
        ("Ali", "Exempel", "Deutsch, Kurdisch", "Stadt Marburg (Beispiel) – Jugendamt", "Sozialarbeiter", "a.exempel@stadt.example"),
        ("Erika", "Fiktiv", "Deutsch", "Evangelische Gemeinde Beispielkirche", "Pfarrerin", "e.fiktiv@gemeinde.example"),
        ("Tomasz", "Demo", "Polnisch, Deutsch", "Umweltgruppe Stadtwald (Beispiel)", "Sprecher", "t.demo@umwelt.example"),
        ("Gül", "Erfunden", "Türkisch", nil, nil, ""),
        ("Ahmad", "Platzhalter", "Dari, Deutsch", nil, nil, "ahmad.p@beispiel.example"),
        ("Renate", "Beispiel", "Deutsch", nil, nil, ""),
        ("Yusuf", "Muster", "Türkisch, Deutsch", "Bäckerei Musterkorn", "Inhaber", "backstube@musterkorn.example"),
    ]

    static func loadActors(scale: Scale, adminID: UUID, staffID: UUID, random: inout SeededGenerator, on db: any Database) async throws {
        let fields = fieldsOfAction.enumerated().map { FieldOfAction(name: $0.element, position: $0.offset) }
        try await fields.create(on: db)
        let topics = try topicsByField.map { name, field in Topic(name: name, fieldOfActionID: try fields.first { $0.name == field }!.requireID()) }
        try await topics.create(on: db)
        func topic(_ name: String) -> Topic { topics.first { $0.name == name }! }

        let today = CalendarDate.today()
        var organisationRows: [Organisation] = []
        for (index, entry) in organisations.enumerated() {
            let organisation = Organisation(name: entry.0, kind: entry.1)
            organisation.street = entry.2
            organisation.postalCode = "35037"
            organisation.city = "Marburg"
            organisation.phone = "06421 555 \(String(format: "%02d", 10 + index))"
            organisation.email = "info@" + entry.0.lowercased().filter { $0.isASCII && $0.isLetter }.prefix(12) + ".example"
            organisation.description = "Fiktive Beispiel-Organisation des Demo-Stadtteils."
            organisation.isPublic = entry.1 != .politics || index % 2 == 0
            organisation.publicFields = "address,description,phone,website"
            organisation.website = "https://" + entry.0.lowercased().filter { $0.isASCII && $0.isLetter }.prefix(12) + ".example"
            organisation.latitude = 50.80 + Double(index) * 0.001
            organisation.longitude = 8.74 + Double(index % 5) * 0.002
            organisationRows.append(organisation)
        }
        try await organisationRows.create(on: db)
        var links: [OrganisationTopic] = []
        for (organisation, entry) in zip(organisationRows, organisations) {
            for name in entry.3 {
                let link = OrganisationTopic()
                link.$organisation.id = try organisation.requireID()
                link.$topic.id = try topic(name).requireID()
                links.append(link)
            }
        }
        try await links.create(on: db)

        var personRows: [Person] = []
        for entry in people {
            let person = Person(givenName: entry.0, familyName: entry.1, email: entry.5)
            person.languages = entry.2
            person.city = "Marburg"
            person.refreshSearchKey()
            personRows.append(person)
        }
        try await personRows.create(on: db)
        var functions: [PersonFunction] = []
        var consents: [Consent] = []
        for (index, (person, entry)) in zip(personRows, people).enumerated() {
            let personID = try person.requireID()
            if let orgName = entry.3, let function = entry.4, let organisation = organisationRows.first(where: { $0.name == orgName }) {
                functions.append(PersonFunction(personID: personID, organisationID: try organisation.requireID(), title: function,
                                                from: CalendarDate.monthsBefore(12 + index * 3, today)))
            }
            consents.append(Consent(personID: personID, purpose: .contact, givenAt: CalendarDate.monthsBefore(10, today), source: index % 3 == 0 ? .paper : .form))
            if index % 4 == 0 {
                consents.append(Consent(personID: personID, purpose: .namePublished, givenAt: CalendarDate.monthsBefore(6, today), source: .form))
            }
            if index % 2 == 0 {
                consents.append(Consent(personID: personID, purpose: .newsletter, givenAt: CalendarDate.monthsBefore(8, today), source: .form))
            }
        }
        // A former function and a withdrawn consent, so history shows.
        functions.append(PersonFunction(personID: try personRows[9].requireID(), organisationID: try organisationRows[7].requireID(), title: "Kassenwart",
                                        from: CalendarDate.monthsBefore(60, today), until: CalendarDate.monthsBefore(24, today)))
        let withdrawn = Consent(personID: try personRows[1].requireID(), purpose: .photoPublished, givenAt: CalendarDate.monthsBefore(20, today), source: .verbal)
        withdrawn.withdrawnAt = CalendarDate.monthsBefore(2, today)
        consents.append(withdrawn)
        try await functions.create(on: db)
        try await consents.create(on: db)

        // The contact log: visits, calls, a tenant assembly with a follow-up already due.
        let log: [(Contact.Kind, Int, String, [Int], [Int], String, Int?)] = [
            (.meeting, 3, "Mieterversammlung Am Beispielhang 3–7", [0, 1, 14], [0, 1], "Dunkle Hauseingänge, Spielplatz kaputt, Nebenkosten unklar.", -5),
            (.visit, 10, "Besuch in der Grundschule", [2, 3], [2], "Hausaufgabenhilfe für Kinder aus Willkommensklassen gewünscht.", 14),
            (.call, 20, "Telefonat wegen Stadtteilfest", [5], [6], "Der Moscheeverein bietet einen Essensstand an.", nil),
            (.outreach, 30, "Aufsuchende Runde Lindenhof", [8, 16], [13], "Ältere Menschen wünschen sich eine Bank am Hang.", 7),
            (.meeting, 45, "Abstimmung mit der Stadtplanung", [10], [9], "Barrierefreier Weg zur Haltestelle wird geprüft.", nil),
            (.email, 60, "Anfrage Jugendtreff Öffnungszeiten", [6, 11], [4, 10], "Jugendliche wünschen Öffnung am Freitagabend.", -20),
            (.visit, 200, "Besuch beim Sportverein", [7], [7], "Platz für Bewegungsangebote für Ältere gesucht.", nil),
            (.visit, 400, "Kennenlernen Bäckerei", [17], [8], "", nil),
        ]
        for (kind, daysAgo, subject, personIndexes, organisationIndexes, needs, followUp) in log {
            let day = Calendar(identifier: .gregorian).date(byAdding: .day, value: -daysAgo, to: today)!
            let contact = Contact(kind: kind, happenedOn: day, staffID: daysAgo % 2 == 0 ? adminID : staffID, subject: subject,
                                  notes: "Beispiel-Eintrag des Demo-Stadtteils.", needs: needs,
                                  followUpOn: followUp.map { Calendar(identifier: .gregorian).date(byAdding: .day, value: $0, to: CalendarDate.today())! })
            try await contact.save(on: db)
            for index in personIndexes {
                let link = ContactPerson()
                link.$contact.id = try contact.requireID()
                link.$person.id = try personRows[index].requireID()
                try await link.create(on: db)
            }
            for index in organisationIndexes {
                let link = ContactOrganisation()
                link.$contact.id = try contact.requireID()
                link.$organisation.id = try organisationRows[index].requireID()
                try await link.create(on: db)
            }
            for index in personIndexes where (personRows[index].lastContactAt ?? .distantPast) < day { personRows[index].lastContactAt = day }
            for index in organisationIndexes where (organisationRows[index].lastContactAt ?? .distantPast) < day { organisationRows[index].lastContactAt = day }
        }
        for person in personRows { try await person.save(on: db) }
        for organisation in organisationRows { try await organisation.save(on: db) }

        try await loadCityActors(scale: scale, topics: topics, today: today, random: &random, on: db)
    }

    /// At city scale: thousands of organisations and tens of thousands of people, for the benchmark.
    private static func loadCityActors(scale: Scale, topics: [Topic], today: Date, random: inout SeededGenerator, on db: any Database) async throws {
        guard scale == .city else { return }
        let kinds = Organisation.Kind.allCases
        var organisations: [Organisation] = []
        for index in 0..<5000 {
            let organisation = Organisation(name: "Beispiel-Organisation \(index + 1)", kind: kinds[Int(random.next() % UInt64(kinds.count))])
            organisation.city = "Marburg"
            organisation.isPublic = index % 3 == 0
            organisation.publicFields = "address,description"
            organisation.description = "Fiktive Organisation für Lasttests."
            if index % 4 != 0 { organisation.lastContactAt = Calendar(identifier: .gregorian).date(byAdding: .day, value: -Int(random.next() % 900), to: today) }
            organisations.append(organisation)
        }
        for chunk in organisations.chunked(into: 500) { try await chunk.create(on: db) }
        var organisationTopics: [OrganisationTopic] = []
        for organisation in organisations {
            let link = OrganisationTopic()
            link.$organisation.id = try organisation.requireID()
            link.$topic.id = try topics[Int(random.next() % UInt64(topics.count))].requireID()
            organisationTopics.append(link)
        }
        for chunk in organisationTopics.chunked(into: 500) { try await chunk.create(on: db) }

        let given = ["Aylin", "Jonas", "Mariam", "Peter", "Oksana", "Hassan", "Lena", "Dimitri", "Fatma", "Klaus", "Sofia", "Ali", "Gül", "Tomasz"]
        let family = ["Beispiel", "Muster", "Probe", "Exempel", "Fiktiv", "Demo", "Erfunden", "Platzhalter", "Annahme", "Vorlage"]
        for batch in 0..<100 {
            var persons: [Person] = []
            for offset in 0..<500 {
                let index = batch * 500 + offset
                let person = Person(givenName: given[Int(random.next() % UInt64(given.count))], familyName: family[Int(random.next() % UInt64(family.count))] + " \(index + 1)",
                                    email: index % 2 == 0 ? "person\(index + 1)@stadt.example" : "")
                person.city = "Marburg"
                if index % 3 != 0 { person.lastContactAt = Calendar(identifier: .gregorian).date(byAdding: .day, value: -Int(random.next() % 900), to: today) }
                persons.append(person)
            }
            try await persons.create(on: db)
            var functions: [PersonFunction] = []
            for person in persons where random.next() % 2 == 0 {
                functions.append(PersonFunction(personID: try person.requireID(), organisationID: try organisations[Int(random.next() % 5000)].requireID(), title: "Mitglied"))
            }
            try await functions.create(on: db)
        }
    }
}
