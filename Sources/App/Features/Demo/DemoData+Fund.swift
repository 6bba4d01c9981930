import Fluent
import QuartierCore
import Vapor

/// The demo district's neighbourhood fund: this year's fund of 10.000 € (at most 1.500 € per application, the
/// neighbourhood management decides alone up to 500 €), a held jury meeting that decided two applications and
/// rejected one, a planned one for the next, and applications at every step — new, pre-checked, approved, paid,
/// with proof of use, closed.
extension DemoData {
    static let fundJuryName = "Jury Verfügungsfonds (Beispiel)"

    static func loadFund(scale: Scale, on db: any Database) async throws {
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        func at(_ days: Int, _ hour: Int) -> Date {
            let day = berlin.date(byAdding: .day, value: days, to: berlin.startOfDay(for: Date()))!
            return berlin.date(bySettingHour: hour, minute: 0, second: 0, of: day)!
        }
        let fund = Fund(year: berlin.component(.year, from: Date()),
                        terms: FundTerms(budgetCents: 1_000_000, maximumPerApplicationCents: 150_000, staffLimitCents: 50_000))
        try await fund.create(on: db)
        let fundID = try fund.requireID()

        guard let jury = try await Committee.query(on: db).filter(\.$name == fundJuryName).first() else { return }
        let held = Meeting(committeeID: try jury.requireID(), startsAt: at(-45, 18), endsAt: at(-45, 20), place: "Stadtteilbüro, Am Beispielhang 12", state: .held)
        let next = Meeting(committeeID: try jury.requireID(), startsAt: at(21, 18), endsAt: at(21, 20), place: "Stadtteilbüro, Am Beispielhang 12")
        try await [held, next].create(on: db)
        try await AgendaItem(meetingID: try held.requireID(), position: 1, title: "Begrüßung und Beschlussfähigkeit", isPublic: false).create(on: db)
        try await AgendaItem(meetingID: try next.requireID(), position: 1, title: "Begrüßung und Beschlussfähigkeit", isPublic: false).create(on: db)

        struct Sample {
            let title: String, applicant: String, group: String, aim: String, target: String, partners: String
            let costs: [(String, Int)], incomes: [(String, Int)]
            let state: FundApplicationState
            let decider: FundDecider?
            let votes: (Int, Int, Int)?
            let reason: String
            let consent: Bool
            let report: String
        }
        let samples = [
            Sample(title: "Nachbarschaftsgarten am Hang (Beispiel)", applicant: "Fatma Beispiel", group: "Gartengruppe Am Hang",
                   aim: "Hochbeete, in denen Nachbarinnen und Nachbarn gemeinsam Gemüse ziehen.", target: "alle im Viertel, besonders Familien",
                   partners: "GeWoBau Beispiel eG (Fläche), Grundschule", costs: [("Holz und Erde für vier Hochbeete", 110_000), ("Saatgut und Werkzeug", 25_000)],
                   incomes: [("Spende Gartencenter", 15_000)], state: .closed, decider: .jury, votes: (4, 0, 1), reason: "", consent: true,
                   report: "Vier Hochbeete stehen, zwölf Haushalte gärtnern mit. Beim Erntefest kamen 60 Leute."),
            Sample(title: "Sprachcafé für Nachbarinnen (Beispiel)", applicant: "Aylin Beispiel", group: "Mieterbeirat Stadtwald",
                   aim: "Einmal die Woche Deutsch sprechen bei Tee und Kuchen.", target: "Frauen, die Deutsch lernen", partners: "Moscheeverein",
                   costs: [("Tee, Kaffee und Kuchen für 20 Treffen", 40_000), ("Lernmaterial", 5_000)], incomes: [], state: .proofSubmitted, decider: .staff,
                   votes: nil, reason: "", consent: true, report: "20 Treffen mit im Schnitt acht Frauen; Belege liegen bei."),
            Sample(title: "Bücherschrank an der Haltestelle (Beispiel)", applicant: "Thomas Demo", group: "Umweltgruppe Stadtwald",
                   aim: "Ein wetterfester Schrank zum Tauschen von Büchern.", target: "alle, die an der Haltestelle warten", partners: "Stadtwerke (Genehmigung)",
                   costs: [("Schrank aus Holz, wetterfest", 80_000)], incomes: [], state: .approved, decider: .jury, votes: (3, 1, 1), reason: "",
                   consent: true, report: ""),
            Sample(title: "Feuerwerk zum Stadtteilfest (Beispiel)", applicant: "Klaus Muster", group: "",
                   aim: "Ein Feuerwerk zum Abschluss des Stadtteilfests.", target: "alle Besucherinnen und Besucher", partners: "",
                   costs: [("Feuerwerk", 150_000)], incomes: [], state: .rejected, decider: .jury, votes: (0, 4, 1),
                   reason: "Ein Feuerwerk bringt Nachbarinnen und Nachbarn nicht dauerhaft zusammen; die Jury empfiehlt, Mittel für das Fest selbst zu beantragen.",
                   consent: false, report: ""),
            Sample(title: "Hausaufgabenhilfe mit Snacks (Beispiel)", applicant: "Lea Erfunden", group: "Jugendtreff Stadtwald",
                   aim: "Obst und Getränke für die Hausaufgabenhilfe am Nachmittag.", target: "Schulkinder der Klassen 3 bis 6", partners: "Grundschule",
                   costs: [("Obst und Getränke für ein Halbjahr", 30_000)], incomes: [], state: .paid, decider: .staff, votes: nil, reason: "",
                   consent: true, report: ""),
            Sample(title: "Kinder-Kunstwoche in den Herbstferien (Beispiel)", applicant: "Mia Probe", group: "Elterninitiative Am Hang",
                   aim: "Eine Woche Malen und Bauen mit einer Künstlerin.", target: "Kinder von 6 bis 12 Jahren", partners: "Jugendtreff",
                   costs: [("Honorar Künstlerin", 50_000), ("Material", 20_000)], incomes: [("Elternbeiträge", 5_000)], state: .prechecked, decider: nil,
                   votes: nil, reason: "", consent: true, report: ""),
            Sample(title: "Nachbarschaftsfrühstück im Hof (Beispiel)", applicant: "Rosa Beispiel", group: "",
                   aim: "Ein Frühstück im Hof, damit sich die Nachbarn kennenlernen.", target: "alle im Haus Musterweg 44", partners: "",
                   costs: [("Brötchen und Aufstrich", 18_000), ("Geschirr leihen", 4_000)], incomes: [], state: .submitted, decider: nil,
                   votes: nil, reason: "", consent: true, report: ""),
        ]
        var position = 1
        for (index, sample) in samples.enumerated() {
            let plan = FinancingPlan(lines: sample.costs.map { FinancingLine(kind: .cost, label: $0.0, cents: $0.1) }
                                     + sample.incomes.map { FinancingLine(kind: .income, label: $0.0, cents: $0.1) })
            let application = FundApplication(
                fundID: fundID, applicantName: sample.applicant, groupName: sample.group,
                email: "antrag\(index + 1)@beispiel.example", phone: "", locale: .de, title: sample.title, aim: sample.aim, targetGroup: sample.target,
                partners: sample.partners, requestedCents: plan.requestedCents, publicConsent: sample.consent
            )
            application.state = sample.state
            if sample.state != .submitted { application.precheckNote = "Vollständig, passt zu den Förderzielen." }
            if let decider = sample.decider {
                application.decidedBy = decider
                application.decidedAt = at(-45 + index, 12)
                if sample.state == .rejected {
                    application.decisionReason = sample.reason
                } else {
                    application.approvedCents = plan.requestedCents
                }
                if let votes = sample.votes {
                    position += 1
                    let item = AgendaItem(meetingID: try held.requireID(), position: position, title: "Verfügungsfonds: \(sample.title)",
                                          text: "Antrag von \(sample.group.isEmpty ? sample.applicant : sample.group) über \(Money.format(cents: plan.requestedCents)).",
                                          isPublic: false)
                    item.decisionText = sample.state == .rejected ? "Die Jury lehnt den Antrag ab. Begründung: \(sample.reason)"
                        : "Die Jury bewilligt \(Money.format(cents: plan.requestedCents))."
                    (item.votesYes, item.votesNo, item.votesAbstain) = votes
                    try await item.create(on: db)
                    application.$agendaItem.id = item.id
                }
            }
            if [.paid, .proofSubmitted, .closed].contains(sample.state) {
                application.paidCents = application.approvedCents
                application.paidAt = at(-30 + index, 10)
            }
            application.report = sample.report
            if sample.state == .closed { application.reviewNote = "Belege und Fotos vollständig." }
            try await application.create(on: db)
            let id = try application.requireID()
            for (number, line) in plan.lines.enumerated() { try await FundLine(applicationID: id, line: line, position: number + 1).create(on: db) }
            if sample.state == .closed || sample.state == .proofSubmitted {
                let photo = samplePhoto(width: 48, height: 32)
                let file = FundFile(applicationID: id, kind: .photo, filename: "projekt-\(index + 1).png", mimeType: ImageType.png.mimeType, size: photo.count)
                try await file.create(on: db)
                try await FileContent(id: try file.requireID(), data: Data(photo)).create(on: db)
            }
        }
    }
}
