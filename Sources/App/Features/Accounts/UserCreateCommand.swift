import Fluent
import QuartierCore
import Vapor

/// `quartier user create --email … --role admin|staff|member [--name …]`: asks for the password without echo
/// (or reads one line from standard input when that is not a terminal).
struct UserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create")
        var action: String

        @Option(name: "email", help: "E-mail address, used to log in")
        var email: String?

        @Option(name: "role", help: "admin, staff or member")
        var role: String?

        @Option(name: "name", help: "Display name (defaults to the part of the address before @)")
        var name: String?
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    var help: String { "Creates a user account." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "create" else { throw Failure(description: "Unknown action '\(signature.action)'; use: user create") }
        let email = User.normalized(email: signature.email ?? "")
        guard MailMessage.isValidAddress(email) else { throw Failure(description: "--email needs a valid e-mail address.") }
        guard let role = signature.role.flatMap(Role.init(rawValue:)) else {
            throw Failure(description: "--role needs one of: admin, staff, member.")
        }
        let database = context.application.db
        guard try await User.query(on: database).filter(\.$email == email).first() == nil else {
            throw Failure(description: "A user with \(email) exists already.")
        }
        let password = readPassword(context)
        guard password.count >= User.minimumPasswordLength else {
            throw Failure(description: "The password needs at least \(User.minimumPasswordLength) characters.")
        }
        let name = signature.name ?? String(email.split(separator: "@").first ?? "")
        let user = User(email: email, name: name, role: role, passwordHash: try await context.application.password.async.hash(password))
        try await user.save(on: database)
        try await AuditEntry(actorID: nil, actorEmail: "command-line", action: .create, entityType: User.auditType,
                             entityID: try user.requireID().uuidString,
                             changes: AuditDiff.changes(before: [:], after: user.auditSnapshot, redacted: User.auditRedacted))
            .save(on: database)
        context.console.info("Created \(role.rawValue) \(email).")
    }

    private func readPassword(_ context: CommandContext) -> String {
        guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true) ?? "" }
        while true {
            let prompt = "Password (at least \(User.minimumPasswordLength) characters):"
            let first = context.console.ask(prompt.consoleText(), isSecure: true)
            let second = context.console.ask("Repeat the password:", isSecure: true)
            if first == second { return first }
            context.console.warning("The two entries differ. Please try again.")
        }
    }
}
