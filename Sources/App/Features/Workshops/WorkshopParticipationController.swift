import Fluent
import QuartierCore
import Vapor

/// What participants see without an account: the short link on their phones to send cards during the workshop
/// (they wait for the facilitator's approval), and the documentation of a published workshop.
struct WorkshopParticipationController: RouteCollection {
    struct JoinContent: Encodable {
        let code: String
        let actionURL: String
        let errors: [String]
    }

    struct ParticipateContent: Encodable {
        let title: String
        let phase: String
        let phaseNumber: Int
        let question: String
        let text: String
        let sent: Bool
        let actionURL: String
        let cardLength: Int
        let errors: [String]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.workshopJoin, use: join)
        routes.get(.workshopParticipate(code: ":code"), use: participate)
        routes.post(.workshopParticipate(code: ":code"), use: send)
        routes.get(.publicWorkshop(id: ":id"), use: documentation)
    }

    /// The page behind the bare short address: type the code from the screen.
    @Sendable
    func join(req: Request) async throws -> Response {
        let typed = (try? req.query.get(String.self, at: "code")) ?? ""
        if !typed.isEmpty {
            if let code = WorkshopCode.normalized(typed) {
                return req.redirect(to: SiteURL.workshopParticipate(code: code).path)
            }
            let content = JoinContent(code: typed, actionURL: SiteURL.workshopJoin.path, errors: [req.t("workshop.error.code_format")])
            return try await req.renderPage("workshops/join", title: req.t("workshop.join.title"), content, status: .badRequest)
        }
        let content = JoinContent(code: "", actionURL: SiteURL.workshopJoin.path, errors: [])
        return try await req.renderPage("workshops/join", title: req.t("workshop.join.title"), content)
    }

    @Sendable
    func participate(req: Request) async throws -> Response {
        let (workshop, event) = try await Self.openWorkshop(req)
        let sent = (try? req.query.get(String.self, at: "gesendet")) == "1"
        return try await Self.page(req, workshop: workshop, event: event, text: "", sent: sent, errors: [], status: .ok)
    }

    static func page(_ req: Request, workshop: Workshop, event: Event, text: String, sent: Bool, errors: [String],
                     status: HTTPStatus) async throws -> Response {
        let content = ParticipateContent(
            title: event.title, phase: req.t("workshop.phase.\(workshop.phase.rawValue)"), phaseNumber: workshop.phase.number,
            question: req.t("workshop.question.\(workshop.phase.rawValue)"), text: text, sent: sent,
            actionURL: SiteURL.workshopParticipate(code: workshop.code).path, cardLength: WorkshopLimits.cardLength, errors: errors
        )
        return try await req.renderPage("workshops/participate", title: req.t("workshop.participate.title"), content, status: status, withForms: true)
    }

    /// A participant's card goes into the current phase and waits for the facilitator's approval. One phone may send
    /// a handful of cards every few minutes, and the waiting queue is bounded.
    @Sendable
    func send(req: Request) async throws -> Response {
        let (workshop, event) = try await Self.openWorkshop(req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let raw = form["text"] ?? ""
        let workshopID = try workshop.requireID()
        // The CSRF check let this request in, so the browser holds a seed cookie; it identifies the phone, hashed.
        let sender = WorkshopCard.senderKey(seed: req.cookies[CSRF.cookieName]?.string ?? "")
        let since = Date().addingTimeInterval(-WorkshopLimits.participantWindow)
        let recent = try await WorkshopCard.query(on: req.db).filter(\.$workshop.$id == workshopID).filter(\.$sender == sender)
            .filter(\.$createdAt >= since).count()
        let pending = try await WorkshopCard.query(on: req.db).filter(\.$workshop.$id == workshopID).filter(\.$status == .pending).count()
        switch WorkshopLimits.checkParticipantCard(text: raw, recentFromParticipant: recent, pending: pending) {
        case .invalidText:
            return try await Self.page(req, workshop: workshop, event: event, text: raw, sent: false,
                                       errors: [req.t("workshop.error.card_text", String(WorkshopLimits.cardLength))], status: .badRequest)
        case .tooManyFromParticipant:
            return try await Self.page(req, workshop: workshop, event: event, text: raw, sent: false,
                                       errors: [req.t("workshop.error.too_many", String(Int(WorkshopLimits.participantWindow / 60)))],
                                       status: .tooManyRequests)
        case .tooManyPending:
            return try await Self.page(req, workshop: workshop, event: event, text: raw, sent: false,
                                       errors: [req.t("workshop.error.queue_full")], status: .tooManyRequests)
        case nil:
            break
        }
        let card = WorkshopCard(workshopID: workshopID, phase: workshop.phase, text: WorkshopLimits.cardText(raw) ?? raw, status: .pending,
                                source: .participant, position: 0, sender: sender)
        try await card.save(on: req.db)
        return req.redirect(to: SiteURL.workshopParticipate(code: workshop.code).path + "?gesendet=1")
    }

    /// The documentation of a future workshop, public once its event is published.
    @Sendable
    func documentation(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let event = try await Event.find(id, on: req.db),
              event.format == .futureWorkshop, event.state == .published,
              let workshop = try await Workshop.query(on: req.db).filter(\.$event.$id == id).first()
        else { throw Abort(.notFound) }
        return try await WorkshopController.documentationPage(req, event: event, workshop: workshop, backURL: SiteURL.publicEvent(id: id.uuidString).path,
                                                              backLabel: req.t("workshop.back_to_event"))
    }

    /// The workshop behind a short code, while it takes cards; an unknown or closed code is a clear "not found".
    static func openWorkshop(_ req: Request) async throws -> (Workshop, Event) {
        guard let code = req.parameters.get("code").flatMap(WorkshopCode.normalized),
              let workshop = try await Workshop.query(on: req.db).filter(\.$code == code).first(),
              workshop.participationOpen,
              let event = try await Event.find(workshop.$event.id, on: req.db), event.state != .cancelled
        else { throw UserError(.notFound, "workshop.error.code") }
        return (workshop, event)
    }
}
