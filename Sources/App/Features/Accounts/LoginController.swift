import Fluent
import QuartierCore
import Vapor

/// Login and logout. Failures slow down and then lock, per account and per client address.
struct LoginController: RouteCollection {
    struct LoginForm: Content {
        var email: String?
        var password: String?
        var zurueck: String?
    }

    struct LoginContent: Encodable {
        let email: String
        let back: String
        let error: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.login, use: show)
        routes.post(.login, use: login)
        routes.post(.logout, use: logout)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        if let user = req.currentUser {
            return req.redirect(to: Self.home(for: user))
        }
        let back = SafeRedirect.localPath(try? req.query.get(String.self, at: "zurueck"), fallback: "")
        return try await form(req, LoginContent(email: "", back: back, error: nil), status: .ok)
    }

    @Sendable
    func login(req: Request) async throws -> Response {
        let input = try req.content.decode(LoginForm.self)
        let email = User.normalized(email: input.email ?? "")
        let password = input.password ?? ""
        let back = SafeRedirect.localPath(input.zurueck, fallback: "")
        let address = req.remoteAddress?.ipAddress ?? "unknown"
        let keys = [(LoginAttempt.accountKey(email), LoginThrottle.account), (LoginAttempt.addressKey(address), LoginThrottle.address)]

        for (key, policy) in keys {
            switch try await LoginAttempt.decision(for: key, policy: policy, on: req.db) {
            case .allowed:
                continue
            case .wait(let seconds):
                return try await form(req, LoginContent(email: email, back: back, error: req.t("login.error.wait", String(seconds))), status: .tooManyRequests)
            case .locked(let until):
                let minutes = max(1, Int((until.timeIntervalSinceNow / 60).rounded(.up)))
                return try await form(req, LoginContent(email: email, back: back, error: req.t("login.error.locked", String(minutes))), status: .tooManyRequests)
            }
        }

        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        // A missing account costs as much time as a wrong password, so the answer does not tell which it was.
        let matches = try await req.password.async.verify(password, created: user?.passwordHash ?? Self.unmatchableHash)
        guard let user, matches, user.isActive, !password.isEmpty else {
            for (key, policy) in keys {
                try await LoginAttempt.recordFailure(for: key, policy: policy, on: req.db)
            }
            req.logger.notice("failed login", metadata: ["account": "\(email)"])
            return try await form(req, LoginContent(email: email, back: back, error: req.t("login.error.credentials")), status: .unauthorized)
        }

        try await LoginAttempt.reset(LoginAttempt.accountKey(email), on: req.db)
        user.lastLoginAt = Date()
        try await user.save(on: req.db)
        // A fresh session id on every login: a session id planted before the login is worth nothing after it.
        if let planted = req.session.id {
            try await req.application.sessions.driver.deleteSession(planted, for: req).get()
            req.session.id = nil
            req.session.data = SessionData()
        }
        req.auth.login(user)
        req.session.authenticate(user)
        req.logger.info("login", metadata: ["user-id": "\(user.id?.uuidString ?? "")"])
        return req.redirect(to: back.isEmpty ? Self.home(for: user) : back)
    }

    @Sendable
    func logout(req: Request) async throws -> Response {
        req.auth.logout(User.self)
        req.session.destroy()
        return req.redirect(to: SiteURL.home.path)
    }

    static func home(for user: User) -> String {
        user.role.includes(.staff) ? SiteURL.dashboard.path : SiteURL.memberArea.path
    }

    /// A bcrypt hash no password matches (its salt and digest are not from any real password).
    static let unmatchableHash = "$2b$12$C6UzMDM.H6dfI/f/IKxGhuHfn7ZkXhU9TQ2m8H1Xkb1OfPfIZyP0S"

    private func form(_ req: Request, _ content: LoginContent, status: HTTPStatus) async throws -> Response {
        try await req.renderPage("accounts/login", title: req.t("login.title"), content, status: status, withForms: true)
    }
}
