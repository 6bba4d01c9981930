import Fluent
import SQLKit
import QuartierCore
import Vapor

/// The fictional demo district "Stadtwald-Ockershausen (Beispiel)". Every feature adds its part here,
/// so that `quartier demo` shows it working at once. Deterministic: the same scale gives the same data.
enum DemoData {
    enum Scale: String, CaseIterable, Sendable {
        case district, city

        var extraMembers: Int { self == .city ? 500 : 0 }
        var feedbackMessages: Int { self == .city ? 5000 : 3 }
        var auditEntries: Int { self == .city ? 20000 : 0 }
    }

    static let password = "quartier-demo"
    static let adminEmail = "admin@stadtwald.example"
    static let staffEmail = "team@stadtwald.example"
    static let memberEmail = "mitglied@stadtwald.example"

    /// True when the demo district is in the database already; it is then kept as it is.
    static func isLoaded(on database: any Database) async throws -> Bool {
        try await User.query(on: database).filter(\.$email == adminEmail).first() != nil
    }

    static func load(scale: Scale, on database: any Database, hasher: AsyncPasswordHasher) async throws {
        let hash = try await hasher.hash(password)
        try await database.transaction { db in
            var random = SeededGenerator(seed: 2014)
            try await loadPortal(on: db)
            let people = [
                User(id: UUID(), email: adminEmail, name: "Jana Beispiel", role: .admin, passwordHash: hash),
                User(id: UUID(), email: staffEmail, name: "Murat Muster", role: .staff, passwordHash: hash),
                User(id: UUID(), email: memberEmail, name: "Aylin Beispiel", role: .member, passwordHash: hash),
            ]
            try await people.create(on: db)
            let members = (0..<scale.extraMembers).map { index in
                let name = fictionalName(&random)
                return User(email: "mitglied\(index + 1)@stadtwald.example", name: name, role: .member, passwordHash: hash,
                            isActive: index % 17 != 0)
            }
            for chunk in members.chunked(into: 200) { try await chunk.create(on: db) }
            try await loadFeedback(count: scale.feedbackMessages, random: &random, on: db)
            try await loadActors(scale: scale, adminID: try people[0].requireID(), staffID: try people[1].requireID(), random: &random, on: db)
            try await loadCommittees(scale: scale, on: db)
            try await loadEvents(scale: scale, on: db)
            try await loadWorkshop(on: db)
            try await loadEventDocumentation(on: db)
            try await loadFund(scale: scale, on: db)
            try await loadProjects(scale: scale, on: db)
            try await loadSurveys(scale: scale, on: db)
            try await loadConcerns(scale: scale, on: db)
            try await loadNews(scale: scale, on: db)
            try await loadNewsletter(scale: scale, on: db)
            try await loadAudit(count: scale.auditEntries, actor: people[0], random: &random, on: db)
        }
        // Fresh statistics let SQLite's query planner pick the indexes for lists over the large archive. PostgreSQL's
        // autovacuum keeps its own; a database-wide ANALYZE there would also touch every other schema.
        if let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" { try await sql.raw("ANALYZE").run() }
    }

    private static func loadPortal(on db: any Database) async throws {
        let settings = try await PortalSettings.query(on: db).first() ?? .blank()
        settings.districtName = "Stadtwald-Ockershausen (Beispiel)"
        settings.isFictional = true
        settings.officeName = "Stadtteilbüro Stadtwald (Beispiel)"
        settings.people = "Jana Beispiel – Quartiersmanagerin\nMurat Muster – Quartiersmanagement und Gemeinwesenarbeit"
        settings.phone = "06421 555 01 90"
        settings.email = "stadtteilbuero@stadtwald.example"
        settings.street = "Am Beispielhang 12"
        settings.postalCode = "35037"
        settings.city = "Marburg"
        settings.openingHours = "Montag bis Donnerstag 9–13 Uhr\nDienstag 14–18 Uhr"
        settings.consultationHours = "Offene Sprechstunde: Mittwoch 15–17 Uhr\nSprechstunde auf Türkisch und Arabisch: jeden 1. Donnerstag 16–18 Uhr"
        try await settings.save(on: db)
        PortalSettings.invalidateCache()

        let texts = [
            SiteText(key: .intro, language: .de, title: "Willkommen im Stadtteil Stadtwald-Ockershausen", body: """
            Seit 2014 gehört unser Stadtteil zum Programm „Soziale Stadt“, heute „Sozialer Zusammenhalt“. Das Quartiersmanagement ist Ihre Ansprechstelle im Stadtteilbüro: Wir hören zu, bringen Bewohnerinnen und Bewohner, Vereine, Schulen, Wohnungsunternehmen, Verwaltung und Politik an einen Tisch und setzen gemeinsam mit Ihnen das Integrierte Stadtentwicklungskonzept (ISEK) um.

            Sie haben eine Idee für den Stadtteil, ein Anliegen oder wollen mitmachen? Kommen Sie in die Sprechstunde, rufen Sie an oder schreiben Sie uns. Sie brauchen dafür kein Benutzerkonto.

            Hinweis: Dies ist ein Beispiel-Stadtteil. Alle Personen, Adressen und Telefonnummern auf dieser Seite sind erfunden.
            """),
            SiteText(key: .intro, language: .en, title: "Welcome to the Stadtwald-Ockershausen neighbourhood", body: """
            Since 2014 our neighbourhood has been part of the federal programme “Soziale Stadt”, now “Sozialer Zusammenhalt” (social cohesion). The neighbourhood management in the neighbourhood office is your point of contact: we listen, bring residents, clubs, schools, housing companies, the city administration and local politics to one table, and carry out the integrated development concept (ISEK) together with you.

            Do you have an idea for the neighbourhood, a concern, or would you like to take part? Come to the consultation hour, call us or write to us. You do not need an account.

            Note: this is an example district. All people, addresses and phone numbers on this site are fictional.
            """),
            SiteText(key: .easyRead, language: .de, title: "Das Stadtteil-Büro in Leichter Sprache", body: """
            Sie wohnen im Stadtteil Stadtwald.
            Oder in Ockershausen.
            Dann sind wir für Sie da.

            Wir sind das Stadtteil-Büro.
            Wir arbeiten für alle Menschen im Stadtteil.
            Sie können zu uns kommen.
            Sie können uns anrufen.
            Sie können uns eine E-Mail schreiben.

            Sie haben eine Idee für den Stadtteil?
            Oder Sie haben ein Problem im Stadtteil?
            Dann sagen Sie es uns.
            Wir hören zu.
            Wir helfen Ihnen.

            Das kostet nichts.
            Sie brauchen kein Konto im Internet.

            Wichtig: Dieser Stadtteil ist ein Beispiel.
            Die Namen und Telefon-Nummern sind ausgedacht.
            """),
            SiteText(key: .imprint, language: .de, title: "Impressum", body: """
            Angaben gemäß § 5 DDG

            Quartiersmanagement Stadtwald-Ockershausen (Beispiel)
            Träger: Beispielverein für Gemeinwesenarbeit e. V.
            Am Beispielhang 12
            35037 Marburg

            Vertreten durch den Vorstand: Erika Mustermann
            Telefon: 06421 555 01 90
            E-Mail: stadtteilbuero@stadtwald.example

            Gefördert im Bund-Länder-Programm „Sozialer Zusammenhalt“.

            Dies ist ein Beispiel: Träger, Personen und Kontaktdaten sind erfunden.
            """),
            SiteText(key: .imprint, language: .en, title: "Legal notice", body: """
            Information according to § 5 DDG (German Digital Services Act)

            Neighbourhood management Stadtwald-Ockershausen (example)
            Carrier: Beispielverein für Gemeinwesenarbeit e. V.
            Am Beispielhang 12
            35037 Marburg, Germany

            Represented by the board: Erika Mustermann
            Phone: +49 6421 555 01 90
            E-mail: stadtteilbuero@stadtwald.example

            This is an example: the carrier, people and contact details are fictional.
            """),
            SiteText(key: .privacy, language: .de, title: "Datenschutzerklärung", body: """
            Wir verarbeiten personenbezogene Daten nur, soweit es für unsere Arbeit nötig ist, und nur für den Zweck, dem Sie zugestimmt haben.

            Diese Website setzt keine Cookies zur Verfolgung ein. Ein Cookie merkt sich Ihre gewählte Sprache; ein weiteres schützt Formulare vor Missbrauch. Wer sich anmeldet, erhält zusätzlich ein Sitzungs-Cookie.

            Wenn Sie uns über das Rückmeldeformular schreiben, speichern wir Ihre Nachricht und – wenn Sie sie angeben – Ihren Namen und Ihre E-Mail-Adresse, um Ihnen zu antworten. Sie können jederzeit Auskunft, Berichtigung und Löschung verlangen. Schreiben Sie dazu an stadtteilbuero@stadtwald.example.

            Verantwortlich ist der Träger des Quartiersmanagements (siehe Impressum). Dies ist ein Beispieltext für den Demo-Stadtteil.
            """),
            SiteText(key: .privacy, language: .en, title: "Privacy policy", body: """
            We process personal data only as far as our work needs it, and only for the purpose you agreed to.

            This website uses no tracking cookies. One cookie remembers the language you chose; another protects forms from misuse. People who log in also get a session cookie.

            When you write to us through the feedback form, we store your message and — if you give them — your name and e-mail address, to answer you. You can ask at any time what we store about you, and have it corrected or deleted. Write to stadtteilbuero@stadtwald.example.

            The carrier of the neighbourhood management is responsible (see the legal notice). This is an example text for the demo district.
            """),
            SiteText(key: .accessibility, language: .de, title: "Erklärung zur Barrierefreiheit", body: """
            Das Quartiersmanagement ist bemüht, diese Website im Einklang mit der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) und der EN 301 549 barrierefrei zugänglich zu machen. Ziel ist die Konformität mit den WCAG 2.1 auf Stufe AA.

            Stand der Vereinbarkeit: Die Website ist nach unserer Prüfung mit automatisierten Tests und eigenen Tests mit Tastatur und Bildschirmleser weitgehend barrierefrei. Alle Funktionen sind ohne JavaScript nutzbar.

            Sind Ihnen Barrieren aufgefallen? Dann schreiben Sie uns bitte über das Formular unten oder rufen Sie an. Wir antworten innerhalb von zwei Wochen.

            Schlichtungsverfahren: Wenn Sie keine zufriedenstellende Antwort erhalten, können Sie sich an die zuständige Schlichtungsstelle Ihres Landes wenden.
            """),
            SiteText(key: .accessibility, language: .en, title: "Accessibility statement", body: """
            The neighbourhood management strives to make this website accessible in accordance with the German accessibility regulation (BITV 2.0) and EN 301 549. Our aim is conformance with WCAG 2.1 level AA.

            Compliance status: according to automated tests and our own tests with keyboard and screen reader, the website is largely accessible. Every function works without JavaScript.

            Did you meet a barrier? Please tell us with the form below or call us. We answer within two weeks.

            Enforcement procedure: if you do not receive a satisfactory answer, you can contact the conciliation body of your federal state.
            """),
        ]
        try await texts.create(on: db)
    }

    private static func loadFeedback(count: Int, random: inout SeededGenerator, on db: any Database) async throws {
        let samples = [
            "Die Schrift im Veranstaltungskalender ist auf meinem Handy sehr klein. Können Sie das ändern?",
            "Bitte bieten Sie die Seite auch auf Türkisch an. Meine Mutter liest kein Deutsch.",
            "Der Link zum Stadtteilfest hat bei mir nicht funktioniert.",
            "Mit dem Bildschirmleser finde ich das Kontaktformular gut. Danke!",
            "Die Tabelle mit den Öffnungszeiten ist schwer zu lesen.",
        ]
        let messages = (0..<count).map { index in
            let feedback = Feedback(
                name: index % 3 == 0 ? nil : fictionalName(&random),
                email: index % 2 == 0 ? nil : "bewohner\(index)@beispiel.example",
                message: samples[Int(random.next() % UInt64(samples.count))],
                language: index % 4 == 0 ? "en" : "de"
            )
            if index % 5 == 4 { feedback.handledAt = Date(timeIntervalSince1970: 1_790_000_000) }
            return feedback
        }
        for chunk in messages.chunked(into: 500) { try await chunk.create(on: db) }
    }

    private static func loadAudit(count: Int, actor: User, random: inout SeededGenerator, on db: any Database) async throws {
        guard count > 0 else { return }
        let actorID = try actor.requireID()
        var entries: [AuditEntry] = []
        for index in 0..<count {
            entries.append(try AuditEntry(
                actorID: actorID, actorEmail: actor.email, action: .update, entityType: PortalSettings.auditType,
                entityID: UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", index))!.uuidString,
                changes: [FieldChange(field: "opening_hours", before: "Mo–Do 9–13 Uhr", after: "Mo–Do 9–\(12 + Int(random.next() % 4)) Uhr")]
            ))
        }
        for chunk in entries.chunked(into: 500) { try await chunk.create(on: db) }
    }

    private static func fictionalName(_ random: inout SeededGenerator) -> String {
        let first = ["Aylin", "Jonas", "Mariam", "Peter", "Oksana", "Hassan", "Lena", "Dimitri", "Fatma", "Klaus", "Sofia", "Ali"]
        let last = ["Beispiel", "Muster", "Probe", "Exempel", "Fiktiv", "Demo", "Erfunden", "Platzhalter"]
        return first[Int(random.next() % UInt64(first.count))] + " " + last[Int(random.next() % UInt64(last.count))]
    }
}

extension Array {
    func chunked(into size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
