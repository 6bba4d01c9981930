import Fluent
import QuartierCore
import Vapor

/// The staff start page: what needs attention now. Later features add their tiles here.
struct DashboardController: RouteCollection {
    struct Tile: Encodable {
        let label: String
        let count: Int
        let href: String
        let needsAttention: Bool
    }

    struct DashboardContent: Encodable {
        let greeting: String
        let tiles: [Tile]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RequireRole(role: .staff)).get(.dashboard, use: show)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let openFeedback = try await Feedback.query(on: req.db).filter(\.$handledAt == nil).count()
        let dueFollowUps = try await ContactController.dueCount(on: req.db)
        let outreachFilter = DirectoryFilter(monate: "6")
        let overdueOrganisations = try await OrganisationController.filtered(outreachFilter, on: req.db).count()
        let overdueTasks = try await MeetingController.overdueTasks(on: req.db)
        let now = Date()
        let upcomingEvents = try await Event.query(on: req.db).filter(\.$state == .published).filter(\.$startsAt >= now)
            .filter(\.$startsAt < now.addingTimeInterval(14 * 86_400)).count()
        let draftEvents = try await Event.query(on: req.db).filter(\.$state == .draft).filter(\.$endsAt >= now).count()
        var tiles = [
            Tile(label: req.t("dashboard.tasks"), count: overdueTasks, href: SiteURL.committees.path, needsAttention: overdueTasks > 0),
            Tile(label: req.t("dashboard.followups"), count: dueFollowUps, href: SiteURL.followUps.path, needsAttention: dueFollowUps > 0),
            Tile(label: req.t("dashboard.outreach"), count: overdueOrganisations, href: SiteURL.outreach.path, needsAttention: overdueOrganisations > 0),
            Tile(label: req.t("dashboard.feedback"), count: openFeedback, href: SiteURL.feedbackList.path, needsAttention: openFeedback > 0),
            Tile(label: req.t("dashboard.events"), count: upcomingEvents, href: SiteURL.events.path, needsAttention: false),
            Tile(label: req.t("dashboard.drafts"), count: draftEvents, href: SiteURL.events.path + "?ansicht=entwuerfe", needsAttention: false),
        ]
        if user.role == .admin {
            let failedMail = try await OutboxMail.query(on: req.db).filter(\.$state == .failed).count()
            let queuedMail = try await OutboxMail.query(on: req.db).filter(\.$state == .queued).count()
            tiles.append(Tile(label: req.t("dashboard.mail_failed"), count: failedMail, href: SiteURL.adminMail.path, needsAttention: failedMail > 0))
            tiles.append(Tile(label: req.t("dashboard.mail_queued"), count: queuedMail, href: SiteURL.adminMail.path, needsAttention: false))
        }
        let content = DashboardContent(greeting: req.t("dashboard.greeting", user.name), tiles: tiles)
        return try await req.renderPage("backoffice/dashboard", title: req.t("dashboard.title"), content)
    }
}
