import Fluent
import QuartierCore
import Vapor

/// What search engines and other sites read: `robots.txt` keeps them out of the back office and the personal
/// links, `sitemap.xml` lists the public pages.
struct SharingController: RouteCollection {
    /// Each kind of content contributes at most this many addresses, newest first, so the map stays one bounded query each.
    static let perKind = 2_000

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.robots, use: robots)
        // At city scale the sitemap lists thousands of addresses (about 0.4 s): crawlers get it from the page cache.
        routes.get(.sitemap) { req in try await req.application.pageCache.respond(req) { try await sitemap(req: req) } }
    }

    @Sendable
    func robots(req: Request) async throws -> Response {
        let lines = [
            "User-agent: *",
            "Disallow: \(SiteURL.backofficePrefix)/",
            "Disallow: \(SiteURL.memberArea.path)",
            "Disallow: \(SiteURL.login.path)",
            "Disallow: /anmeldung/",
            "Disallow: \(SiteURL.contentLanguage(.de).path.replacingOccurrences(of: "/de", with: "/"))",
            "Disallow: \(SiteURL.language(.de).path.replacingOccurrences(of: "/de", with: "/"))",
            "",
            "Sitemap: \(SiteURL.sitemap.absolute(req.settings))",
        ]
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
        return Response(status: .ok, headers: headers, body: .init(string: lines.joined(separator: "\n") + "\n"))
    }

    @Sendable
    func sitemap(req: Request) async throws -> Response {
        let settings = req.settings
        let fixed: [SiteURL] = [
            .home, .publicNews, .publicEvents, .publicProjects, .publicFund, .publicConcerns, .publicCommittees, .publicDirectory,
            .easyRead, .accessibility, .imprint, .privacy,
        ]
        var entries = fixed.map { Sitemap.Entry(url: $0.absolute(settings), lastModified: nil) }
        let pages = try await InfoPage.query(on: req.db).filter(\.$isPublished == true).sort(\.$position).limit(InfoPage.maximumPages).all()
        entries += pages.map { Sitemap.Entry(url: SiteURL.publicPage(slug: $0.slug).absolute(settings), lastModified: $0.updatedAt) }
        let news = try await NewsItem.published(on: req.db).limit(Self.perKind).all()
        entries += try news.map { Sitemap.Entry(url: SiteURL.publicNewsItem(id: try $0.requireID().uuidString).absolute(settings),
                                                 lastModified: max($0.publishAt, $0.updatedAt ?? $0.publishAt)) }
        let since = Date().addingTimeInterval(-365 * 86_400)
        let events = try await Event.query(on: req.db).filter(\.$state != .draft).filter(\.$startsAt >= since)
            .sort(\.$startsAt, .descending).limit(Self.perKind).all()
        entries += try events.filter { $0.state.isPublic }.map { Sitemap.Entry(url: SiteURL.publicEvent(id: try $0.requireID().uuidString).absolute(settings), lastModified: nil) }
        let projects = try await Project.query(on: req.db).filter(\.$isPublic == true).sort(\.$title).limit(Self.perKind).all()
        entries += try projects.map { Sitemap.Entry(url: SiteURL.publicProject(id: try $0.requireID().uuidString).absolute(settings), lastModified: nil) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/xml; charset=utf-8")
        return Response(status: .ok, headers: headers, body: .init(string: Sitemap(entries: entries).xml))
    }
}
