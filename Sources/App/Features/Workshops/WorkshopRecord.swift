import Fluent
import QuartierCore
import Vapor

/// A future workshop as its pages show it: the phases with their clusters, cards and dot ranking, and the project
/// sketches with their steps. Only approved cards appear; participants' cards waiting for approval are loaded apart
/// for the facilitator. A bounded number of queries, whatever the size of the workshop.
struct WorkshopRecord: Encodable {
    struct Card: Encodable {
        let id: String
        let text: String
        let dots: Int
        let dotsLabel: String
        let fromParticipant: Bool
        let editURL: String
        /// The clusters of the card's phase, for the facilitator's "arrange" form.
        let clusterOptions: [SelectOption]
    }

    struct Cluster: Encodable {
        let id: String
        let heading: String
        let dots: Int
        let dotsLabel: String
        let cards: [Card]
        let renameURL: String
        let deleteURL: String
    }

    struct Rank: Encodable {
        let rank: Int
        let label: String
        let isCluster: Bool
        let dots: Int
        let tied: Bool
    }

    struct Phase: Encodable {
        let key: String
        let anchor: String
        /// The in-page link to the phase's section.
        let link: String
        let number: Int
        let name: String
        let question: String
        let isCurrent: Bool
        let isReached: Bool
        let clusters: [Cluster]
        let looseCards: [Card]
        /// Every card of the phase, clustered or not, in the order they were written.
        let cards: [Card]
        let ranking: [Rank]
        let cardCount: Int
        /// Neither cards nor clusters yet.
        let isEmpty: Bool
        /// "No cluster" and the phase's clusters, for the form that adds a card.
        let clusterChoices: [SelectOption]
    }

    struct Step: Encodable {
        let what: String
        let who: String
        let due: String
        let machine: String
        let deleteURL: String
    }

    struct Sketch: Encodable {
        let id: String
        let number: Int
        let title: String
        let description: [[String]]
        let origin: String?
        let steps: [Step]
        let stepsURL: String
        let deleteURL: String
        let dueDefault: String
    }

    let phases: [Phase]
    let sketches: [Sketch]
    let currentPhase: String
    let currentPhaseNumber: Int
    let sketchesOpen: Bool
    /// Clusters of the utopia phase a sketch can grow out of.
    let originChoices: [SelectOption]

    static func load(_ workshop: Workshop, _ req: Request) async throws -> WorkshopRecord {
        let id = try workshop.requireID()
        let clusters = try await WorkshopCluster.query(on: req.db).filter(\.$workshop.$id == id).sort(\.$position).all()
        let cards = try await WorkshopCard.query(on: req.db).filter(\.$workshop.$id == id).filter(\.$status == .approved)
            .sort(\.$position).all()
        let sketches = try await WorkshopSketch.query(on: req.db).filter(\.$workshop.$id == id).sort(\.$position).all()
        let sketchIDs = try sketches.map { try $0.requireID() }
        let steps = sketchIDs.isEmpty ? [] : try await WorkshopStep.query(on: req.db).filter(\.$sketch.$id ~~ sketchIDs)
            .sort(\.$dueOn).sort(\.$position).all()
        let headings = Dictionary(uniqueKeysWithValues: try clusters.map { (try $0.requireID(), $0.heading) })
        let current = workshop.phase
        func dotsLabel(_ dots: Int) -> String { req.t(dots == 1 ? "workshop.dots.one" : "workshop.dots.count", String(dots)) }

        let phases = try WorkshopPhase.allCases.map { phase -> Phase in
            let phaseClusters = clusters.filter { $0.phase == phase }
            let phaseCards = cards.filter { $0.phase == phase }
            func cardView(_ card: WorkshopCard) throws -> Card {
                Card(id: try card.requireID().uuidString, text: card.text, dots: card.dots, dotsLabel: dotsLabel(card.dots), fromParticipant: card.source == .participant,
                     editURL: SiteURL.workshopCard(id: try card.requireID().uuidString).path,
                     clusterOptions: try [SelectOption(value: "", label: req.t("workshop.cluster.none"), selected: card.$cluster.id == nil)]
                        + phaseClusters.map { SelectOption(value: try $0.requireID().uuidString, label: $0.heading, selected: card.$cluster.id == $0.id) })
            }
            let clusterViews = try phaseClusters.map { cluster in
                let clusterID = try cluster.requireID()
                return Cluster(id: clusterID.uuidString, heading: cluster.heading, dots: cluster.dots, dotsLabel: dotsLabel(cluster.dots),
                               cards: try phaseCards.filter { $0.$cluster.id == clusterID }.map(cardView),
                               renameURL: SiteURL.workshopCluster(id: clusterID.uuidString).path,
                               deleteURL: SiteURL.workshopClusterDelete(id: clusterID.uuidString).path)
            }
            var labels: [String: (String, Bool)] = [:]
            var entries: [(id: String, dots: Int)] = []
            for cluster in phaseClusters {
                let key = "cluster:" + (try cluster.requireID().uuidString)
                labels[key] = (cluster.heading, true)
                entries.append((id: key, dots: cluster.dots))
            }
            for card in phaseCards {
                let key = "card:" + (try card.requireID().uuidString)
                labels[key] = (card.text, false)
                entries.append((id: key, dots: card.dots))
            }
            let ranking = DotVoting.rank(entries).map { entry in
                Rank(rank: entry.rank, label: labels[entry.id]?.0 ?? "", isCluster: labels[entry.id]?.1 ?? false, dots: entry.dots, tied: entry.isTied)
            }
            return Phase(
                key: phase.rawValue, anchor: "phase-\(phase.rawValue)", link: "#phase-\(phase.rawValue)", number: phase.number,
                name: req.t("workshop.phase.\(phase.rawValue)"), question: req.t("workshop.question.\(phase.rawValue)"),
                isCurrent: phase == current, isReached: phase <= current,
                clusters: clusterViews,
                looseCards: try phaseCards.filter { card in card.$cluster.id.map { headings[$0] == nil } ?? true }.map(cardView),
                cards: try phaseCards.map(cardView),
                ranking: ranking, cardCount: phaseCards.count, isEmpty: phaseCards.isEmpty && phaseClusters.isEmpty,
                clusterChoices: try [SelectOption(value: "", label: req.t("workshop.cluster.none"), selected: true)]
                    + phaseClusters.map { SelectOption(value: try $0.requireID().uuidString, label: $0.heading, selected: false) }
            )
        }
        let dueDefault = CalendarDate.iso(CalendarDate.daysAfter(30, CalendarDate.today()))
        let sketchViews = try sketches.enumerated().map { index, sketch in
            let sketchID = try sketch.requireID()
            return Sketch(
                id: sketchID.uuidString, number: index + 1, title: sketch.title, description: PlainText.paragraphs(sketch.description),
                origin: sketch.$origin.id.flatMap { headings[$0] },
                steps: try steps.filter { $0.$sketch.id == sketchID }.map { step in
                    Step(what: step.what, who: step.who, due: CalendarDate.display(step.dueOn, req.language), machine: CalendarDate.iso(step.dueOn),
                         deleteURL: SiteURL.workshopStepDelete(id: try step.requireID().uuidString).path)
                },
                stepsURL: SiteURL.workshopSketchSteps(id: sketchID.uuidString).path,
                deleteURL: SiteURL.workshopSketchDelete(id: sketchID.uuidString).path,
                dueDefault: dueDefault
            )
        }
        return WorkshopRecord(
            phases: phases, sketches: sketchViews, currentPhase: req.t("workshop.phase.\(current.rawValue)"), currentPhaseNumber: current.number,
            sketchesOpen: current.allowsProjectSketches,
            originChoices: try [SelectOption(value: "", label: req.t("workshop.sketch.no_origin"), selected: true)]
                + clusters.filter { $0.phase == .fantasy }.map { SelectOption(value: try $0.requireID().uuidString, label: $0.heading, selected: false) }
        )
    }
}
