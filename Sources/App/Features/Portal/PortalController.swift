import Fluent
import QuartierCore
import Vapor

/// The public portal: start page, Leichte Sprache, Impressum, privacy policy, the accessibility statement
/// with its feedback form, and the language switch. No account needed.
struct PortalController: RouteCollection {
    struct Contact: Encodable {
        let officeName: String
        let people: [String]
        let phone: String
        let phoneHref: String
        let email: String
        let street: String
        let postalCode: String
        let city: String
        let openingHours: [String]
        let consultationHours: [String]
        let isEmpty: Bool
    }

    struct TextContent: Encodable {
        let heading: String
        let paragraphs: [[String]]
        /// Set when the text is shown in German because no version in the reader's language exists.
        let textLanguage: String?
        let contact: Contact?
        let easyReadURL: String?
        /// On the start page: what is coming up next, with the way to the whole calendar.
        let events: [EventTeaser]
        let calendarURL: String?
        /// On the start page: the latest news, public meetings and the ways to take part.
        let start: StartPage?
    }

    struct EventTeaser: Encodable {
        let title: String
        let href: String
        let date: String
        let machine: String
        let place: String
        let cancelled: Bool
        /// The language of the title: the reader's content language where the event is translated.
        let lang: String
        let dir: String
    }

    static let eventsOnHome = 4

    struct FeedbackForm: Content {
        var name: String?
        var email: String?
        var message: String?
        var website: String?
    }

    struct AccessibilityContent: Encodable {
        let text: TextContent
        let name: String
        let email: String
        let message: String
        let errors: [String]
    }

    static let feedbackMaxLength = 5000

    let cache: PageCache

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.home) { req in try await cache.respond(req) { try await textPage(req, .intro, template: "portal/home") } }
        routes.get(.easyRead) { req in try await cache.respond(req) { try await textPage(req, .easyRead, template: "portal/text") } }
        routes.get(.imprint) { req in try await cache.respond(req) { try await textPage(req, .imprint, template: "portal/text") } }
        routes.get(.privacy) { req in try await cache.respond(req) { try await textPage(req, .privacy, template: "portal/text") } }
        routes.get(.accessibility, use: accessibility)
        routes.post(.accessibility, use: sendFeedback)
        routes.get(.accessibilityThanks, use: thanks)
        routes.get(["sprache", ":language"], use: switchLanguage)
    }

    static func contact(_ settings: PortalSettings) -> Contact {
        Contact(
            officeName: settings.officeName,
            people: PlainText.lines(settings.people),
            phone: settings.phone,
            phoneHref: "tel:" + settings.phone.filter { $0.isNumber || $0 == "+" },
            email: settings.email,
            street: settings.street,
            postalCode: settings.postalCode,
            city: settings.city,
            openingHours: PlainText.lines(settings.openingHours),
            consultationHours: PlainText.lines(settings.consultationHours),
            isEmpty: settings.officeName.isEmpty && settings.phone.isEmpty && settings.email.isEmpty
        )
    }

    private func text(_ req: Request, _ key: SiteText.Key) async throws -> TextContent {
        let text = try await SiteText.find(key, req.language, on: req.db)
        let isHome = key == .intro
        let events = isHome ? try await Event.query(on: req.db).filter(\.$state != .draft).filter(\.$endsAt >= Date()).sort(\.$startsAt)
            .limit(Self.eventsOnHome).all() : []
        let titles = try await TranslatedTitles.load(.event, ids: events.compactMap(\.id), req: req)
        return TextContent(
            heading: text?.title ?? req.t("text.\(key.rawValue).title"),
            paragraphs: PlainText.paragraphs(text?.body ?? req.t("text.missing")),
            textLanguage: text.flatMap { $0.language != req.language.rawValue ? $0.language : nil },
            contact: isHome ? Self.contact(try await PortalSettings.current(on: req)) : nil,
            easyReadURL: isHome ? SiteURL.easyRead.path : nil,
            events: try events.map { event in
                let title = titles.text(event.id, title: event.title, summary: "")
                return EventTeaser(title: title.title, href: SiteURL.publicEvent(id: try event.requireID().uuidString).path,
                                   date: BerlinTime.dateTime(event.startsAt, req.language), machine: BerlinTime.machineReadable(event.startsAt),
                                   place: event.place, cancelled: event.state == .cancelled,
                                   lang: title.language.htmlLang, dir: title.language.direction)
            },
            calendarURL: isHome ? SiteURL.publicEvents.path : nil,
            start: isHome ? try await StartPage.load(req) : nil
        )
    }

    private func textPage(_ req: Request, _ key: SiteText.Key, template: String) async throws -> Response {
        let content = try await text(req, key)
        return try await req.renderPage(template, title: content.heading, content)
    }

    @Sendable
    func accessibility(req: Request) async throws -> Response {
        try await accessibilityPage(req, form: FeedbackForm(), errors: [], status: .ok)
    }

    @Sendable
    func sendFeedback(req: Request) async throws -> Response {
        let form = try req.content.decode(FeedbackForm.self)
        // A filled honeypot field means a robot: pretend success, store nothing.
        if let trap = form.website, !trap.isEmpty {
            return req.redirect(to: SiteURL.accessibilityThanks.path)
        }
        let message = (form.message ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let email = (form.email ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let name = (form.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String] = []
        if message.isEmpty { errors.append(req.t("feedback.error.message")) }
        if message.count > Self.feedbackMaxLength { errors.append(req.t("feedback.error.long", String(Self.feedbackMaxLength))) }
        if !email.isEmpty, !MailMessage.isValidAddress(email) { errors.append(req.t("feedback.error.email")) }
        if name.count > 200 { errors.append(req.t("feedback.error.name")) }
        guard errors.isEmpty else {
            return try await accessibilityPage(req, form: form, errors: errors, status: .badRequest)
        }
        let feedback = Feedback(name: name.isEmpty ? nil : name, email: email.isEmpty ? nil : email, message: message, language: req.language.rawValue)
        let office = try await PortalSettings.current(on: req)
        let catalog = req.application.catalog
        try await req.db.transaction { database in
            try await feedback.save(on: database)
            guard MailMessage.isValidAddress(office.email) else { return }
            let body = catalog.text("feedback.mail.body", .de, [
                name.isEmpty ? "–" : name, email.isEmpty ? "–" : email, message,
                SiteURL.feedbackList.absolute(req.settings),
            ])
            try await OutboxMail.enqueue(
                to: office.email, subject: catalog.text("feedback.mail.subject", .de), body: body,
                headers: email.isEmpty ? [:] : ["Reply-To": email], purpose: "feedback", on: database
            )
        }
        return req.redirect(to: SiteURL.accessibilityThanks.path)
    }

    @Sendable
    func thanks(req: Request) async throws -> Response {
        try await req.renderPage("portal/thanks", title: req.t("feedback.thanks.title"), NoContent())
    }

    @Sendable
    func switchLanguage(req: Request) async throws -> Response {
        guard let language = req.parameters.get("language").flatMap(Language.init(rawValue:)) else {
            throw Abort(.notFound)
        }
        let back = SafeRedirect.localPath(try? req.query.get(String.self, at: "zurueck"))
        let response = req.redirect(to: back)
        response.cookies[LanguageMiddleware.cookieName] = HTTPCookies.Value(
            string: language.rawValue, maxAge: 60 * 60 * 24 * 365, path: "/",
            isSecure: req.settings.isSecure, isHTTPOnly: true, sameSite: .lax
        )
        return response
    }

    private func accessibilityPage(_ req: Request, form: FeedbackForm, errors: [String], status: HTTPStatus) async throws -> Response {
        let content = AccessibilityContent(
            text: try await text(req, .accessibility),
            name: form.name ?? "", email: form.email ?? "", message: form.message ?? "", errors: errors
        )
        return try await req.renderPage("portal/accessibility", title: content.text.heading, content, status: status, withForms: true)
    }
}
