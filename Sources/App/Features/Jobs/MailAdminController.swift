import Fluent
import QuartierCore
import Vapor

/// Admins see the mail outbox (what was sent, what failed and why) and send themselves a test mail.
struct MailAdminController: RouteCollection {
    static let perPage = 30

    struct Row: Encodable {
        let created: String
        let recipient: String
        let subject: String
        let purpose: String
        let state: String
        let stateKey: String
        let attempts: Int
        let error: String?
    }

    struct IndexContent: Encodable {
        let mails: [Row]
        let pagination: PaginationContext
        let testMailURL: String
        let sendmail: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(RequireRole(role: .admin))
        admin.get(.adminMail, use: index)
        admin.get(.adminTestMail) { req in req.redirect(to: SiteURL.adminMail.path) }
        admin.post(.adminTestMail, use: sendTest)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage,
                                total: try await OutboxMail.query(on: req.db).count())
        let mails = try await OutboxMail.query(on: req.db).sort(\.$createdAt, .descending)
            .range(window.offset..<(window.offset + window.perPage)).all()
        let rows = mails.map { mail in
            Row(created: mail.createdAt.map { BerlinTime.dateTime($0, req.language) } ?? "", recipient: mail.recipient,
                subject: mail.subject, purpose: mail.purpose, state: req.t("mail.state.\(mail.state.rawValue)"),
                stateKey: mail.state.rawValue, attempts: mail.attempts, error: mail.lastError)
        }
        let content = IndexContent(mails: rows, pagination: PaginationContext(window, baseURL: SiteURL.adminMail.path, req: req),
                                   testMailURL: SiteURL.adminTestMail.path, sendmail: req.settings.sendmail.first ?? "")
        return try await req.renderPage("backoffice/mail", title: req.t("mail.title"), content, withForms: true)
    }

    @Sendable
    func sendTest(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        try await OutboxMail.enqueue(
            to: user.email, subject: req.t("mail.test.subject"),
            body: req.t("mail.test.body", user.name, req.settings.publicURL.absoluteString),
            purpose: "test", on: req.db
        )
        req.flash("mail.test.queued", user.email)
        return req.redirect(to: SiteURL.adminMail.path)
    }
}
