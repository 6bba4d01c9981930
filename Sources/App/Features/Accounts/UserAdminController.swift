import Fluent
import QuartierCore
import Vapor

/// Admins manage the accounts: create, change name, role and status, set a new password.
struct UserAdminController: RouteCollection {
    static let perPage = 25

    struct UserForm: Content {
        var email: String?
        var name: String?
        var role: String?
        var active: String?
        var password: String?
        var repeated: String?
        /// The person in the directory, by name or e-mail address.
        var person: String?
    }

    struct Row: Encodable {
        let name: String
        let email: String
        let role: String
        let active: Bool
        let lastLogin: String?
        let href: String
    }

    struct IndexContent: Encodable {
        let users: [Row]
        let pagination: PaginationContext
        let newURL: String
    }

    struct FormContent: Encodable {
        let isNew: Bool
        let action: String
        let passwordAction: String?
        let email: String
        let name: String
        let active: Bool
        let person: String
        let roles: [SelectOption]
        let errors: [String]
    }

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(RequireRole(role: .admin))
        admin.get(.adminUsers, use: index)
        admin.get(.adminUserNew, use: new)
        admin.post(.adminUserNew, use: create)
        admin.get(.adminUser(id: ":id"), use: edit)
        admin.post(.adminUser(id: ":id"), use: update)
        admin.post(.adminUserPassword(id: ":id"), use: setPassword)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let total = try await User.query(on: req.db).count()
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: total)
        let users = try await User.query(on: req.db).sort(\.$name).range(window.offset..<(window.offset + window.perPage)).all()
        let rows = try users.map { user in
            Row(name: user.name, email: user.email, role: req.t("role.\(user.role.rawValue)"), active: user.isActive,
                lastLogin: user.lastLoginAt.map { BerlinTime.dateTime($0, req.language) },
                href: SiteURL.adminUser(id: try user.requireID().uuidString).path)
        }
        let content = IndexContent(users: rows, pagination: PaginationContext(window, baseURL: SiteURL.adminUsers.path, req: req),
                                   newURL: SiteURL.adminUserNew.path)
        return try await req.renderPage("accounts/users", title: req.t("users.title"), content)
    }

    @Sendable
    func new(req: Request) async throws -> Response {
        try await form(req, user: nil, input: UserForm(role: Role.staff.rawValue, active: "on"), errors: [], status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(UserForm.self)
        var errors = try await problems(input, existing: nil, req: req)
        errors += Self.passwordProblems(input.password, repeated: input.repeated, req: req)
        let person = try await Self.person(input, errors: &errors, req: req)
        guard errors.isEmpty, let role = Role(rawValue: input.role ?? ""), let password = input.password else {
            return try await form(req, user: nil, input: input, errors: errors, status: .badRequest)
        }
        let user = User(email: input.email ?? "", name: Self.trimmed(input.name), role: role,
                        passwordHash: try await req.password.async.hash(password), isActive: input.active != nil)
        user.personID = person?.id
        try await user.save(on: req.db)
        try await req.audit(.create, user, before: nil)
        req.flash("users.created", user.email)
        return req.redirect(to: SiteURL.adminUsers.path)
    }

    @Sendable
    func edit(req: Request) async throws -> Response {
        let user = try await find(req)
        var input = UserForm(email: user.email, name: user.name, role: user.role.rawValue, active: user.isActive ? "on" : nil)
        input.person = try await Self.personLabel(user, on: req.db)
        return try await form(req, user: user, input: input, errors: [], status: .ok)
    }

    @Sendable
    func update(req: Request) async throws -> Response {
        let user = try await find(req)
        let input = try req.content.decode(UserForm.self)
        var errors = try await problems(input, existing: user, req: req)
        let person = try await Self.person(input, errors: &errors, req: req)
        let role = Role(rawValue: input.role ?? "")
        let active = input.active != nil
        if user.role == .admin, role != .admin || !active {
            let otherAdmins = try await User.query(on: req.db)
                .filter(\.$role == .admin).filter(\.$isActive == true).filter(\.$id != user.requireID()).count()
            if otherAdmins == 0 { errors.append(req.t("users.error.last_admin")) }
        }
        guard errors.isEmpty, let role else {
            return try await form(req, user: user, input: input, errors: errors, status: .badRequest)
        }
        let before = user.auditSnapshot
        user.email = User.normalized(email: input.email ?? "")
        user.name = Self.trimmed(input.name)
        user.role = role
        user.isActive = active
        user.personID = person?.id
        try await user.save(on: req.db)
        try await req.audit(.update, user, before: before)
        req.flash("users.saved", user.email)
        return req.redirect(to: SiteURL.adminUsers.path)
    }

    @Sendable
    func setPassword(req: Request) async throws -> Response {
        let user = try await find(req)
        let input = try req.content.decode(UserForm.self)
        let errors = Self.passwordProblems(input.password, repeated: input.repeated, req: req)
        guard errors.isEmpty, let password = input.password else {
            var shown = UserForm(email: user.email, name: user.name, role: user.role.rawValue, active: user.isActive ? "on" : nil)
            shown.person = try await Self.personLabel(user, on: req.db)
            return try await form(req, user: user, input: shown, errors: errors, status: .badRequest)
        }
        let before = user.auditSnapshot
        user.passwordHash = try await req.password.async.hash(password)
        try await user.save(on: req.db)
        try await req.audit(.update, user, before: before)
        req.flash("users.password_set", user.email)
        return req.redirect(to: SiteURL.adminUser(id: try user.requireID().uuidString).path)
    }

    static func passwordProblems(_ password: String?, repeated: String?, req: Request) -> [String] {
        let password = password ?? ""
        var errors: [String] = []
        if password.count < User.minimumPasswordLength {
            errors.append(req.t("password.error.short", String(User.minimumPasswordLength)))
        }
        if password != (repeated ?? "") { errors.append(req.t("password.error.repeat")) }
        return errors
    }

    /// The person named in the form; an empty field links a member to the one person with her e-mail address, if any.
    private static func person(_ input: UserForm, errors: inout [String], req: Request) async throws -> Person? {
        let named = trimmed(input.person)
        if !named.isEmpty { return try await Person.named(named, errors: &errors, req: req) }
        guard input.role == Role.member.rawValue else { return nil }
        let email = User.normalized(email: input.email ?? "")
        let matches = try await Person.query(on: req.db).filter(\.$email == email).limit(2).all()
        return matches.count == 1 ? matches[0] : nil
    }

    private static func personLabel(_ user: User, on database: any Database) async throws -> String? {
        guard let id = user.personID, let person = try await Person.find(id, on: database) else { return nil }
        return person.email.isEmpty ? person.displayName : person.email
    }

    private static func trimmed(_ value: String?) -> String {
        (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func problems(_ input: UserForm, existing: User?, req: Request) async throws -> [String] {
        var errors: [String] = []
        let email = User.normalized(email: input.email ?? "")
        if !MailMessage.isValidAddress(email) {
            errors.append(req.t("users.error.email"))
        } else if let other = try await User.query(on: req.db).filter(\.$email == email).first(), other.id != existing?.id {
            errors.append(req.t("users.error.email_taken"))
        }
        if Self.trimmed(input.name).isEmpty { errors.append(req.t("users.error.name")) }
        if Role(rawValue: input.role ?? "") == nil { errors.append(req.t("users.error.role")) }
        return errors
    }

    private func find(_ req: Request) async throws -> User {
        guard let id = req.parameters.get("id", as: UUID.self), let user = try await User.find(id, on: req.db) else {
            throw Abort(.notFound)
        }
        return user
    }

    private func form(_ req: Request, user: User?, input: UserForm, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try user?.requireID().uuidString
        let content = FormContent(
            isNew: user == nil,
            action: id.map { SiteURL.adminUser(id: $0).path } ?? SiteURL.adminUserNew.path,
            passwordAction: id.map { SiteURL.adminUserPassword(id: $0).path },
            email: input.email ?? "",
            name: input.name ?? "",
            active: input.active != nil,
            person: input.person ?? "",
            roles: Role.allCases.map { .init(value: $0.rawValue, label: req.t("role.\($0.rawValue)"), selected: $0.rawValue == input.role) },
            errors: errors
        )
        let title = user.map { req.t("users.edit.title", $0.name) } ?? req.t("users.new.title")
        return try await req.renderPage("accounts/user-form", title: title, content, status: status, withForms: true)
    }
}
