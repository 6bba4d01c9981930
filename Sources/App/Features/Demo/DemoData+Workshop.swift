import Fluent
import QuartierCore
import Vapor

/// The demo district's future workshop on the playground on the slope, as the facilitator left it at the end of the
/// day: critique and utopia cards in clusters with their dots, two project sketches with steps, and one card from a
/// phone that arrived at the very end and still waits for approval.
extension DemoData {
    /// The workshop's short code in the demo; participation is closed, the workshop is over.
    static let workshopCode = "SP4HNG"

    static func loadWorkshop(on db: any Database) async throws {
        guard let event = try await Event.query(on: db).filter(\.$title == futureWorkshopTitle).first() else { return }
        let eventID = try event.requireID()
        guard try await Workshop.query(on: db).filter(\.$event.$id == eventID).first() == nil else { return }
        let workshop = Workshop(eventID: eventID, code: workshopCode)
        workshop.phase = .realisation
        workshop.participationOpen = false
        try await workshop.create(on: db)
        let workshopID = try workshop.requireID()

        var clusterPosition = 0
        func cluster(_ phase: WorkshopPhase, _ heading: String, dots: Int) -> WorkshopCluster {
            clusterPosition += 1
            let cluster = WorkshopCluster(workshopID: workshopID, phase: phase, heading: heading, position: clusterPosition)
            cluster.dots = dots
            return cluster
        }
        let safety = cluster(.critique, "Sicherheit und Zustand", dots: 9)
        let forWhom = cluster(.critique, "Für wen ist der Platz?", dots: 5)
        let nature = cluster(.fantasy, "Natur zum Spielen", dots: 11)
        let meeting = cluster(.fantasy, "Treffpunkt für alle Generationen", dots: 7)
        try await [safety, forWhom, nature, meeting].create(on: db)

        var cardPosition = 0
        func card(_ phase: WorkshopPhase, _ text: String, _ cluster: WorkshopCluster?, dots: Int = 0,
                  source: WorkshopCard.Source = .facilitator, status: WorkshopCard.Status = .approved) -> WorkshopCard {
            cardPosition += 1
            let card = WorkshopCard(workshopID: workshopID, phase: phase, text: text, clusterID: cluster?.id, status: status, source: source,
                                    position: status == .approved ? cardPosition : 0)
            card.dots = dots
            return card
        }
        try await [
            card(.critique, "Die Rutsche ist seit einem Jahr gesperrt.", safety, dots: 6),
            card(.critique, "Abends liegen Scherben im Sand.", safety, dots: 4),
            card(.critique, "Keine Beleuchtung auf dem Weg vom Musterweg zum Spielplatz.", safety, dots: 3),
            card(.critique, "Für Kinder unter drei gibt es nichts.", forWhom, dots: 2),
            card(.critique, "Die Jugendlichen werden vom Platz geschickt.", forWhom, dots: 5, source: .participant),
            card(.critique, "Es gibt keinen Schatten und keine Bank für Eltern.", nil, dots: 4),
            card(.fantasy, "Ein Wasserspielplatz mit Matschbereich am Hang.", nature, dots: 8),
            card(.fantasy, "Ein Weidentunnel und ein Baumhaus.", nature, dots: 3, source: .participant),
            card(.fantasy, "Ein Dach, unter dem man auch bei Regen sitzen kann.", meeting, dots: 4),
            card(.fantasy, "Eine Ecke nur für Jugendliche, mit Musik erlaubt.", meeting, dots: 6),
            card(.fantasy, "Ein Nachbarschaftsfest jeden Sommer auf dem Platz.", meeting, dots: 2),
            card(.fantasy, "Eine Seilbahn quer über den Hang.", nil, dots: 1),
            card(.fantasy, "Ein Kiosk mit Eis, den der Jugendtreff betreibt.", nil, source: .participant, status: .pending),
        ].create(on: db)

        let water = WorkshopSketch(workshopID: workshopID, title: "Wasser- und Matschbereich am Hang",
                                   description: "Eine Wasserpumpe, Rinnen und ein Matschtisch im unteren Teil des Spielplatzes, dazu zwei Bänke im Schatten für Eltern.",
                                   originID: nature.id, position: 1)
        let youth = WorkshopSketch(workshopID: workshopID, title: "Jugendecke mit Überdachung",
                                   description: "Ein überdachter Treffpunkt für Jugendliche am oberen Rand, geplant zusammen mit dem Jugendtreff.",
                                   originID: meeting.id, position: 2)
        try await [water, youth].create(on: db)
        let today = CalendarDate.today()
        func step(_ sketch: WorkshopSketch, _ position: Int, _ what: String, _ who: String, inDays days: Int) -> WorkshopStep {
            WorkshopStep(sketchID: sketch.id!, what: what, who: who, dueOn: CalendarDate.daysAfter(days, today), position: position)
        }
        try await [
            step(water, 1, "Angebot für Pumpe und Matschtisch beim Grünflächenamt erfragen", "Quartiersmanagement (Murat Muster)", inDays: 14),
            step(water, 2, "Antrag an den Verfügungsfonds für die Bänke stellen", "Elternbeirat der Grundschule", inDays: 30),
            step(water, 3, "Pflanzaktion für Schattenbäume mit den Kindern planen", "Grundschule am Stadtwald", inDays: 60),
            step(youth, 1, "Jugendliche im Jugendtreff nach Ort und Gestaltung fragen", "Jugendtreff Hang (Beispiel)", inDays: 21),
            step(youth, 2, "Vorschlag in den AK Stadtwald einbringen", "Quartiersmanagement", inDays: 45),
        ].create(on: db)
    }
}
