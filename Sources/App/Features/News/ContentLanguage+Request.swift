import Fluent
import QuartierCore
import Vapor

/// The language a resident reads content in. A remembered choice (cookie) wins; without one, the interface language
/// she chose, then her browser's languages; German otherwise.
extension Request {
    static let contentLanguageCookie = "quartier_content_lang"

    private struct ContentLanguageKey: StorageKey {
        typealias Value = ContentLanguage
    }

    var contentLanguage: ContentLanguage {
        if let known = storage[ContentLanguageKey.self] { return known }
        let language = Self.contentLanguage(of: self)
        storage[ContentLanguageKey.self] = language
        return language
    }

    private static func contentLanguage(of request: Request) -> ContentLanguage {
        if let chosen = request.cookies[contentLanguageCookie]?.string, let language = ContentLanguage(rawValue: chosen) {
            return language
        }
        if let chosen = request.cookies[LanguageMiddleware.cookieName]?.string, let language = ContentLanguage(rawValue: chosen) {
            return language
        }
        return ContentLanguage.preferred(acceptLanguage: request.headers.first(name: .acceptLanguage)) ?? .original
    }

    private struct DescriptionKey: StorageKey {
        typealias Value = PageMeta.Share
    }

    /// What a shared link to this page shows (OpenGraph) and what search engines quote (description); set by a
    /// page before it renders, otherwise the district's general description is used.
    var share: PageMeta.Share? {
        get { storage[DescriptionKey.self] }
        set { storage[DescriptionKey.self] = newValue }
    }
}

/// The text of one item as the resident sees it, ready for a template: in her language where a translation exists,
/// in German otherwise with a note that says so. `bodyHTML` has passed through `SafeMarkdown` and is the only
/// content rendered unescaped.
struct TranslatedText: Encodable {
    let title: String
    let summary: String
    let summaryParagraphs: [[String]]
    let bodyHTML: String?
    let bodyParagraphs: [[String]]
    /// A short plain description: the summary, or the beginning of the body.
    let excerpt: String
    let lang: String
    let dir: String
    let isTranslated: Bool
    /// Shown when the resident chose another language and there is no translation (in the interface's language).
    let fallbackNote: String?

    enum BodyFormat {
        case markdown
        case plainText
    }

    init(_ text: LocalizedText, body format: BodyFormat, wanted: ContentLanguage, req: Request) {
        title = text.title
        summary = text.summary
        summaryParagraphs = PlainText.paragraphs(text.summary)
        switch format {
        case .markdown:
            bodyHTML = SafeMarkdown.html(from: text.body)
            bodyParagraphs = []
        case .plainText:
            bodyHTML = nil
            bodyParagraphs = PlainText.paragraphs(text.body)
        }
        excerpt = SafeMarkdown.excerpt(text.summary.isEmpty ? SafeMarkdown.plainText(from: text.body) : text.summary)
        lang = text.language.htmlLang
        dir = text.language.direction
        isTranslated = text.language != .original
        fallbackNote = text.isFallback ? req.t("translation.fallback", wanted.nativeName) : nil
    }

    /// One item in the reader's content language, with one query for its translation.
    static func load(_ type: TranslatableContent, id: UUID, original: (title: String, summary: String, body: String),
                     body format: BodyFormat, req: Request) async throws -> TranslatedText {
        let wanted = req.contentLanguage
        let translation = try await ContentTranslation.lookup(type, ids: [id], language: wanted, on: req.db)[id]
        return TranslatedText(LocalizedText.choose(original: original, translation: translation?.fields, wanted: wanted),
                              body: format, wanted: wanted, req: req)
    }
}

/// Lists of items: titles and summaries in the reader's language, all translations in one query.
struct TranslatedTitles {
    private let translations: [UUID: ContentTranslation]
    let wanted: ContentLanguage

    static func load(_ type: TranslatableContent, ids: [UUID], req: Request) async throws -> TranslatedTitles {
        TranslatedTitles(translations: try await ContentTranslation.lookup(type, ids: ids, language: req.contentLanguage, on: req.db),
                         wanted: req.contentLanguage)
    }

    func text(_ id: UUID?, title: String, summary: String) -> LocalizedText {
        LocalizedText.choose(original: (title, summary, ""), translation: id.flatMap { translations[$0] }?.fields, wanted: wanted)
    }
}

extension Request {
    /// The sharing tags of a public page: what the page set, completed with the address, the site and the language.
    func shareMeta(title: String, districtName: String) -> PageMeta.Share {
        var share = self.share ?? PageMeta.Share(title: title, description: t("share.description", districtName))
        if share.description.isEmpty { share.description = t("share.description", districtName) }
        share.url = settings.publicURL.absoluteString + url.path
        share.siteName = districtName
        share.locale = contentLanguage.openGraphLocale
        if let image = share.image, image.hasPrefix("/") { share.image = settings.publicURL.absoluteString + image }
        return share
    }
}

extension InfoPage {
    struct MenuEntry {
        let href: String
        let label: String
    }

    /// The published pages for the menu, in one query. The menu belongs to the site's frame, which stays in the
    /// interface language, so it names the pages by their German titles like the rest of the frame.
    static func menu(on req: Request) async throws -> [MenuEntry] {
        let pages = try await InfoPage.query(on: req.db).filter(\.$isPublished == true).sort(\.$position).limit(maximumPages).all()
        return pages.map { MenuEntry(href: SiteURL.publicPage(slug: $0.slug).path, label: $0.title) }
    }
}
