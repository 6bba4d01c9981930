import Fluent
import QuartierCore
import Vapor

/// The facilitator's workspace of a future workshop: phases, cards, clusters, dot votes, project sketches with their
/// steps, participants' cards to approve, and the short link for the projector.
struct WorkshopController: RouteCollection {
    struct EventFacts: Encodable {
        let title: String
        let date: String
        let machine: String
        let place: String
        let eventURL: String
    }

    struct PendingRow: Encodable {
        let text: String
        let phase: String
        let received: String
        let reviewURL: String
    }

    struct PhaseButton: Encodable {
        let value: String
        let label: String
        let forward: Bool
    }

    /// What the facilitator typed into a form that was refused, so that it is shown again.
    struct Draft: Encodable {
        var cardPhase = ""
        var cardText = ""
        var clusterPhase = ""
        var clusterHeading = ""
        var sketchTitle = ""
        var sketchDescription = ""
        var stepSketch = ""
        var stepWhat = ""
        var stepWho = ""
        var stepDue = ""
    }

    struct PageContent: Encodable {
        let event: EventFacts
        let record: WorkshopRecord
        let pending: [PendingRow]
        let pendingCount: Int
        let pendingFull: Bool
        let code: String
        let codeDisplay: String
        let shortLink: String
        let joinLink: String
        let participationOpen: Bool
        let phaseButtons: [PhaseButton]
        let phaseURL: String
        let participationURL: String
        let cardsURL: String
        let arrangeURL: String
        let clustersURL: String
        let sketchesURL: String
        let documentationURL: String
        let publicURL: String?
        let cardLength: Int
        let headingLength: Int
        let maximumDots: Int
        let draft: Draft
        let errors: [String]
    }

    struct StartContent: Encodable {
        let event: EventFacts
        let startURL: String
    }

    struct CardContent: Encodable {
        let event: EventFacts
        let text: String
        let phase: String
        let pending: Bool
        let clusterOptions: [SelectOption]
        let saveURL: String
        let deleteURL: String
        let backURL: String
        let cardLength: Int
        let errors: [String]
    }

    struct DocumentationContent: Encodable {
        let event: EventFacts
        let record: WorkshopRecord
        let backURL: String?
        let backLabel: String
        let generated: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.eventWorkshop(id: ":id"), use: show)
        staff.post(.eventWorkshop(id: ":id"), use: start)
        staff.post(.workshopPhase(id: ":id"), use: changePhase)
        staff.post(.workshopParticipation(id: ":id"), use: participation)
        staff.post(.workshopCards(id: ":id"), use: addCard)
        staff.post(.workshopArrange(id: ":id"), use: arrange)
        staff.post(.workshopClusters(id: ":id"), use: addCluster)
        staff.post(.workshopSketches(id: ":id"), use: addSketch)
        staff.get(.workshopDocumentation(id: ":id"), use: documentation)
        staff.get(.workshopCard(id: ":id"), use: editCard)
        staff.post(.workshopCard(id: ":id"), use: saveCard)
        staff.post(.workshopCardDelete(id: ":id"), use: deleteCard)
        staff.post(.workshopCardReview(id: ":id"), use: reviewCard)
        staff.post(.workshopCluster(id: ":id"), use: renameCluster)
        staff.post(.workshopClusterDelete(id: ":id"), use: deleteCluster)
        staff.post(.workshopSketchSteps(id: ":id"), use: addStep)
        staff.post(.workshopSketchDelete(id: ":id"), use: deleteSketch)
        staff.post(.workshopStepDelete(id: ":id"), use: deleteStep)
    }

    // MARK: - The workspace

    @Sendable
    func show(req: Request) async throws -> Response {
        let event = try await Self.findEvent(req)
        guard let workshop = try await Self.workshop(of: event, on: req.db) else {
            let content = StartContent(event: try Self.facts(event, req), startURL: SiteURL.eventWorkshop(id: try event.requireID().uuidString).path)
            return try await req.renderPage("workshops/start", title: req.t("workshop.title", event.title), content, withForms: true)
        }
        return try await Self.page(req, event: event, workshop: workshop)
    }

    static func page(_ req: Request, event: Event, workshop: Workshop, errors: [String] = [], status: HTTPStatus = .ok,
                     draft: Draft = Draft()) async throws -> Response {
        let eventID = try event.requireID().uuidString
        let workshopID = try workshop.requireID()
        let pending = try await WorkshopCard.query(on: req.db).filter(\.$workshop.$id == workshopID).filter(\.$status == .pending)
            .sort(\.$createdAt).limit(WorkshopLimits.pendingCards).all()
        let content = PageContent(
            event: try facts(event, req),
            record: try await WorkshopRecord.load(workshop, req),
            pending: try pending.map { card in
                PendingRow(text: card.text, phase: req.t("workshop.phase.\(card.phase.rawValue)"),
                           received: card.createdAt.map { BerlinTime.dateTime($0, req.language) } ?? "",
                           reviewURL: SiteURL.workshopCardReview(id: try card.requireID().uuidString).path)
            },
            pendingCount: pending.count,
            pendingFull: pending.count >= WorkshopLimits.pendingCards,
            code: workshop.code, codeDisplay: WorkshopCode.display(workshop.code),
            shortLink: SiteURL.workshopParticipate(code: workshop.code).absolute(req.settings),
            joinLink: SiteURL.workshopJoin.absolute(req.settings),
            participationOpen: workshop.participationOpen,
            phaseButtons: workshop.phase.transitions.map { target in
                let forward = target > workshop.phase
                return PhaseButton(value: target.rawValue,
                                   label: req.t(forward ? "workshop.phase.forward" : "workshop.phase.back", req.t("workshop.phase.\(target.rawValue)")),
                                   forward: forward)
            },
            phaseURL: SiteURL.workshopPhase(id: eventID).path,
            participationURL: SiteURL.workshopParticipation(id: eventID).path,
            cardsURL: SiteURL.workshopCards(id: eventID).path,
            arrangeURL: SiteURL.workshopArrange(id: eventID).path,
            clustersURL: SiteURL.workshopClusters(id: eventID).path,
            sketchesURL: SiteURL.workshopSketches(id: eventID).path,
            documentationURL: SiteURL.workshopDocumentation(id: eventID).path,
            publicURL: event.state == .published ? SiteURL.publicWorkshop(id: eventID).path : nil,
            cardLength: WorkshopLimits.cardLength, headingLength: WorkshopLimits.headingLength, maximumDots: DotVoting.maximumDots,
            draft: draft, errors: errors
        )
        return try await req.renderPage("workshops/workspace", title: req.t("workshop.title", event.title), content, status: status, withForms: true)
    }

    /// Sets the workspace up, in the critique phase with a fresh short code; a second click changes nothing.
    @Sendable
    func start(req: Request) async throws -> Response {
        let event = try await Self.findEvent(req)
        let eventID = try event.requireID()
        if try await Self.workshop(of: event, on: req.db) == nil {
            var code = WorkshopCode.generate()
            var attempts = 0
            while try await Workshop.query(on: req.db).filter(\.$code == code).first() != nil, attempts < 20 {
                code = WorkshopCode.generate()
                attempts += 1
            }
            let workshop = Workshop(eventID: eventID, code: code)
            try await workshop.save(on: req.db)
            try await req.audit(.create, workshop, before: nil)
            req.flash("workshop.started")
        }
        return req.redirect(to: SiteURL.eventWorkshop(id: eventID.uuidString).path)
    }

    @Sendable
    func changePhase(req: Request) async throws -> Response {
        let (event, workshop) = try await Self.findWorkshop(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        guard let target = form["phase"].flatMap(WorkshopPhase.init(rawValue:)), workshop.phase.canMove(to: target) else {
            return try await Self.page(req, event: event, workshop: workshop, errors: [req.t("workshop.error.phase")], status: .badRequest)
        }
        let before = workshop.auditSnapshot
        workshop.phase = target
        try await workshop.save(on: req.db)
        try await req.audit(.update, workshop, before: before)
        req.flash("workshop.phase_saved", req.t("workshop.phase.\(target.rawValue)"))
        return Self.back(req, event)
    }

    @Sendable
    func participation(req: Request) async throws -> Response {
        let (event, workshop) = try await Self.findWorkshop(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        guard let open = form["open"], open == "1" || open == "0" else {
            return try await Self.page(req, event: event, workshop: workshop, errors: [req.t("error.400.text")], status: .badRequest)
        }
        let before = workshop.auditSnapshot
        workshop.participationOpen = open == "1"
        try await workshop.save(on: req.db)
        try await req.audit(.update, workshop, before: before)
        req.flash(workshop.participationOpen ? "workshop.participation.opened" : "workshop.participation.closed")
        return Self.back(req, event)
    }

    // MARK: - Cards and clusters

    @Sendable
    func addCard(req: Request) async throws -> Response {
        let (event, workshop) = try await Self.findWorkshop(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var draft = Draft()
        draft.cardPhase = form["phase"] ?? ""
        draft.cardText = form["text"] ?? ""
        var errors: [String] = []
        let workshopID = try workshop.requireID()
        guard let phase = form["phase"].flatMap(WorkshopPhase.init(rawValue:)), workshop.phase.acceptsFacilitatorCards(in: phase) else {
            return try await Self.page(req, event: event, workshop: workshop, errors: [req.t("workshop.error.card_phase")], status: .badRequest, draft: draft)
        }
        let text = WorkshopLimits.cardText(form["text"])
        if text == nil { errors.append(req.t("workshop.error.card_text", String(WorkshopLimits.cardLength))) }
        let cluster = try await Self.cluster(form["cluster"], workshopID: workshopID, phase: phase, errors: &errors, req: req)
        let count = try await WorkshopCard.query(on: req.db).filter(\.$workshop.$id == workshopID).filter(\.$phase == phase).count()
        if count >= WorkshopLimits.cardsPerPhase { errors.append(req.t("workshop.error.cards_full", String(WorkshopLimits.cardsPerPhase))) }
        guard errors.isEmpty, let text else {
            return try await Self.page(req, event: event, workshop: workshop, errors: errors, status: .badRequest, draft: draft)
        }
        let card = WorkshopCard(workshopID: workshopID, phase: phase, text: text, clusterID: cluster?.id, status: .approved, source: .facilitator,
                                position: try await Self.nextCardPosition(workshopID, on: req.db))
        try await card.save(on: req.db)
        try await req.audit(.create, card, before: nil)
        req.flash("workshop.card.saved")
        return Self.back(req, event, phase)
    }

    /// Clusters for the cards and dots for cards and clusters of one phase, from the form the facilitator fills in
    /// after the dot exercise. Everything is checked first; one bad number changes nothing.
    @Sendable
    func arrange(req: Request) async throws -> Response {
        let (event, workshop) = try await Self.findWorkshop(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        guard let phase = form["phase"].flatMap(WorkshopPhase.init(rawValue:)), phase <= workshop.phase else {
            return try await Self.page(req, event: event, workshop: workshop, errors: [req.t("workshop.error.card_phase")], status: .badRequest)
        }
        let workshopID = try workshop.requireID()
        let clusters = try await WorkshopCluster.query(on: req.db).filter(\.$workshop.$id == workshopID).filter(\.$phase == phase).all()
        let cards = try await WorkshopCard.query(on: req.db).filter(\.$workshop.$id == workshopID).filter(\.$phase == phase)
            .filter(\.$status == .approved).all()
        let clusterIDs = Set(try clusters.map { try $0.requireID() })
        var errors: [String] = []
        var cardChanges: [(WorkshopCard, UUID?, Int)] = []
        var clusterChanges: [(WorkshopCluster, Int)] = []
        for card in cards {
            let id = try card.requireID().uuidString
            var clusterID = card.$cluster.id
            if let chosen = form["cluster_\(id)"] {
                if chosen.isEmpty {
                    clusterID = nil
                } else if let uuid = UUID(uuidString: chosen), clusterIDs.contains(uuid) {
                    clusterID = uuid
                } else {
                    errors.append(req.t("workshop.error.cluster"))
                }
            }
            var dots = card.dots
            if let field = form["dots_card_\(id)"] {
                if let parsed = DotVoting.parse(field) { dots = parsed } else {
                    errors.append(req.t("workshop.error.dots", card.text, String(DotVoting.maximumDots)))
                }
            }
            cardChanges.append((card, clusterID, dots))
        }
        for cluster in clusters {
            var dots = cluster.dots
            if let field = form["dots_cluster_\(try cluster.requireID().uuidString)"] {
                if let parsed = DotVoting.parse(field) { dots = parsed } else {
                    errors.append(req.t("workshop.error.dots", cluster.heading, String(DotVoting.maximumDots)))
                }
            }
            clusterChanges.append((cluster, dots))
        }
        guard errors.isEmpty else {
            return try await Self.page(req, event: event, workshop: workshop, errors: errors, status: .badRequest)
        }
        let changedCards = cardChanges, changedClusters = clusterChanges
        try await req.db.transaction { database in
            for (card, clusterID, dots) in changedCards where card.$cluster.id != clusterID || card.dots != dots {
                let before = card.auditSnapshot
                card.$cluster.id = clusterID
                card.dots = dots
                try await card.save(on: database)
                try await req.audit(.update, card, before: before, on: database)
            }
            for (cluster, dots) in changedClusters where cluster.dots != dots {
                let before = cluster.auditSnapshot
                cluster.dots = dots
                try await cluster.save(on: database)
                try await req.audit(.update, cluster, before: before, on: database)
            }
        }
        req.flash("workshop.arranged", req.t("workshop.phase.\(phase.rawValue)"))
        return Self.back(req, event, phase)
    }

    @Sendable
    func addCluster(req: Request) async throws -> Response {
        let (event, workshop) = try await Self.findWorkshop(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var draft = Draft()
        draft.clusterPhase = form["phase"] ?? ""
        draft.clusterHeading = form["heading"] ?? ""
        guard let phase = form["phase"].flatMap(WorkshopPhase.init(rawValue:)), workshop.phase.acceptsFacilitatorCards(in: phase) else {
            return try await Self.page(req, event: event, workshop: workshop, errors: [req.t("workshop.error.card_phase")], status: .badRequest, draft: draft)
        }
        let workshopID = try workshop.requireID()
        var errors: [String] = []
        let heading = WorkshopLimits.cardText(form["heading"], maximumLength: WorkshopLimits.headingLength)
        if heading == nil { errors.append(req.t("workshop.error.heading", String(WorkshopLimits.headingLength))) }
        let existing = try await WorkshopCluster.query(on: req.db).filter(\.$workshop.$id == workshopID).filter(\.$phase == phase).count()
        if existing >= WorkshopLimits.clustersPerPhase { errors.append(req.t("workshop.error.clusters_full", String(WorkshopLimits.clustersPerPhase))) }
        guard errors.isEmpty, let heading else {
            return try await Self.page(req, event: event, workshop: workshop, errors: errors, status: .badRequest, draft: draft)
        }
        let position = (try await WorkshopCluster.query(on: req.db).filter(\.$workshop.$id == workshopID).max(\.$position) ?? 0) + 1
        let cluster = WorkshopCluster(workshopID: workshopID, phase: phase, heading: heading, position: position)
        try await cluster.save(on: req.db)
        try await req.audit(.create, cluster, before: nil)
        req.flash("workshop.cluster.saved", heading)
        return Self.back(req, event, phase)
    }

    @Sendable
    func renameCluster(req: Request) async throws -> Response {
        let (cluster, workshop, event) = try await Self.findCluster(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        guard let heading = WorkshopLimits.cardText(form["heading"], maximumLength: WorkshopLimits.headingLength) else {
            return try await Self.page(req, event: event, workshop: workshop,
                                       errors: [req.t("workshop.error.heading", String(WorkshopLimits.headingLength))], status: .badRequest)
        }
        let before = cluster.auditSnapshot
        cluster.heading = heading
        try await cluster.save(on: req.db)
        try await req.audit(.update, cluster, before: before)
        req.flash("workshop.cluster.saved", heading)
        return Self.back(req, event, cluster.phase)
    }

    /// Removes a cluster; its cards stay, without a cluster.
    @Sendable
    func deleteCluster(req: Request) async throws -> Response {
        let (cluster, _, event) = try await Self.findCluster(req)
        let clusterID = try cluster.requireID()
        try await req.db.transaction { database in
            try await WorkshopCard.query(on: database).filter(\.$cluster.$id == clusterID).set(\.$cluster.$id, to: nil).update()
            try await WorkshopSketch.query(on: database).filter(\.$origin.$id == clusterID).set(\.$origin.$id, to: nil).update()
            try await cluster.delete(on: database)
            try await req.audit(.delete, cluster, before: cluster.auditSnapshot, on: database)
        }
        req.flash("workshop.cluster.deleted", cluster.heading)
        return Self.back(req, event, cluster.phase)
    }

    @Sendable
    func editCard(req: Request) async throws -> Response {
        let (card, workshop, event) = try await Self.findCard(req)
        return try await Self.cardPage(req, card: card, workshop: workshop, event: event, text: card.text, errors: [], status: .ok)
    }

    static func cardPage(_ req: Request, card: WorkshopCard, workshop: Workshop, event: Event, text: String, errors: [String],
                         status: HTTPStatus) async throws -> Response {
        let cardID = try card.requireID().uuidString
        let clusters = try await WorkshopCluster.query(on: req.db).filter(\.$workshop.$id == workshop.requireID()).filter(\.$phase == card.phase)
            .sort(\.$position).all()
        let content = CardContent(
            event: try facts(event, req), text: text, phase: req.t("workshop.phase.\(card.phase.rawValue)"), pending: card.status == .pending,
            clusterOptions: try [SelectOption(value: "", label: req.t("workshop.cluster.none"), selected: card.$cluster.id == nil)]
                + clusters.map { SelectOption(value: try $0.requireID().uuidString, label: $0.heading, selected: $0.id == card.$cluster.id) },
            saveURL: SiteURL.workshopCard(id: cardID).path, deleteURL: SiteURL.workshopCardDelete(id: cardID).path,
            backURL: SiteURL.eventWorkshop(id: try event.requireID().uuidString).path + "#phase-\(card.phase.rawValue)",
            cardLength: WorkshopLimits.cardLength, errors: errors
        )
        return try await req.renderPage("workshops/card", title: req.t("workshop.card.edit"), content, status: status, withForms: true)
    }

    @Sendable
    func saveCard(req: Request) async throws -> Response {
        let (card, workshop, event) = try await Self.findCard(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var errors: [String] = []
        let text = WorkshopLimits.cardText(form["text"])
        if text == nil { errors.append(req.t("workshop.error.card_text", String(WorkshopLimits.cardLength))) }
        let cluster = try await Self.cluster(form["cluster"], workshopID: try workshop.requireID(), phase: card.phase, errors: &errors, req: req)
        guard errors.isEmpty, let text else {
            return try await Self.cardPage(req, card: card, workshop: workshop, event: event, text: form["text"] ?? "", errors: errors, status: .badRequest)
        }
        let before = card.auditSnapshot
        card.text = text
        card.$cluster.id = cluster?.id
        try await card.save(on: req.db)
        try await req.audit(.update, card, before: before)
        req.flash("workshop.card.saved")
        return Self.back(req, event, card.phase)
    }

    @Sendable
    func deleteCard(req: Request) async throws -> Response {
        let (card, _, event) = try await Self.findCard(req)
        try await card.delete(on: req.db)
        try await req.audit(.delete, card, before: card.auditSnapshot)
        req.flash("workshop.card.deleted")
        return Self.back(req, event, card.phase)
    }

    /// A participant's card: approved, it joins the wall of its phase; rejected, it is deleted.
    @Sendable
    func reviewCard(req: Request) async throws -> Response {
        let (card, workshop, event) = try await Self.findCard(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        guard card.status == .pending, let decision = form["decision"], decision == "approve" || decision == "reject" else {
            return try await Self.page(req, event: event, workshop: workshop, errors: [req.t("workshop.error.review")], status: .badRequest)
        }
        if decision == "approve" {
            let before = card.auditSnapshot
            card.status = .approved
            card.position = try await Self.nextCardPosition(try workshop.requireID(), on: req.db)
            try await card.save(on: req.db)
            try await req.audit(.update, card, before: before)
            req.flash("workshop.card.approved")
        } else {
            try await card.delete(on: req.db)
            try await req.audit(.delete, card, before: card.auditSnapshot)
            req.flash("workshop.card.rejected")
        }
        return req.redirect(to: SiteURL.eventWorkshop(id: try event.requireID().uuidString).path + "#eingang")
    }

    // MARK: - Project sketches

    @Sendable
    func addSketch(req: Request) async throws -> Response {
        let (event, workshop) = try await Self.findWorkshop(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var draft = Draft()
        draft.sketchTitle = form["title"] ?? ""
        draft.sketchDescription = form["description"] ?? ""
        guard workshop.phase.allowsProjectSketches else {
            return try await Self.page(req, event: event, workshop: workshop, errors: [req.t("workshop.error.sketch_phase")], status: .badRequest, draft: draft)
        }
        let workshopID = try workshop.requireID()
        var errors: [String] = []
        let title = WorkshopLimits.cardText(form["title"], maximumLength: WorkshopLimits.sketchTitleLength)
        if title == nil { errors.append(req.t("workshop.error.sketch_title", String(WorkshopLimits.sketchTitleLength))) }
        let description = (form["description"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if description.count > WorkshopLimits.sketchTextLength { errors.append(req.t("workshop.error.sketch_text", String(WorkshopLimits.sketchTextLength))) }
        let origin = try await Self.cluster(form["origin"], workshopID: workshopID, phase: .fantasy, errors: &errors, req: req)
        let count = try await WorkshopSketch.query(on: req.db).filter(\.$workshop.$id == workshopID).count()
        if count >= WorkshopLimits.sketches { errors.append(req.t("workshop.error.sketches_full", String(WorkshopLimits.sketches))) }
        guard errors.isEmpty, let title else {
            return try await Self.page(req, event: event, workshop: workshop, errors: errors, status: .badRequest, draft: draft)
        }
        let position = (try await WorkshopSketch.query(on: req.db).filter(\.$workshop.$id == workshopID).max(\.$position) ?? 0) + 1
        let sketch = WorkshopSketch(workshopID: workshopID, title: title, description: description, originID: origin?.id, position: position)
        try await sketch.save(on: req.db)
        try await req.audit(.create, sketch, before: nil)
        req.flash("workshop.sketch.saved", title)
        return req.redirect(to: SiteURL.eventWorkshop(id: try event.requireID().uuidString).path + "#projektskizzen")
    }

    @Sendable
    func addStep(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let sketch = try await WorkshopSketch.find(id, on: req.db) else { throw Abort(.notFound) }
        let (workshop, event) = try await Self.parents(sketch.$workshop.id, req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var draft = Draft()
        draft.stepSketch = id.uuidString
        draft.stepWhat = form["what"] ?? ""
        draft.stepWho = form["who"] ?? ""
        draft.stepDue = form["due_on"] ?? ""
        guard workshop.phase.allowsProjectSketches else {
            return try await Self.page(req, event: event, workshop: workshop, errors: [req.t("workshop.error.sketch_phase")], status: .badRequest, draft: draft)
        }
        var errors: [String] = []
        let what = WorkshopLimits.cardText(form["what"], maximumLength: WorkshopLimits.stepTextLength)
        if what == nil { errors.append(req.t("workshop.error.step_what", String(WorkshopLimits.stepTextLength))) }
        let who = WorkshopLimits.cardText(form["who"], maximumLength: WorkshopLimits.stepWhoLength)
        if who == nil { errors.append(req.t("workshop.error.step_who", String(WorkshopLimits.stepWhoLength))) }
        let due = (form["due_on"]).flatMap { CalendarDate.parse($0) }
        if due == nil { errors.append(req.t("workshop.error.step_due")) }
        let count = try await WorkshopStep.query(on: req.db).filter(\.$sketch.$id == id).count()
        if count >= WorkshopLimits.stepsPerSketch { errors.append(req.t("workshop.error.steps_full", String(WorkshopLimits.stepsPerSketch))) }
        guard errors.isEmpty, let what, let who, let due else {
            return try await Self.page(req, event: event, workshop: workshop, errors: errors, status: .badRequest, draft: draft)
        }
        let position = (try await WorkshopStep.query(on: req.db).filter(\.$sketch.$id == id).max(\.$position) ?? 0) + 1
        let step = WorkshopStep(sketchID: id, what: what, who: who, dueOn: due, position: position)
        try await step.save(on: req.db)
        try await req.audit(.create, step, before: nil)
        req.flash("workshop.step.saved", sketch.title)
        return req.redirect(to: SiteURL.eventWorkshop(id: try event.requireID().uuidString).path + "#projektskizzen")
    }

    @Sendable
    func deleteSketch(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let sketch = try await WorkshopSketch.find(id, on: req.db) else { throw Abort(.notFound) }
        let (_, event) = try await Self.parents(sketch.$workshop.id, req)
        try await req.db.transaction { database in
            try await WorkshopStep.query(on: database).filter(\.$sketch.$id == id).delete()
            try await sketch.delete(on: database)
            try await req.audit(.delete, sketch, before: sketch.auditSnapshot, on: database)
        }
        req.flash("workshop.sketch.deleted", sketch.title)
        return req.redirect(to: SiteURL.eventWorkshop(id: try event.requireID().uuidString).path + "#projektskizzen")
    }

    @Sendable
    func deleteStep(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let step = try await WorkshopStep.find(id, on: req.db),
              let sketch = try await WorkshopSketch.find(step.$sketch.id, on: req.db)
        else { throw Abort(.notFound) }
        let (_, event) = try await Self.parents(sketch.$workshop.id, req)
        try await step.delete(on: req.db)
        try await req.audit(.delete, step, before: step.auditSnapshot)
        req.flash("workshop.step.deleted")
        return req.redirect(to: SiteURL.eventWorkshop(id: try event.requireID().uuidString).path + "#projektskizzen")
    }

    // MARK: - Documentation

    @Sendable
    func documentation(req: Request) async throws -> Response {
        let (event, workshop) = try await Self.findWorkshop(req)
        return try await Self.documentationPage(req, event: event, workshop: workshop,
                                                backURL: SiteURL.eventWorkshop(id: try event.requireID().uuidString).path,
                                                backLabel: req.t("workshop.back_to_workspace"))
    }

    static func documentationPage(_ req: Request, event: Event, workshop: Workshop, backURL: String?, backLabel: String) async throws -> Response {
        let content = DocumentationContent(event: try facts(event, req), record: try await WorkshopRecord.load(workshop, req), backURL: backURL,
                                           backLabel: backLabel, generated: BerlinTime.dateTime(Date(), req.language))
        return try await req.renderPage("workshops/documentation", title: req.t("workshop.documentation.title", event.title), content)
    }

    // MARK: - Helpers

    static func facts(_ event: Event, _ req: Request) throws -> EventFacts {
        EventFacts(title: event.title, date: BerlinTime.dateTime(event.startsAt, req.language) + " – " + BerlinTime.time(event.endsAt, req.language),
                   machine: BerlinTime.machineReadable(event.startsAt), place: event.place,
                   eventURL: SiteURL.event(id: try event.requireID().uuidString).path)
    }

    /// The event of the address, which must be a future workshop.
    static func findEvent(_ req: Request) async throws -> Event {
        guard let id = req.parameters.get("id", as: UUID.self), let event = try await Event.find(id, on: req.db) else { throw Abort(.notFound) }
        guard event.format == .futureWorkshop else { throw UserError(.notFound, "workshop.error.format") }
        return event
    }

    static func workshop(of event: Event, on database: any Database) async throws -> Workshop? {
        try await Workshop.query(on: database).filter(\.$event.$id == event.requireID()).first()
    }

    static func findWorkshop(_ req: Request) async throws -> (Event, Workshop) {
        let event = try await findEvent(req)
        guard let workshop = try await workshop(of: event, on: req.db) else { throw UserError(.notFound, "workshop.error.not_started") }
        return (event, workshop)
    }

    static func parents(_ workshopID: UUID, _ req: Request) async throws -> (Workshop, Event) {
        guard let workshop = try await Workshop.find(workshopID, on: req.db), let event = try await Event.find(workshop.$event.id, on: req.db)
        else { throw Abort(.notFound) }
        return (workshop, event)
    }

    static func findCard(_ req: Request) async throws -> (WorkshopCard, Workshop, Event) {
        guard let id = req.parameters.get("id", as: UUID.self), let card = try await WorkshopCard.find(id, on: req.db) else { throw Abort(.notFound) }
        let (workshop, event) = try await parents(card.$workshop.id, req)
        return (card, workshop, event)
    }

    static func findCluster(_ req: Request) async throws -> (WorkshopCluster, Workshop, Event) {
        guard let id = req.parameters.get("id", as: UUID.self), let cluster = try await WorkshopCluster.find(id, on: req.db) else { throw Abort(.notFound) }
        let (workshop, event) = try await parents(cluster.$workshop.id, req)
        return (cluster, workshop, event)
    }

    /// The cluster a form chose: none for an empty choice; it must belong to the workshop and the phase.
    static func cluster(_ value: String?, workshopID: UUID, phase: WorkshopPhase, errors: inout [String], req: Request) async throws -> WorkshopCluster? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        guard let id = UUID(uuidString: value),
              let cluster = try await WorkshopCluster.query(on: req.db).filter(\.$id == id).filter(\.$workshop.$id == workshopID)
                .filter(\.$phase == phase).first()
        else {
            errors.append(req.t("workshop.error.cluster"))
            return nil
        }
        return cluster
    }

    static func nextCardPosition(_ workshopID: UUID, on database: any Database) async throws -> Int {
        (try await WorkshopCard.query(on: database).filter(\.$workshop.$id == workshopID).max(\.$position) ?? 0) + 1
    }

    static func back(_ req: Request, _ event: Event, _ phase: WorkshopPhase? = nil) -> Response {
        let path = SiteURL.eventWorkshop(id: event.id?.uuidString ?? "").path
        return req.redirect(to: path + (phase.map { "#phase-\($0.rawValue)" } ?? ""))
    }
}
