import Fluent
import QuartierCore
import Vapor

/// The news as residents read them: the list, each item in the reader's content language where it is translated,
/// its picture, the Atom feed, the editable pages, and the switch of the content language.
struct PublicNewsController: RouteCollection {
    static let perPage = 10
    static let feedEntries = 30

    struct Card: Encodable {
        let title: String
        let teaser: String
        let href: String
        let date: String
        let machine: String
        let lang: String
        let dir: String
    }

    struct IndexContent: Encodable {
        let cards: [Card]
        let pagination: PaginationContext
        let feedURL: String
    }

    struct LinkItem: Encodable {
        let label: String
        let title: String
        let href: String
    }

    struct AlternateLink: Encodable {
        let name: String
        let lang: String
        let hreflang: String
        let href: String
    }

    struct ShowContent: Encodable {
        let text: TranslatedText
        let date: String
        let machine: String
        let imageURL: String?
        let imageAlt: String?
        let imageWidth: Int?
        let imageHeight: Int?
        let fields: [String]
        let links: [LinkItem]
        let alternates: [AlternateLink]
        let noticeURL: String
        let overviewURL: String
        /// Shown to staff who look at an item that is not public yet.
        let previewNote: String?
    }

    struct PageContent: Encodable {
        let text: TranslatedText
        let alternates: [AlternateLink]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.publicNews) { req in try await req.application.pageCache.respond(req) { try await index(req: req) } }
        routes.get(.publicNewsItem(id: ":id")) { req in try await req.application.pageCache.respond(req) { try await show(req: req) } }
        routes.get(.newsFeed) { req in try await req.application.pageCache.respond(req) { try await feed(req: req) } }
        routes.get(.newsImage(id: ":id"), use: image)
        routes.get(.publicPage(slug: ":slug")) { req in try await req.application.pageCache.respond(req) { try await infoPage(req: req) } }
        routes.get(["inhaltssprache", ":language"], use: switchLanguage)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let now = Date()
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage,
                                total: try await NewsItem.published(on: req.db, now: now).count())
        let items = try await NewsItem.published(on: req.db, now: now).range(window.offset..<(window.offset + window.perPage)).all()
        let titles = try await TranslatedTitles.load(.news, ids: items.compactMap(\.id), req: req)
        let cards = try items.map { item in
            let text = titles.text(item.id, title: item.title, summary: item.teaser)
            return Card(title: text.title, teaser: text.summary, href: SiteURL.publicNewsItem(id: try item.requireID().uuidString).path,
                        date: BerlinTime.date(item.publishAt, req.language), machine: BerlinTime.machineReadable(item.publishAt),
                        lang: text.language.htmlLang, dir: text.language.direction)
        }
        req.share = PageMeta.Share(title: req.t("news.title"), description: req.t("news.description"))
        return try await req.renderPage("news/index", title: req.t("news.title"), IndexContent(
            cards: cards, pagination: PaginationContext(window, baseURL: SiteURL.publicNews.path, req: req), feedURL: SiteURL.newsFeed.path))
    }

    /// A news item that is not public yet exists only for staff, who see it with a note.
    static func findVisible(_ req: Request) async throws -> NewsItem {
        guard let id = req.parameters.get("id", as: UUID.self), let item = try await NewsItem.find(id, on: req.db) else { throw Abort(.notFound) }
        guard item.publication().isPublic || req.currentUser?.role.includes(.staff) == true else { throw Abort(.notFound) }
        return item
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let item = try await Self.findVisible(req)
        let id = try item.requireID()
        let text = try await TranslatedText.load(.news, id: id, original: (item.title, item.teaser, item.body), body: .markdown, req: req)
        let fieldIDs = try await NewsItemField.query(on: req.db).filter(\.$newsItem.$id == id).all().map { $0.$fieldOfAction.id }
        let fields = fieldIDs.isEmpty ? [] : try await FieldOfAction.query(on: req.db).filter(\.$id ~~ fieldIDs).sort(\.$position).all()
        var links: [LinkItem] = []
        if let eventID = item.$event.id, let event = try await Event.find(eventID, on: req.db), event.state.isPublic {
            links.append(LinkItem(label: req.t("news.link.event"), title: event.title, href: SiteURL.publicEvent(id: eventID.uuidString).path))
        }
        if let projectID = item.$project.id, let project = try await Project.find(projectID, on: req.db), project.isPublic {
            links.append(LinkItem(label: req.t("news.link.project"), title: project.title, href: SiteURL.publicProject(id: projectID.uuidString).path))
        }
        if let committeeID = item.$committee.id, let committee = try await Committee.find(committeeID, on: req.db), committee.isPublic {
            links.append(LinkItem(label: req.t("news.link.committee"), title: committee.name, href: SiteURL.publicCommittees.path))
        }
        let path = SiteURL.publicNewsItem(id: id.uuidString).path
        let content = ShowContent(
            text: text, date: BerlinTime.date(item.publishAt, req.language), machine: BerlinTime.machineReadable(item.publishAt),
            imageURL: item.imageID != nil ? SiteURL.newsImage(id: id.uuidString).path : nil, imageAlt: item.imageAlt,
            imageWidth: item.imageWidth, imageHeight: item.imageHeight,
            fields: fields.map(\.name), links: links,
            alternates: try await Self.alternates(.news, id: id, path: path, req: req),
            noticeURL: SiteURL.newsNotice(id: id.uuidString).path, overviewURL: SiteURL.publicNews.path,
            previewNote: item.publication().isPublic ? nil : req.t("news.preview_note", req.t("news.state.\(item.publication().rawValue)"))
        )
        req.share = PageMeta.Share(title: text.title, description: text.excerpt,
                                   type: "article", image: content.imageURL, imageAlt: item.imageAlt)
        return try await req.renderPage("news/show", title: text.title, content)
    }

    /// The other languages this item exists in, as links that switch the content language and come back here.
    static func alternates(_ type: TranslatableContent, id: UUID, path: String, req: Request) async throws -> [AlternateLink] {
        let available = [ContentLanguage.original] + (try await ContentTranslation.all(type, id: id, on: req.db).keys).sorted { $0.rawValue < $1.rawValue }
        let back = "?zurueck=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
        return ContentLanguage.allCases.filter { available.contains($0) && $0 != req.contentLanguage }.map { language in
            AlternateLink(name: language.nativeName, lang: language.htmlLang, hreflang: language.hreflang,
                          href: SiteURL.contentLanguage(language).path + back)
        }
    }

    @Sendable
    func image(req: Request) async throws -> Response {
        let item = try await Self.findVisible(req)
        guard let imageID = item.imageID, let mimeType = item.imageMimeType, let content = try await FileContent.find(imageID, on: req.db) else {
            throw Abort(.notFound)
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cacheControl, value: item.publication().isPublic ? "public, max-age=3600" : "private, no-store")
        headers.replaceOrAdd(name: .eTag, value: "\"\(imageID.uuidString)\"")
        headers.replaceOrAdd(name: .contentType, value: mimeType)
        return Response(status: .ok, headers: headers, body: .init(data: content.data))
    }

    @Sendable
    func feed(req: Request) async throws -> Response {
        let items = try await NewsItem.published(on: req.db).limit(Self.feedEntries).all()
        let ids = items.compactMap(\.id)
        let links = ids.isEmpty ? [] : try await NewsItemField.query(on: req.db).filter(\.$newsItem.$id ~~ ids).all()
        let fields = try await FieldOfAction.query(on: req.db).limit(100).all()
        let fieldNames = Dictionary(fields.compactMap { field in field.id.map { ($0, field.name) } }, uniquingKeysWith: { first, _ in first })
        let portal = try await PortalSettings.current(on: req)
        let settings = req.settings
        let feed = AtomFeed(
            id: SiteURL.publicNews.absolute(settings),
            title: req.application.catalog.text("news.feed_name", .de, [portal.districtName]),
            subtitle: req.application.catalog.text("news.description", .de),
            selfURL: SiteURL.newsFeed.absolute(settings), siteURL: SiteURL.publicNews.absolute(settings),
            author: portal.officeName.isEmpty ? portal.districtName : portal.officeName, language: "de",
            entries: try items.map { item in
                let id = try item.requireID()
                return AtomFeed.Entry(
                    id: "urn:uuid:" + id.uuidString.lowercased(), title: item.title, url: SiteURL.publicNewsItem(id: id.uuidString).absolute(settings),
                    published: item.publishAt, updated: max(item.publishAt, item.updatedAt ?? item.publishAt), summary: item.teaser,
                    contentHTML: Self.absoluteLinks(SafeMarkdown.html(from: item.body), base: settings.publicURL.absoluteString),
                    categories: links.filter { $0.$newsItem.id == id }.compactMap { fieldNames[$0.$fieldOfAction.id] }
                )
            },
            emptyUpdated: Date(timeIntervalSince1970: 0)
        )
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: AtomFeed.contentType)
        return Response(status: .ok, headers: headers, body: .init(string: feed.xml))
    }

    /// Feed readers show an entry away from the site, so its site-relative links and pictures get the full address.
    static func absoluteLinks(_ html: String, base: String) -> String {
        html.replacingOccurrences(of: "href=\"/", with: "href=\"\(base)/").replacingOccurrences(of: "src=\"/", with: "src=\"\(base)/")
    }

    @Sendable
    func infoPage(req: Request) async throws -> Response {
        guard let slug = req.parameters.get("slug"), let page = try await InfoPage.query(on: req.db).filter(\.$slug == slug).first(),
              page.isPublished || req.currentUser?.role.includes(.staff) == true else { throw Abort(.notFound) }
        let id = try page.requireID()
        let text = try await TranslatedText.load(.page, id: id, original: (page.title, page.summary, page.body), body: .markdown, req: req)
        req.share = PageMeta.Share(title: text.title, description: text.excerpt)
        return try await req.renderPage("news/page", title: text.title, PageContent(
            text: text, alternates: try await Self.alternates(.page, id: id, path: SiteURL.publicPage(slug: slug).path, req: req)))
    }

    /// Remembers the content language; German and English (and Leichte Sprache, which is German) switch the
    /// interface too, the other languages leave it as it is.
    @Sendable
    func switchLanguage(req: Request) async throws -> Response {
        guard let language = req.parameters.get("language").flatMap(ContentLanguage.init(rawValue:)) else { throw Abort(.notFound) }
        let response = req.redirect(to: SafeRedirect.localPath(try? req.query.get(String.self, at: "zurueck")))
        let year = 60 * 60 * 24 * 365
        response.cookies[Request.contentLanguageCookie] = HTTPCookies.Value(
            string: language.rawValue, maxAge: year, path: "/", isSecure: req.settings.isSecure, isHTTPOnly: true, sameSite: .lax)
        if let interface = language.interfaceLanguage {
            response.cookies[LanguageMiddleware.cookieName] = HTTPCookies.Value(
                string: interface.rawValue, maxAge: year, path: "/", isSecure: req.settings.isSecure, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}
