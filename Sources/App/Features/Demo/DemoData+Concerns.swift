import Fluent
import QuartierCore
import SQLKit
import Vapor

/// The demo district's concerns (Anliegen): the categories mapped to the fields of action, and fictional concerns at
/// every step — with public notes, supports, a merged duplicate, one on the steering group's agenda, one linked to
/// the playground project, several with a place in the district's streets, one waiting for its author's
/// confirmation. At city scale, half a million more are added in raw SQL batches.
extension DemoData {
    static let concernCategories: [(code: String, name: String, description: String, field: String)] = [
        ("spielplatz", "Spielplätze und Freiflächen", "Spielgeräte, Bänke, Plätze zum Draußensein", "Städtebau"),
        ("wege", "Wege, Barrierefreiheit und Beleuchtung", "Gehwege, Treppen, Rampen, Laternen, Haltestellen", "Städtebau"),
        ("wohnen", "Wohnen und Nachbarschaft", "Hauseingänge, Hausordnung, Zusammenleben", "Wohnen"),
        ("gruen", "Grünflächen und Stadtwald", "Bäume, Wiesen, der Stadtwald am Rand des Quartiers", "Umwelt/Klimaschutz"),
        ("sauberkeit", "Sauberkeit und Müll", "Müllplätze, Sperrmüll, Hundekot", "Umwelt/Klimaschutz"),
        ("nahversorgung", "Einkaufen und Nahversorgung", "Läden, Markt, Kiosk", "Wirtschaft"),
        ("treffpunkte", "Treffpunkte und Angebote", "Räume und Angebote für Jung und Alt", "Soziales"),
        ("bildung", "Bildung und Betreuung", "Kita, Schule, Hausaufgabenhilfe, Sprachkurse", "Bildung"),
        ("idee", "Ideen für den Stadtteil", "Was Sie sich für das Quartier wünschen", "Beteiligung"),
    ]

    static let planningOfficeName = "Stadt Marburg (Beispiel) – Fachdienst Stadtplanung"

    private struct DemoConcern {
        let title: String
        let description: String
        let category: String
        let address: String
        let point: (Double, Double)?
        let source: ConcernSource
        let daysAgo: Int
        /// The steps after the receipt: status, note, days after the receipt.
        let steps: [(ConcernStatus, String, Int)]
        let supports: Int
        let email: String
        var published = true
        var forwardTo: String?
    }

    static func loadConcerns(scale: Scale, on db: any Database) async throws {
        let fields = try await FieldOfAction.query(on: db).all()
        var categories: [String: ConcernCategory] = [:]
        for (index, entry) in concernCategories.enumerated() {
            let category = ConcernCategory(code: entry.code, name: entry.name, description: entry.description,
                                           fieldOfActionID: fields.first { $0.name == entry.field }?.id, position: index + 1)
            try await category.create(on: db)
            categories[entry.code] = category
        }
        let planning = try await Organisation.query(on: db).filter(\.$name == planningOfficeName).first()
        let housing = try await Organisation.query(on: db).filter(\.$name == "GeWoBau Beispiel eG").first()
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        func day(_ daysAgo: Int, hour: Int = 10) -> Date {
            let start = berlin.date(byAdding: .day, value: -daysAgo, to: berlin.startOfDay(for: Date()))!
            return berlin.date(bySettingHour: hour, minute: 0, second: 0, of: start)!
        }
        let demo: [DemoConcern] = [
            DemoConcern(title: "Laterne am Treppenweg ist seit Wochen dunkel", description: "Die Laterne am unteren Ende des Treppenwegs zur Bushaltestelle brennt nicht mehr. Abends ist es dort stockdunkel, ältere Nachbarinnen trauen sich nicht mehr hinunter.",
                        category: "wege", address: "Treppenweg 2", point: (50.79135, 8.75460), source: .online, daysAgo: 34,
                        steps: [(.reviewing, "Wir haben uns die Stelle angesehen: Die Laterne ist tatsächlich aus.", 1),
                                (.forwarded, "Weitergeleitet an die Stadtplanung, die die Beleuchtung beauftragt.", 3),
                                (.inProgress, "Die Stadt hat die Reparatur beauftragt.", 10),
                                (.done, "Die Laterne brennt wieder. Danke für den Hinweis!", 20)], supports: 14, email: "", forwardTo: planningOfficeName),
            DemoConcern(title: "Spielplatz am Hang: Schaukel kaputt", description: "Die große Schaukel auf dem Spielplatz am Hang ist abgesperrt. Die Kinder aus den Häusern 3–7 haben kaum noch etwas zum Spielen.",
                        category: "spielplatz", address: "Am Beispielhang 5", point: (50.79062, 8.75712), source: .tenantAssembly, daysAgo: 80,
                        steps: [(.reviewing, "Auf der Mieterversammlung mehrfach genannt; wir prüfen, was möglich ist.", 2),
                                (.forwarded, "An die Stadtplanung weitergeleitet: Der Spielplatz wird ohnehin neu gestaltet.", 9),
                                (.inProgress, "Der Spielplatz wird im Projekt „Spielplatz am Hang neu gestalten“ neu geplant – mit den Kindern.", 30)],
                        supports: 31, email: "", forwardTo: planningOfficeName),
            DemoConcern(title: "Schaukel auf dem Spielplatz defekt", description: "Auf dem Spielplatz hinter Haus 5 ist die Schaukel gesperrt.",
                        category: "spielplatz", address: "Am Beispielhang", point: nil, source: .online, daysAgo: 60,
                        steps: [(.merged, "Dieses Anliegen gibt es schon; wir führen es beim Anliegen „Spielplatz am Hang: Schaukel kaputt“ weiter.", 1)],
                        supports: 3, email: ""),
            DemoConcern(title: "Sitzbänke auf dem Weg zum Einkaufszentrum", description: "Der Weg hinauf zum Einkaufen ist steil. Ein, zwei Bänke zum Ausruhen würden vielen Älteren helfen.",
                        category: "wege", address: "Musterweg 12–30", point: (50.79221, 8.75102), source: .consultation, daysAgo: 45,
                        steps: [(.reviewing, "Wir sammeln mögliche Standorte und sprechen mit dem Seniorentreff.", 4),
                                (.forwarded, "Das Anliegen steht auf der Tagesordnung der Steuerungsgruppe.", 12)], supports: 22, email: "", forwardTo: planningOfficeName),
            DemoConcern(title: "Sperrmüll am Müllplatz Musterweg 40", description: "Am Müllplatz liegt seit Tagen Sperrmüll, dazwischen Glasscherben.",
                        category: "sauberkeit", address: "Musterweg 40", point: (50.79010, 8.75300), source: .phone, daysAgo: 12,
                        steps: [(.forwarded, "An die Wohnungsbaugesellschaft weitergeleitet, der der Müllplatz gehört.", 1),
                                (.done, "Die GeWoBau hat den Sperrmüll abholen lassen.", 4)], supports: 5, email: "", forwardTo: "GeWoBau Beispiel eG"),
            DemoConcern(title: "Ein Bücherschrank für den Stadtteil", description: "Ich wünsche mir einen offenen Bücherschrank, zum Beispiel vor dem Stadtteilbüro. Ich würde mich auch um ihn kümmern.",
                        category: "idee", address: "Am Beispielhang 12", point: (50.79090, 8.75640), source: .online, daysAgo: 20,
                        steps: [(.reviewing, "Schöne Idee! Wir prüfen, ob der Verfügungsfonds das bezahlen kann.", 3)], supports: 18, email: ""),
            DemoConcern(title: "Hauseingang Lindenstraße 21 sehr dunkel", description: "Das Licht im Hauseingang geht nur noch manchmal an.",
                        category: "wohnen", address: "Lindenstraße 21", point: nil, source: .survey, daysAgo: 8,
                        steps: [], supports: 2, email: ""),
            DemoConcern(title: "Mehr Angebote für Jugendliche am Abend", description: "Der Jugendtreff schließt um 18 Uhr. Danach treffen sich die Jugendlichen an der Haltestelle, weil es keinen anderen Ort gibt.",
                        category: "treffpunkte", address: "", point: nil, source: .online, daysAgo: 50,
                        steps: [(.reviewing, "Wir sprechen mit dem Jugendtreff und den Jugendlichen selbst.", 5),
                                (.inProgress, "Ab dem Frühjahr öffnet der Jugendtreff freitags bis 21 Uhr – zunächst als Versuch.", 25)], supports: 27, email: ""),
            DemoConcern(title: "Parkplatz statt Wiese?", description: "Die Wiese am Waldrand soll Parkplatz werden. Bitte nicht!",
                        category: "gruen", address: "Waldrand 8", point: (50.78890, 8.75950), source: .online, daysAgo: 70,
                        steps: [(.reviewing, "Wir haben bei der Stadt nachgefragt.", 2),
                                (.rejected, "Es gibt keine Pläne für einen Parkplatz an der Wiese; die Fläche bleibt Grünfläche. Deshalb schließen wir das Anliegen.", 9)],
                        supports: 9, email: ""),
            DemoConcern(title: "Wochenmarkt im Quartier", description: "Ein kleiner Wochenmarkt einmal pro Woche wäre toll, frisches Obst und Gemüse ohne Bus.",
                        category: "nahversorgung", address: "Am Beispielhang 20", point: (50.79030, 8.75580), source: .online, daysAgo: 15,
                        steps: [], supports: 11, email: ""),
            DemoConcern(title: "Hausaufgabenhilfe auch in den Ferien", description: "In den Ferien fällt die Hausaufgabenhilfe aus. Gerade dann bräuchten manche Kinder Unterstützung beim Lesen.",
                        category: "bildung", address: "Schulweg 1", point: nil, source: .contact, daysAgo: 25,
                        steps: [(.reviewing, "Wir klären mit der Schule und dem Bildungsverein, wer das übernehmen kann.", 6)], supports: 6, email: ""),
            DemoConcern(title: "Bäume am Musterweg gießen", description: "Die jungen Bäume am Musterweg vertrocknen im Sommer.",
                        category: "gruen", address: "Musterweg", point: (50.79150, 8.75220), source: .online, daysAgo: 3,
                        steps: [], supports: 0, email: "gruen.beispiel@example.org", published: false),
        ]
        var created: [Concern] = []
        for (index, entry) in demo.enumerated() {
            guard let category = categories[entry.category] else { continue }
            let concern = Concern(categoryID: try category.requireID(), source: entry.source, title: entry.title, description: entry.description,
                                  address: entry.address, latitude: entry.point?.0, longitude: entry.point?.1, locale: .de,
                                  submitterName: "", submitterEmail: entry.email, wantsUpdates: !entry.email.isEmpty, clientHash: "demo")
            let received = day(entry.daysAgo, hour: 9 + index % 8)
            if entry.email.isEmpty { concern.confirmedAt = received }
            if entry.published && !concern.needsConfirmation { concern.publishedAt = received.addingTimeInterval(3_600) }
            concern.refreshVisibility()
            concern.supportCount = entry.supports
            if let forward = entry.forwardTo {
                concern.$responsibleOrganisation.id = forward == planningOfficeName ? planning?.id : housing?.id
            }
            concern.createdAt = received
            let id = try concern.requireID()
            var steps = [ConcernStep(concernID: id, kind: .submitted, status: .new, note: "", actor: "demo", at: received)]
            if concern.publishedAt != nil { steps.append(ConcernStep(concernID: id, kind: .published, note: "", actor: "demo", at: received.addingTimeInterval(3_600))) }
            for (status, note, after) in entry.steps {
                let at = day(entry.daysAgo - after, hour: 11)
                steps.append(ConcernStep(concernID: id, kind: .status, status: status, note: note, actor: staffEmail, at: at))
                concern.status = status
                concern.statusNote = note
                concern.statusChangedAt = at
            }
            try await concern.create(on: db)
            // The timestamp of creation is the receipt's, not today's.
            if let raw = db as? any SQLDatabase {
                try await raw.update(Concern.schema).set("created_at", to: SQLBind(received)).set("updated_at", to: SQLBind(concern.statusChangedAt))
                    .where("id", .equal, SQLBind(id)).run()
            }
            try await steps.create(on: db)
            created.append(concern)
        }
        // The duplicate lives on in the playground concern; supports from browsers and e-mail addresses.
        if created.count > 3 {
            created[2].$mergedInto.id = created[1].id
            try await created[2].save(on: db)
            for concern in created where concern.isPublic {
                for number in 0..<min(concern.supportCount, 5) {
                    try await ConcernSupport(concernID: try concern.requireID(), browserKey: "demo-\(number)-\(try concern.requireID().uuidString.prefix(8))",
                                             email: number == 0 ? "nachbarin\(number)@example.org" : "", clientHash: "demo").create(on: db)
                }
            }
            // The benches are on the steering group's agenda; the playground concern is part of the playground project.
            if let steering = try await Committee.query(on: db).filter(\.$name ~~ "Steuerungsgruppe").first(),
               let meeting = try await Meeting.query(on: db).filter(\.$committee.$id == steering.requireID()).filter(\.$startsAt >= Date()).sort(\.$startsAt).first() {
                let last = try await AgendaItem.query(on: db).filter(\.$meeting.$id == meeting.requireID()).sort(\.$position, .descending).first()
                let benches = created[3]
                let item = AgendaItem(meetingID: try meeting.requireID(), position: (last?.position ?? 0) + 1, title: "Anliegen: " + benches.publicTitle,
                                      text: benches.publicDescription, isPublic: true)
                try await item.create(on: db)
                benches.$agendaItem.id = try item.requireID()
                try await benches.save(on: db)
                try await ConcernStep(concernID: try benches.requireID(), kind: .agenda, note: BerlinTime.date(meeting.startsAt, .de), actor: staffEmail,
                                      at: day(33, hour: 12)).create(on: db)
            }
            if let project = try await Project.query(on: db).filter(\.$title == playgroundProjectTitle).first() {
                created[1].$project.id = try project.requireID()
                try await created[1].save(on: db)
                try await ConcernStep(concernID: try created[1].requireID(), kind: .project, note: project.title, actor: staffEmail, at: day(50, hour: 12)).create(on: db)
            }
        }
        if scale == .city { try await loadCityConcerns(categories: Array(categories.values), on: db) }
    }

    /// Half a million public concerns for the benchmark, inserted in raw SQL batches (one statement per thousand
    /// rows) so that the city loads in minutes, not hours.
    static func loadCityConcerns(categories: [ConcernCategory], count: Int = 500_000, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        var random = SeededGenerator(seed: 311)
        let statuses: [ConcernStatus] = [.new, .reviewing, .forwarded, .inProgress, .done, .done, .rejected]
        let streets = ["Am Beispielhang", "Musterweg", "Lindenstraße", "Schulweg", "Waldrand", "Treppenweg", "Rathausplatz", "Netzwerkweg"]
        let categoryIDs = try categories.sorted { $0.position < $1.position }.map { try $0.requireID() }
        let columns = ["id", "category_id", "status", "source", "title", "description", "public_title", "public_description", "address", "locale",
                       "submitter_name", "submitter_email", "wants_updates", "token", "confirmed_at", "published_at", "is_public", "support_count",
                       "lock_version", "status_note", "status_changed_at", "client_hash", "created_at", "updated_at"]
        let now = Date()
        let batch = 1000
        for start in stride(from: 0, to: count, by: batch) {
            let insert = sql.insert(into: Concern.schema).columns(columns)
            for number in start..<min(start + batch, count) {
                let status = statuses[Int(random.next() % UInt64(statuses.count))]
                let category = categoryIDs[Int(random.next() % UInt64(categoryIDs.count))]
                let street = streets[Int(random.next() % UInt64(streets.count))]
                // Spread over the last five years, the newest first in number order.
                let created = now.addingTimeInterval(-Double(number) * 300 - 86_400)
                let title = "Beispielanliegen \(number + 1)"
                let text = "Ein erfundenes Anliegen für Lasttests in der \(street)."
                let values: [any Encodable & Sendable] = [
                    UUID(), category, status.rawValue, ConcernSource.online.rawValue, title, text, title, text, "\(street) \(number % 60 + 1)", "de",
                    "", "", false, "city-\(number)", created, created, true, Int(random.next() % 40), 0, "", created, "city", created, created,
                ]
                insert.values(values.map { SQLBind($0) })
            }
            try await insert.run()
        }
    }
}
