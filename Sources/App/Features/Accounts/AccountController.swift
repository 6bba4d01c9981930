import Fluent
import QuartierCore
import Vapor

/// Every user's own page: who they are logged in as, and changing their password.
struct AccountController: RouteCollection {
    struct PasswordForm: Content {
        var current: String?
        var new: String?
        var repeated: String?
    }

    struct AccountContent: Encodable {
        let name: String
        let email: String
        let role: String
        let lastLogin: String?
        let errors: [String]
    }

    func boot(routes: any RoutesBuilder) throws {
        let member = routes.grouped(RequireRole(role: .member))
        member.get(.account, use: show)
        member.post(.account, use: changePassword)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        try await page(req, errors: [], status: .ok)
    }

    @Sendable
    func changePassword(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let form = try req.content.decode(PasswordForm.self)
        var errors: [String] = []
        let currentMatches = try await req.password.async.verify(form.current ?? "", created: user.passwordHash)
        if !currentMatches { errors.append(req.t("account.error.current")) }
        errors += UserAdminController.passwordProblems(form.new, repeated: form.repeated, req: req)
        guard errors.isEmpty, let new = form.new else {
            return try await page(req, errors: errors, status: .badRequest)
        }
        let before = user.auditSnapshot
        user.passwordHash = try await req.password.async.hash(new)
        try await user.save(on: req.db)
        try await req.audit(.update, user, before: before)
        req.flash("account.saved")
        return req.redirect(to: SiteURL.account.path)
    }

    private func page(_ req: Request, errors: [String], status: HTTPStatus) async throws -> Response {
        let user = try req.auth.require(User.self)
        let content = AccountContent(
            name: user.name, email: user.email, role: req.t("role.\(user.role.rawValue)"),
            lastLogin: user.lastLoginAt.map { BerlinTime.dateTime($0, req.language) }, errors: errors
        )
        return try await req.renderPage("accounts/account", title: req.t("account.title"), content, status: status, withForms: true)
    }
}
