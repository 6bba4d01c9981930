import Fluent
import QuartierCore
import Vapor

/// Staff write the news (Aktuelles): Markdown text, a picture with its text for screen readers, fields of action,
/// the event, project or committee it is about, and the moment it goes public (now, later, or not yet: a draft).
struct NewsController: RouteCollection {
    static let perPage = 25
    static let maximumTitle = 200
    static let maximumTeaser = 600
    static let maximumBody = 50_000
    static let maximumAlt = 300

    struct Row: Encodable {
        let title: String
        let href: String
        let state: String
        let isPublic: Bool
        let publishAt: String
        let translationsURL: String
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let pagination: PaginationContext
        let newURL: String
        let pagesURL: String
        let feedURL: String
    }

    struct Form: Content {
        var title: String?
        var teaser: String?
        var body: String?
        var publish_date: String?
        var publish_time: String?
        var is_draft: String?
        var event: String?
        var project: String?
        var committee: String?
        var image: File?
        var image_alt: String?
        var remove_image: String?
        /// The checked fields of action, as `fields[]`: an array survives the multipart form that carries the picture.
        var fields: [String]?

        var fieldIDs: Set<UUID> { Set((fields ?? []).compactMap(UUID.init(uuidString:))) }
    }

    struct FieldBox: Encodable {
        let id: String
        let name: String
        let checked: Bool
    }

    struct FormContent: Encodable {
        let title: String
        let teaser: String
        let body: String
        let publishDate: String
        let publishTime: String
        let isDraft: Bool
        let imageAlt: String
        let imageURL: String?
        let fields: [FieldBox]
        let events: [SelectOption]
        let projects: [SelectOption]
        let committees: [SelectOption]
        let errors: [String]
        let action: String
        let state: String?
        let publicURL: String?
        let translationsURL: String?
        let noticeURL: String?
        let deleteURL: String?
        let indexURL: String
        let maximumTeaser: Int
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff), ClearPageCacheAfterChange())
        staff.get(.newsAdmin, use: index)
        staff.get(.newsNew, use: new)
        staff.on(.POST, SiteURL.newsNew.pathComponents, body: .collect(maxSize: Uploads.maximumBody), use: create)
        staff.get(.newsEdit(id: ":id"), use: edit)
        staff.on(.POST, SiteURL.newsEdit(id: ":id").pathComponents, body: .collect(maxSize: Uploads.maximumBody), use: update)
        staff.post(.newsDelete(id: ":id"), use: delete)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await NewsItem.query(on: req.db).count())
        let items = try await NewsItem.query(on: req.db).sort(\.$publishAt, .descending).range(window.offset..<(window.offset + window.perPage)).all()
        let now = Date()
        let rows = try items.map { item in
            let id = try item.requireID().uuidString
            let publication = item.publication(now: now)
            return Row(title: item.title, href: SiteURL.newsEdit(id: id).path, state: req.t("news.state.\(publication.rawValue)"),
                       isPublic: publication.isPublic, publishAt: BerlinTime.dateTime(item.publishAt, req.language),
                       translationsURL: SiteURL.translations(type: TranslatableContent.news.rawValue, id: id).path)
        }
        return try await req.renderPage("news/admin-index", title: req.t("news.admin_title"), IndexContent(
            rows: rows, pagination: PaginationContext(window, baseURL: SiteURL.newsAdmin.path, req: req),
            newURL: SiteURL.newsNew.path, pagesURL: SiteURL.pagesAdmin.path, feedURL: SiteURL.newsFeed.path))
    }

    @Sendable
    func new(req: Request) async throws -> Response {
        let now = Date()
        let form = Form(publish_date: CalendarDate.iso(CalendarDate.today(now: now)), publish_time: BerlinTime.time(now, .de))
        return try await page(req, form: form, item: nil, fieldIDs: [], errors: [], status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(Form.self)
        let item = NewsItem(title: "", teaser: "", body: "", publishAt: Date())
        let fieldIDs = input.fieldIDs
        var errors: [String] = []
        let photo = try await apply(input, to: item, errors: &errors, req: req)
        guard errors.isEmpty else { return try await page(req, form: input, item: nil, fieldIDs: fieldIDs, errors: errors, status: .badRequest) }
        try await req.db.transaction { database in
            if let photo { try await Self.store(photo, for: item, on: database) }
            try await item.create(on: database)
            try await Self.save(fieldIDs: fieldIDs, for: item, on: database)
            try await req.audit(.create, item, before: nil, on: database)
        }
        req.flash("news.saved", item.title)
        return req.redirect(to: SiteURL.newsEdit(id: try item.requireID().uuidString).path)
    }

    @Sendable
    func edit(req: Request) async throws -> Response {
        let item = try await Self.find(req)
        let fieldIDs = try await NewsItemField.query(on: req.db).filter(\.$newsItem.$id == item.requireID()).all().map { $0.$fieldOfAction.id }
        let form = Form(title: item.title, teaser: item.teaser, body: item.body, publish_date: CalendarDate.iso(CalendarDate.day(of: item.publishAt)),
                        publish_time: BerlinTime.time(item.publishAt, .de), is_draft: item.isDraft ? "on" : nil,
                        event: item.$event.id?.uuidString, project: item.$project.id?.uuidString, committee: item.$committee.id?.uuidString,
                        image_alt: item.imageAlt)
        return try await page(req, form: form, item: item, fieldIDs: Set(fieldIDs), errors: [], status: .ok)
    }

    @Sendable
    func update(req: Request) async throws -> Response {
        let item = try await Self.find(req)
        let input = try req.content.decode(Form.self)
        let fieldIDs = input.fieldIDs
        let before = item.auditSnapshot
        var errors: [String] = []
        let photo = try await apply(input, to: item, errors: &errors, req: req)
        guard errors.isEmpty else { return try await page(req, form: input, item: item, fieldIDs: fieldIDs, errors: errors, status: .badRequest) }
        let oldImage = item.imageID
        try await req.db.transaction { database in
            if let photo {
                try await Self.store(photo, for: item, on: database)
            } else if input.remove_image != nil {
                item.imageID = nil
                item.imageMimeType = nil
                item.imageWidth = nil
                item.imageHeight = nil
                item.imageAlt = nil
            }
            if let oldImage, oldImage != item.imageID { try await FileContent.query(on: database).filter(\.$id == oldImage).delete() }
            try await item.save(on: database)
            try await Self.save(fieldIDs: fieldIDs, for: item, on: database)
            try await req.audit(.update, item, before: before, on: database)
        }
        req.flash("news.saved", item.title)
        return req.redirect(to: SiteURL.newsEdit(id: try item.requireID().uuidString).path)
    }

    @Sendable
    func delete(req: Request) async throws -> Response {
        let item = try await Self.find(req)
        let before = item.auditSnapshot
        let id = try item.requireID()
        try await req.db.transaction { database in
            if let image = item.imageID { try await FileContent.query(on: database).filter(\.$id == image).delete() }
            try await ContentTranslation.deleteAll(.news, id: id, on: database)
            try await item.delete(on: database)
            try await req.audit(.delete, item, before: before, on: database)
        }
        req.flash("news.deleted", item.title)
        return req.redirect(to: SiteURL.newsAdmin.path)
    }

    // MARK: - Form

    /// Checks the form and copies it onto `item`; returns a new picture to store. Nothing is saved here.
    private func apply(_ input: Form, to item: NewsItem, errors: inout [String], req: Request) async throws -> UploadedPhoto? {
        let title = Self.trimmed(input.title)
        if title.isEmpty || title.count > Self.maximumTitle { errors.append(req.t("news.error.title", String(Self.maximumTitle))) }
        let teaser = Self.trimmed(input.teaser)
        if teaser.count > Self.maximumTeaser { errors.append(req.t("news.error.teaser", String(Self.maximumTeaser))) }
        let body = (input.body ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if body.count > Self.maximumBody { errors.append(req.t("news.error.body", String(Self.maximumBody))) }
        let publishAt = Self.moment(date: input.publish_date, time: input.publish_time)
        if publishAt == nil { errors.append(req.t("news.error.publish_at")) }
        let eventID = try await Self.reference(input.event, Event.self, errorKey: "news.error.event", errors: &errors, req: req)
        let projectID = try await Self.reference(input.project, Project.self, errorKey: "news.error.project", errors: &errors, req: req)
        let committeeID = try await Self.reference(input.committee, Committee.self, errorKey: "news.error.committee", errors: &errors, req: req)
        let photo = UploadedPhoto.accept(input.image, errors: &errors, req: req)
        let alt = Self.trimmed(input.image_alt)
        let keepsImage = item.imageID != nil && input.remove_image == nil
        if (photo != nil || keepsImage) && alt.isEmpty { errors.append(req.t("news.error.alt")) }
        if alt.count > Self.maximumAlt { errors.append(req.t("news.error.alt_length", String(Self.maximumAlt))) }
        guard errors.isEmpty, let publishAt else { return nil }
        item.title = title
        item.teaser = teaser
        item.body = body
        item.publishAt = publishAt
        item.isDraft = input.is_draft != nil
        item.$event.id = eventID
        item.$project.id = projectID
        item.$committee.id = committeeID
        item.imageAlt = (photo != nil || keepsImage) ? alt : nil
        return photo
    }

    private static func store(_ photo: UploadedPhoto, for item: NewsItem, on database: any Database) async throws {
        let imageID = UUID()
        try await FileContent(id: imageID, data: Data(photo.bytes)).create(on: database)
        let dimensions = ImageType.dimensions(of: photo.bytes)
        item.imageID = imageID
        item.imageMimeType = photo.type.mimeType
        item.imageWidth = dimensions?.width
        item.imageHeight = dimensions?.height
    }

    private static func reference<M: Model>(_ value: String?, _ type: M.Type, errorKey: String, errors: inout [String], req: Request) async throws -> UUID?
    where M.IDValue == UUID {
        let text = trimmed(value)
        guard !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text), try await M.find(id, on: req.db) != nil else {
            errors.append(req.t(errorKey))
            return nil
        }
        return id
    }

    static func trimmed(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }

    /// A day and a time of day in Berlin as a moment.
    static func moment(date: String?, time: String?) -> Date? {
        guard let day = date.flatMap(CalendarDate.parse) else { return nil }
        let parts = trimmed(time).split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let components = utc.dateComponents([.year, .month, .day], from: day)
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = BerlinTime.zone
        return berlin.date(from: DateComponents(year: components.year, month: components.month, day: components.day, hour: hour, minute: minute))
    }

    private static func save(fieldIDs: Set<UUID>, for item: NewsItem, on database: any Database) async throws {
        let id = try item.requireID()
        let known = try await FieldOfAction.query(on: database).filter(\.$id ~~ Array(fieldIDs)).all().compactMap(\.id)
        try await NewsItemField.query(on: database).filter(\.$newsItem.$id == id).delete()
        for fieldID in known { try await NewsItemField(newsItemID: id, fieldOfActionID: fieldID).create(on: database) }
    }

    static func find(_ req: Request) async throws -> NewsItem {
        guard let id = req.parameters.get("id", as: UUID.self), let item = try await NewsItem.find(id, on: req.db) else { throw Abort(.notFound) }
        return item
    }

    private func page(_ req: Request, form: Form, item: NewsItem?, fieldIDs: Set<UUID>, errors: [String], status: HTTPStatus) async throws -> Response {
        let fields = try await FieldOfAction.query(on: req.db).sort(\.$position).limit(100).all()
        let since = Date().addingTimeInterval(-365 * 86_400)
        let events = try await Event.query(on: req.db).filter(\.$startsAt >= since).sort(\.$startsAt).limit(200).all()
        let projects = try await Project.query(on: req.db).sort(\.$title).limit(300).all()
        let committees = try await Committee.query(on: req.db).sort(\.$name).limit(100).all()
        func options<M: Model>(_ models: [M], selected: String?, label: (M) -> String) -> [SelectOption] where M.IDValue == UUID {
            [SelectOption(value: "", label: req.t("news.no_link"), selected: (selected ?? "").isEmpty)]
                + models.compactMap { model in model.id.map { SelectOption(value: $0.uuidString, label: label(model), selected: $0.uuidString == selected) } }
        }
        let id = try item?.requireID().uuidString
        let content = FormContent(
            title: form.title ?? "", teaser: form.teaser ?? "", body: form.body ?? "",
            publishDate: form.publish_date ?? "", publishTime: form.publish_time ?? "", isDraft: form.is_draft != nil,
            imageAlt: form.image_alt ?? "", imageURL: item?.imageID != nil ? id.map { SiteURL.newsImage(id: $0).path } : nil,
            fields: try fields.map { FieldBox(id: try $0.requireID().uuidString, name: $0.name, checked: fieldIDs.contains(try $0.requireID())) },
            events: options(events, selected: form.event) { $0.title + " (" + BerlinTime.date($0.startsAt, req.language) + ")" },
            projects: options(projects, selected: form.project) { $0.title },
            committees: options(committees, selected: form.committee) { $0.name },
            errors: errors,
            action: id.map { SiteURL.newsEdit(id: $0).path } ?? SiteURL.newsNew.path,
            state: item.map { req.t("news.state_line.\($0.publication().rawValue)", BerlinTime.dateTime($0.publishAt, req.language)) },
            publicURL: id.map { SiteURL.publicNewsItem(id: $0).path },
            translationsURL: id.map { SiteURL.translations(type: TranslatableContent.news.rawValue, id: $0).path },
            noticeURL: id.map { SiteURL.newsNotice(id: $0).path },
            deleteURL: id.map { SiteURL.newsDelete(id: $0).path },
            indexURL: SiteURL.newsAdmin.path, maximumTeaser: Self.maximumTeaser
        )
        let title = item.map { req.t("news.edit_title", $0.title) } ?? req.t("news.new_title")
        return try await req.renderPage("news/admin-form", title: title, content, status: status, withForms: true)
    }
}
