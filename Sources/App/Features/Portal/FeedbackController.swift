import Fluent
import QuartierCore
import Vapor

/// Staff read the feedback on barriers and mark it as handled.
struct FeedbackController: RouteCollection {
    static let perPage = 20

    struct Row: Encodable {
        let received: String
        let name: String?
        let email: String?
        let paragraphs: [[String]]
        let handled: String?
        let doneURL: String
    }

    struct IndexContent: Encodable {
        let items: [Row]
        let pagination: PaginationContext
        let showAll: Bool
        let filterURL: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.feedbackList, use: index)
        staff.post(.feedbackDone(id: ":id"), use: markDone)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let showAll = (try? req.query.get(String.self, at: "alle")) == "1"
        func base() -> QueryBuilder<Feedback> {
            let query = Feedback.query(on: req.db)
            return showAll ? query : query.filter(\.$handledAt == nil)
        }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await base().count())
        let items = try await base().sort(\.$createdAt, .descending).range(window.offset..<(window.offset + window.perPage)).all()
        let rows = try items.map { item in
            Row(received: item.createdAt.map { BerlinTime.dateTime($0, req.language) } ?? "",
                name: item.name, email: item.email, paragraphs: PlainText.paragraphs(item.message),
                handled: item.handledAt.map { BerlinTime.dateTime($0, req.language) },
                doneURL: SiteURL.feedbackDone(id: try item.requireID().uuidString).path)
        }
        let content = IndexContent(
            items: rows,
            pagination: PaginationContext(window, baseURL: SiteURL.feedbackList.path, req: req, query: showAll ? ["alle": "1"] : [:]),
            showAll: showAll, filterURL: SiteURL.feedbackList.path
        )
        return try await req.renderPage("portal/feedback", title: req.t("feedback.list.title"), content)
    }

    @Sendable
    func markDone(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let item = try await Feedback.find(id, on: req.db) else {
            throw Abort(.notFound)
        }
        if item.handledAt == nil {
            let before = item.auditSnapshot
            item.handledAt = Date()
            try await item.save(on: req.db)
            try await req.audit(.update, item, before: before)
        }
        req.flash("feedback.list.done")
        return req.redirect(to: SiteURL.feedbackList.path)
    }
}
