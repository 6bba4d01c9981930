import Fluent
import QuartierCore
import Vapor

/// Staff translate news, pages, events and projects, one language at a time. An empty title removes a translation,
/// so the item shows in German again (with the note) rather than with a half-empty text.
struct TranslationController: RouteCollection {
    static let maximumTitle = 200
    static let maximumSummary = 2_000
    static let maximumBody = 50_000

    struct Form: Content {
        var language: String?
        var title: String?
        var summary: String?
        var body: String?
    }

    struct LanguageTab: Encodable {
        let code: String
        let name: String
        let lang: String
        let href: String
        let current: Bool
        let done: Bool
    }

    struct Original: Encodable {
        let title: String
        let summary: String
        let body: String
    }

    struct PageContent: Encodable {
        let itemTitle: String
        let backURL: String
        let publicURL: String?
        let tabs: [LanguageTab]
        let language: String
        let languageName: String
        let lang: String
        let dir: String
        let original: Original
        let title: String
        let summary: String
        let body: String
        /// Events have no summary; the body's label and hint depend on the kind of content.
        let hasSummary: Bool
        let summaryLabel: String
        let bodyLabel: String
        let bodyHint: String
        let action: String
        let errors: [String]
        let exists: Bool
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff), ClearPageCacheAfterChange())
        staff.get(.translations(type: ":type", id: ":id"), use: show)
        staff.post(.translations(type: ":type", id: ":id"), use: save)
    }

    /// The item being translated, as the translation screen needs it.
    struct Item {
        let type: TranslatableContent
        let id: UUID
        let original: Original
        let backURL: String
        let publicURL: String?
    }

    static func item(_ req: Request) async throws -> Item {
        guard let type = req.parameters.get("type").flatMap(TranslatableContent.init(rawValue:)),
              let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        let key = id.uuidString
        switch type {
        case .news:
            guard let item = try await NewsItem.find(id, on: req.db) else { throw Abort(.notFound) }
            return Item(type: type, id: id, original: Original(title: item.title, summary: item.teaser, body: item.body),
                        backURL: SiteURL.newsEdit(id: key).path, publicURL: SiteURL.publicNewsItem(id: key).path)
        case .page:
            guard let page = try await InfoPage.find(id, on: req.db) else { throw Abort(.notFound) }
            return Item(type: type, id: id, original: Original(title: page.title, summary: page.summary, body: page.body),
                        backURL: SiteURL.pageEdit(id: key).path, publicURL: SiteURL.publicPage(slug: page.slug).path)
        case .event:
            guard let event = try await Event.find(id, on: req.db) else { throw Abort(.notFound) }
            return Item(type: type, id: id, original: Original(title: event.title, summary: "", body: event.description),
                        backURL: SiteURL.event(id: key).path, publicURL: SiteURL.publicEvent(id: key).path)
        case .project:
            guard let project = try await Project.find(id, on: req.db) else { throw Abort(.notFound) }
            return Item(type: type, id: id, original: Original(title: project.title, summary: project.summary, body: project.participation),
                        backURL: SiteURL.project(id: key).path, publicURL: SiteURL.publicProject(id: key).path)
        }
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let item = try await Self.item(req)
        let wanted = (try? req.query.get(String.self, at: "sprache")).flatMap(ContentLanguage.init(rawValue:))
        let language = wanted.flatMap { $0 == .original ? nil : $0 } ?? ContentLanguage.translations[0]
        let existing = try await ContentTranslation.all(item.type, id: item.id, on: req.db)
        let form = existing[language].map { Form(language: language.rawValue, title: $0.title, summary: $0.summary, body: $0.body) }
            ?? Form(language: language.rawValue)
        return try await page(req, item: item, language: language, existing: existing, form: form, errors: [], status: .ok)
    }

    @Sendable
    func save(req: Request) async throws -> Response {
        let item = try await Self.item(req)
        let input = try req.content.decode(Form.self)
        guard let language = input.language.flatMap(ContentLanguage.init(rawValue:)), language != .original else {
            throw UserError(.badRequest, "translations.error.language")
        }
        let title = NewsController.trimmed(input.title)
        let summary = NewsController.trimmed(input.summary)
        let body = (input.body ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String] = []
        if title.count > Self.maximumTitle { errors.append(req.t("translations.error.title", String(Self.maximumTitle))) }
        if summary.count > Self.maximumSummary { errors.append(req.t("translations.error.summary", String(Self.maximumSummary))) }
        if body.count > Self.maximumBody { errors.append(req.t("translations.error.body", String(Self.maximumBody))) }
        if title.isEmpty && !(summary.isEmpty && body.isEmpty) { errors.append(req.t("translations.error.title_missing")) }
        let existing = try await ContentTranslation.all(item.type, id: item.id, on: req.db)
        guard errors.isEmpty else {
            return try await page(req, item: item, language: language, existing: existing, form: input, errors: errors, status: .badRequest)
        }
        let back = SiteURL.translations(type: item.type.rawValue, id: item.id.uuidString).path + "?sprache=" + language.rawValue
        if let translation = existing[language] {
            let before = translation.auditSnapshot
            if title.isEmpty {
                try await translation.delete(on: req.db)
                try await req.audit(.delete, translation, before: before)
                req.flash("translations.deleted", language.nativeName)
                return req.redirect(to: back)
            }
            translation.title = title
            translation.summary = summary
            translation.body = body
            try await translation.save(on: req.db)
            try await req.audit(.update, translation, before: before)
        } else if !title.isEmpty {
            let translation = ContentTranslation(contentType: item.type, contentID: item.id, language: language, title: title, summary: summary, body: body)
            try await translation.create(on: req.db)
            try await req.audit(.create, translation, before: nil)
        }
        req.flash("translations.saved", language.nativeName)
        return req.redirect(to: back)
    }

    private func page(_ req: Request, item: Item, language: ContentLanguage, existing: [ContentLanguage: ContentTranslation],
                      form: Form, errors: [String], status: HTTPStatus) async throws -> Response {
        let base = SiteURL.translations(type: item.type.rawValue, id: item.id.uuidString).path
        let content = PageContent(
            itemTitle: item.original.title, backURL: item.backURL, publicURL: item.publicURL,
            tabs: ContentLanguage.translations.map {
                LanguageTab(code: $0.rawValue, name: $0.nativeName, lang: $0.htmlLang, href: base + "?sprache=" + $0.rawValue,
                            current: $0 == language, done: existing[$0] != nil)
            },
            language: language.rawValue, languageName: language.nativeName, lang: language.htmlLang, dir: language.direction,
            original: item.original, title: form.title ?? "", summary: form.summary ?? "", body: form.body ?? "",
            hasSummary: item.type != .event,
            summaryLabel: req.t("translations.summary.\(item.type.rawValue)"), bodyLabel: req.t("translations.body.\(item.type.rawValue)"),
            bodyHint: req.t(item.type == .news || item.type == .page ? "translations.hint.markdown" : "translations.hint.plain"),
            action: base, errors: errors, exists: existing[language] != nil
        )
        return try await req.renderPage("news/translations", title: req.t("translations.title", item.original.title), content, status: status, withForms: true)
    }
}
