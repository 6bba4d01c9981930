import Fluent
import QuartierCore
import Vapor

/// The newsletter for residents: sign-up with double opt-in (nothing but the confirmation mail goes to an address
/// before its owner confirmed it), confirmation by link, and unsubscription with one click, also straight from the
/// mail program (RFC 8058).
struct NewsletterController: RouteCollection {
    struct SignUpForm: Content {
        var email: String?
        var language: String?
        var fields: [String]?
        var consent: String?
        var website: String?
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let checked: Bool
        var lang: String? = nil
        var dir: String? = nil
    }

    struct FormContent: Encodable {
        let email: String
        let languages: [Option]
        let fields: [Option]
        let consent: Bool
        let errors: [String]
        let actionURL: String
        let privacyURL: String
    }

    struct MessageContent: Encodable {
        let message: String
        let actionURL: String?
        let actionLabel: String?
        let subscribeURL: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.newsletter, use: form)
        routes.post(.newsletter, use: signUp)
        routes.get(.newsletterConfirm(token: ":token"), use: confirmPage)
        routes.post(.newsletterConfirm(token: ":token"), use: confirm)
        routes.get(.newsletterUnsubscribe(token: ":token"), use: unsubscribePage)
        routes.post(.newsletterUnsubscribe(token: ":token"), use: unsubscribe)
    }

    @Sendable
    func form(req: Request) async throws -> Response {
        try await page(req, email: "", language: req.contentLanguage.rawValue, chosen: [], consent: false, errors: [], status: .ok)
    }

    private func page(_ req: Request, email: String, language: String, chosen: Set<String>, consent: Bool, errors: [String],
                      status: HTTPStatus) async throws -> Response {
        let fields = try await FieldOfAction.query(on: req.db).sort(\.$position).all()
        let content = FormContent(
            email: email,
            languages: ContentLanguage.allCases.map { option in
                Option(value: option.rawValue, label: option.nativeName, checked: option.rawValue == language, lang: option.hreflang, dir: option.direction)
            },
            fields: fields.compactMap { field in
                field.id.map { Option(value: $0.uuidString, label: field.name, checked: chosen.contains($0.uuidString)) }
            },
            consent: consent, errors: errors, actionURL: SiteURL.newsletter.path, privacyURL: SiteURL.privacy.path
        )
        return try await req.renderPage("newsletter/subscribe", title: req.t("newsletter.title"), content, status: status, withForms: true)
    }

    @Sendable
    func signUp(req: Request) async throws -> Response {
        let input: SignUpForm
        do { input = try req.content.decode(SignUpForm.self) } catch { throw UserError(.badRequest, "newsletter.error.form") }
        // A filled hidden field means a robot: it sees the same page as a person, nothing is stored or sent.
        guard (input.website ?? "").isEmpty else { return try await message(req, "newsletter.check_mail", status: .ok) }
        let email = (input.email ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let language = input.language ?? ""
        let known = Set(try await FieldOfAction.query(on: req.db).all().compactMap(\.id))
        let chosen = Set((input.fields ?? []).compactMap(UUID.init(uuidString:)))
        var errors: [String] = []
        if !MailMessage.isValidAddress(email) { errors.append(req.t("registrations.error.email")) }
        if !NewsletterRules.languages.contains(language) { errors.append(req.t("newsletter.error.language")) }
        if !chosen.isSubset(of: known) || chosen.count != (input.fields ?? []).count { errors.append(req.t("newsletter.error.fields")) }
        if input.consent == nil { errors.append(req.t("newsletter.error.consent")) }
        guard errors.isEmpty else {
            return try await page(req, email: email, language: language, chosen: Set((input.fields ?? [])), consent: input.consent != nil,
                                  errors: errors, status: .badRequest)
        }
        let settings = req.settings, catalog = req.application.catalog
        try await req.db.transaction { database in
            let existing = try await NewsletterSubscriber.query(on: database).filter(\.$email == email).first()
            if let existing, !NewsletterRules.maySendAgain(lastRequest: existing.requestedAt) { return }
            if let existing, existing.state == .confirmed {
                // Somebody may be trying out addresses: the page says the same, and the owner learns by mail that she is
                // already subscribed and how to leave.
                existing.requestedAt = Date()
                try await existing.save(on: database)
                let unsubscribe = SiteURL.newsletterUnsubscribe(token: existing.unsubscribeToken).absolute(settings)
                try await OutboxMail.enqueue(
                    to: email, subject: catalog.text("newsletter.mail.known.subject", existing.readerLanguage),
                    body: catalog.text("newsletter.mail.known.body", existing.readerLanguage, [unsubscribe]), purpose: NewsletterPrivacy.signUpPurpose, on: database)
                return
            }
            let subscriber = existing ?? NewsletterSubscriber(email: email, language: language)
            subscriber.language = language
            subscriber.confirmToken = Registration.newToken()
            subscriber.requestedAt = Date()
            try await subscriber.save(on: database)
            let id = try subscriber.requireID()
            try await NewsletterSubscriberField.query(on: database).filter(\.$subscriber.$id == id).delete()
            for field in chosen { try await NewsletterSubscriberField(subscriberID: id, fieldID: field).create(on: database) }
            let link = SiteURL.newsletterConfirm(token: subscriber.confirmToken).absolute(settings)
            let reader = subscriber.readerLanguage
            try await OutboxMail.enqueue(
                to: email, subject: catalog.text("newsletter.mail.confirm.subject", reader),
                body: catalog.text("newsletter.mail.confirm.body", reader, [link, String(Int(NewsletterRules.confirmationLifetime / 3600))]),
                purpose: NewsletterPrivacy.signUpPurpose, on: database)
        }
        return try await message(req, "newsletter.check_mail", status: .ok)
    }

    private func message(_ req: Request, _ key: String, status: HTTPStatus, action: (url: String, label: String)? = nil) async throws -> Response {
        let content = MessageContent(message: req.t(key), actionURL: action?.url, actionLabel: action?.label, subscribeURL: SiteURL.newsletter.path)
        let response = try await req.renderPage("newsletter/message", title: req.t("newsletter.title"), content, status: status, withForms: action != nil)
        // The token in the address is the key to the subscription: keep it out of caches and other sites' logs.
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    private func subscriber(_ req: Request, confirmToken: Bool) async throws -> NewsletterSubscriber {
        guard let token = req.parameters.get("token"), !token.isEmpty else { throw UserError(.notFound, "newsletter.error.link") }
        let query = NewsletterSubscriber.query(on: req.db)
        let found = confirmToken ? try await query.filter(\.$confirmToken == token).first() : try await query.filter(\.$unsubscribeToken == token).first()
        guard let found else { throw UserError(.notFound, "newsletter.error.link") }
        return found
    }

    /// The link in the mail opens a page with one button: mail scanners that follow links must not confirm for her.
    @Sendable
    func confirmPage(req: Request) async throws -> Response {
        let subscriber = try await subscriber(req, confirmToken: true)
        if let problem = NewsletterRules.confirmationProblem(state: subscriber.state, requestedAt: subscriber.requestedAt) {
            return try await message(req, "newsletter.error.\(problem.rawValue)", status: .gone)
        }
        return try await message(req, "newsletter.confirm.question", status: .ok,
                                 action: (SiteURL.newsletterConfirm(token: subscriber.confirmToken).path, req.t("newsletter.confirm.button")))
    }

    @Sendable
    func confirm(req: Request) async throws -> Response {
        let subscriber = try await subscriber(req, confirmToken: true)
        if let problem = NewsletterRules.confirmationProblem(state: subscriber.state, requestedAt: subscriber.requestedAt) {
            return try await message(req, "newsletter.error.\(problem.rawValue)", status: .gone)
        }
        // Conditional, so that two clicks at the same moment confirm once.
        try await NewsletterSubscriber.query(on: req.db).filter(\.$id == subscriber.requireID()).filter(\.$state == .pending)
            .set(\.$state, to: .confirmed).set(\.$confirmedAt, to: Date()).update()
        return try await message(req, "newsletter.confirmed", status: .ok)
    }

    @Sendable
    func unsubscribePage(req: Request) async throws -> Response {
        let subscriber = try await subscriber(req, confirmToken: false)
        guard subscriber.state != .unsubscribed else { return try await message(req, "newsletter.unsubscribed", status: .ok) }
        return try await message(req, "newsletter.unsubscribe.question", status: .ok,
                                 action: (SiteURL.newsletterUnsubscribe(token: subscriber.unsubscribeToken).path, req.t("newsletter.unsubscribe.button")))
    }

    /// Both the button on the page and a mail program's one-click POST (`List-Unsubscribe=One-Click`, without cookies,
    /// so this path is exempt from the CSRF check: the token in the path is the secret) end here. The address goes.
    @Sendable
    func unsubscribe(req: Request) async throws -> Response {
        let subscriber = try await subscriber(req, confirmToken: false)
        if subscriber.state != .unsubscribed {
            let email = subscriber.email
            subscriber.state = .unsubscribed
            subscriber.email = nil
            subscriber.unsubscribedAt = Date()
            try await req.db.transaction { database in
                try await subscriber.save(on: database)
                if let email { try await OutboxPrivacy.erase(recipient: email, purposes: NewsletterPrivacy.mailPurposes, on: database) }
            }
        }
        return try await message(req, "newsletter.unsubscribed", status: .ok)
    }
}
