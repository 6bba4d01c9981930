import Fluent
import QuartierCore
import Vapor

/// Staff keep the editable pages of the public site and their order in the menu.
struct InfoPageController: RouteCollection {
    struct Row: Encodable {
        let title: String
        let href: String
        let publicURL: String
        let translationsURL: String
        let position: Int
        let isPublished: Bool
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let newURL: String
        let newsURL: String
        let canAdd: Bool
    }

    struct Form: Content {
        var slug: String?
        var title: String?
        var summary: String?
        var body: String?
        var position: String?
        var is_published: String?
    }

    struct FormContent: Encodable {
        let form: Form
        let errors: [String]
        let action: String
        let publicURL: String?
        let translationsURL: String?
        let indexURL: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff), ClearPageCacheAfterChange())
        staff.get(.pagesAdmin, use: index)
        staff.get(.pageNew, use: new)
        staff.post(.pageNew, use: create)
        staff.get(.pageEdit(id: ":id"), use: edit)
        staff.post(.pageEdit(id: ":id"), use: update)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        // The menu holds at most `InfoPage.maximumPages`, so this list needs no pages of its own.
        let pages = try await InfoPage.query(on: req.db).sort(\.$position).limit(InfoPage.maximumPages).all()
        let rows = try pages.map { page in
            let id = try page.requireID().uuidString
            return Row(title: page.title, href: SiteURL.pageEdit(id: id).path, publicURL: SiteURL.publicPage(slug: page.slug).path,
                       translationsURL: SiteURL.translations(type: TranslatableContent.page.rawValue, id: id).path,
                       position: page.position, isPublished: page.isPublished)
        }
        return try await req.renderPage("news/pages-index", title: req.t("pages.admin_title"), IndexContent(
            rows: rows, newURL: SiteURL.pageNew.path, newsURL: SiteURL.newsAdmin.path, canAdd: pages.count < InfoPage.maximumPages))
    }

    @Sendable
    func new(req: Request) async throws -> Response {
        let count = try await InfoPage.query(on: req.db).count()
        return try await form(req, Form(position: String(count + 1), is_published: "on"), page: nil, errors: [], status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(Form.self)
        let page = InfoPage(slug: "", title: "", summary: "", body: "", position: 0)
        var errors: [String] = []
        if try await InfoPage.query(on: req.db).count() >= InfoPage.maximumPages { errors.append(req.t("pages.error.too_many", String(InfoPage.maximumPages))) }
        try await apply(input, to: page, errors: &errors, req: req)
        guard errors.isEmpty else { return try await form(req, input, page: nil, errors: errors, status: .badRequest) }
        try await page.create(on: req.db)
        try await req.audit(.create, page, before: nil)
        req.flash("pages.saved", page.title)
        return req.redirect(to: SiteURL.pageEdit(id: try page.requireID().uuidString).path)
    }

    @Sendable
    func edit(req: Request) async throws -> Response {
        let page = try await Self.find(req)
        let input = Form(slug: page.slug, title: page.title, summary: page.summary, body: page.body, position: String(page.position),
                         is_published: page.isPublished ? "on" : nil)
        return try await form(req, input, page: page, errors: [], status: .ok)
    }

    @Sendable
    func update(req: Request) async throws -> Response {
        let page = try await Self.find(req)
        let input = try req.content.decode(Form.self)
        let before = page.auditSnapshot
        var errors: [String] = []
        try await apply(input, to: page, errors: &errors, req: req)
        guard errors.isEmpty else { return try await form(req, input, page: page, errors: errors, status: .badRequest) }
        try await page.save(on: req.db)
        try await req.audit(.update, page, before: before)
        req.flash("pages.saved", page.title)
        return req.redirect(to: SiteURL.pageEdit(id: try page.requireID().uuidString).path)
    }

    private func apply(_ input: Form, to page: InfoPage, errors: inout [String], req: Request) async throws {
        let slug = NewsController.trimmed(input.slug).lowercased()
        if !InfoPage.isValidSlug(slug) {
            errors.append(req.t("pages.error.slug"))
        } else if let other = try await InfoPage.query(on: req.db).filter(\.$slug == slug).first(), other.id != page.id {
            errors.append(req.t("pages.error.slug_taken", slug))
        }
        let title = NewsController.trimmed(input.title)
        if title.isEmpty || title.count > NewsController.maximumTitle { errors.append(req.t("news.error.title", String(NewsController.maximumTitle))) }
        let summary = NewsController.trimmed(input.summary)
        if summary.count > NewsController.maximumTeaser { errors.append(req.t("news.error.teaser", String(NewsController.maximumTeaser))) }
        let body = (input.body ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if body.count > NewsController.maximumBody { errors.append(req.t("news.error.body", String(NewsController.maximumBody))) }
        let position = Int(NewsController.trimmed(input.position))
        if position == nil || !(0...999).contains(position!) { errors.append(req.t("pages.error.position")) }
        guard errors.isEmpty, let position else { return }
        page.slug = slug
        page.title = title
        page.summary = summary
        page.body = body
        page.position = position
        page.isPublished = input.is_published != nil
    }

    static func find(_ req: Request) async throws -> InfoPage {
        guard let id = req.parameters.get("id", as: UUID.self), let page = try await InfoPage.find(id, on: req.db) else { throw Abort(.notFound) }
        return page
    }

    private func form(_ req: Request, _ input: Form, page: InfoPage?, errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try page?.requireID().uuidString
        let content = FormContent(
            form: input, errors: errors, action: id.map { SiteURL.pageEdit(id: $0).path } ?? SiteURL.pageNew.path,
            publicURL: page.map { SiteURL.publicPage(slug: $0.slug).path },
            translationsURL: id.map { SiteURL.translations(type: TranslatableContent.page.rawValue, id: $0).path },
            indexURL: SiteURL.pagesAdmin.path)
        let title = page.map { req.t("pages.edit_title", $0.title) } ?? req.t("pages.new_title")
        return try await req.renderPage("news/page-form", title: title, content, status: status, withForms: true)
    }
}
