import Fluent
import QuartierCore
import SQLKit
import Vapor

/// Concerns for residents: the form without an account, the confirmation link, the author's own page, the public
/// list with filters, each concern's page with its timeline and support, a printable view and a GeoJSON feed.
struct PublicConcernController: RouteCollection {
    static let perPage = 20
    static let supportCookie = "quartier_support"
    /// At most this many points in the GeoJSON feed, newest first.
    static let geoJSONLimit = 2000
    /// The list counts matching concerns only up to this number: counting a city's half a million on every visit
    /// would cost more than the page itself, and nobody pages that far.
    static let countLimit = 10_000

    struct ConcernForm: Content {
        var title: String?
        var description: String?
        var category: String?
        var address: String?
        var latitude: String?
        var longitude: String?
        var name: String?
        var email: String?
        var wantsUpdates: String?
        var consent: String?
        var language: String?
        var website: String?
    }

    struct Photo: Content {
        var photo: File?
    }

    struct FormView: Encodable {
        var title = "", description = "", category = "", address = "", latitude = "", longitude = "", name = "", email = ""
        var wantsUpdates = false
        var consent = false
        var language = "de"
    }

    struct FormContent: Encodable {
        let form: FormView
        let categories: [SelectOption]
        let languages: [SelectOption]
        let errors: [String]
        let actionURL: String
        let maximumPhoto: Int
        let listURL: String
    }

    struct StepView: Encodable {
        let date: String
        let machineDate: String
        let label: String
        let note: String
    }

    struct Row: Encodable {
        let title: String
        let category: String
        let status: String
        let statusKey: String
        let date: String
        let supports: Int
        let address: String
        let url: String
    }

    struct IndexContent: Encodable {
        let rows: [Row]
        let statuses: [SelectOption]
        let categories: [SelectOption]
        let fields: [SelectOption]
        let sorts: [SelectOption]
        let place: String
        let pagination: PaginationContext
        let filterURL: String
        let newURL: String
        let geoJSONURL: String
    }

    struct ShowContent: Encodable {
        let id: String
        let title: String
        let description: String
        let category: String
        let field: String?
        let status: String
        let statusKey: String
        let statusNote: String
        let address: String
        let date: String
        let supports: Int
        let responsible: String?
        let project: String?
        let projectURL: String?
        let agenda: String?
        let agendaURL: String?
        let mergedIntoURL: String?
        let photoURL: String?
        let steps: [StepView]
        let supportURL: String
        let printURL: String
        let listURL: String
        let canSupport: Bool
        let message: String?
        let errors: [String]
        let supportEmail: String
    }

    struct StatusContent: Encodable {
        let title: String
        let status: String
        let isNew: Bool
        let justConfirmed: Bool
        let needsConfirmation: Bool
        let isPublic: Bool
        let email: String
        let publicURL: String
        let steps: [StepView]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.publicConcerns, use: index)
        routes.get(.concernNew, use: form)
        routes.on(.POST, SiteURL.concernNew.pathComponents, body: .collect(maxSize: Uploads.maximumBody), use: submit)
        routes.get(.concern(id: ":id"), use: show)
        routes.post(.concernSupport(id: ":id"), use: support)
        routes.get(.concernPrint(id: ":id"), use: printView)
        routes.get(.concernPhoto(id: ":id"), use: photo)
        routes.get(.concernsGeoJSON, use: geoJSON)
        routes.get(.concernConfirm(token: ":token"), use: confirm)
        routes.get(.concernStatusPage(token: ":token"), use: statusPage)
    }

    // MARK: The form

    static func categoryOptions(_ categories: [ConcernCategory], selected: String, req: Request, all: Bool = false) -> [SelectOption] {
        let first = SelectOption(value: "", label: req.t(all ? "concerns.all_categories" : "concerns.choose_category"), selected: selected.isEmpty)
        return [first] + categories.map { SelectOption(value: $0.code, label: $0.name, selected: $0.code == selected) }
    }

    static func activeCategories(on database: any Database) async throws -> [ConcernCategory] {
        try await ConcernCategory.query(on: database).filter(\.$isActive == true).sort(\.$position).sort(\.$name).all()
    }

    @Sendable
    func form(req: Request) async throws -> Response {
        var view = FormView()
        view.language = req.language.rawValue
        view.category = (try? req.query.get(String.self, at: "kategorie")) ?? ""
        return try await page(req, form: view, errors: [], status: .ok)
    }

    private func page(_ req: Request, form: FormView, errors: [String], status: HTTPStatus) async throws -> Response {
        let categories = try await Self.activeCategories(on: req.db)
        let content = FormContent(
            form: form, categories: Self.categoryOptions(categories, selected: form.category, req: req),
            languages: Language.allCases.map { SelectOption(value: $0.rawValue, label: req.application.catalog.text("language.name", $0), selected: $0.rawValue == form.language) },
            errors: errors, actionURL: SiteURL.concernNew.path, maximumPhoto: ImageType.maximumSize / 1024 / 1024, listURL: SiteURL.publicConcerns.path
        )
        return try await req.renderPage("concerns/new", title: req.t("concerns.new.title"), content, status: status, withForms: true)
    }

    static func view(_ input: ConcernForm) -> FormView {
        func text(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var view = FormView()
        view.title = text(input.title)
        view.description = text(input.description)
        view.category = text(input.category)
        view.address = text(input.address)
        view.latitude = text(input.latitude)
        view.longitude = text(input.longitude)
        view.name = text(input.name)
        view.email = text(input.email).lowercased()
        view.wantsUpdates = input.wantsUpdates != nil
        view.consent = input.consent != nil
        view.language = Language(rawValue: text(input.language))?.rawValue ?? "de"
        return view
    }

    /// The checks every way in shares (form, staff entry, Open311): the text, the category and the place.
    static func check(_ view: FormView, categories: [ConcernCategory], errors: inout [String], req: Request) -> (category: ConcernCategory?, point: (Double, Double)?) {
        if view.title.isEmpty || view.title.count > ConcernRules.maximumTitle { errors.append(req.t("concerns.error.title")) }
        if view.description.isEmpty || view.description.count > ConcernRules.maximumDescription { errors.append(req.t("concerns.error.description")) }
        let category = categories.first { $0.code == view.category && $0.isActive }
        if category == nil { errors.append(req.t("concerns.error.category")) }
        if view.address.count > ConcernRules.maximumAddress { errors.append(req.t("concerns.error.address")) }
        var point: (Double, Double)?
        if !view.latitude.isEmpty || !view.longitude.isEmpty {
            if let found = ConcernRules.coordinates(latitude: view.latitude, longitude: view.longitude) { point = (found.latitude, found.longitude) }
            else { errors.append(req.t("concerns.error.point")) }
        }
        if view.name.count > ConcernRules.maximumName { errors.append(req.t("concerns.error.name")) }
        if !view.email.isEmpty && !MailMessage.isValidAddress(view.email) { errors.append(req.t("registrations.error.email")) }
        return (category, point)
    }

    @Sendable
    func submit(req: Request) async throws -> Response {
        let input: ConcernForm
        do { input = try req.content.decode(ConcernForm.self) } catch { throw UserError(.badRequest, "concerns.error.form") }
        // A filled hidden field means a robot: it is sent to the list, nothing is stored.
        guard (input.website ?? "").isEmpty else { return req.redirect(to: SiteURL.publicConcerns.path) }
        let view = Self.view(input)
        var errors: [String] = []
        let categories = try await Self.activeCategories(on: req.db)
        let checked = Self.check(view, categories: categories, errors: &errors, req: req)
        if view.wantsUpdates && view.email.isEmpty { errors.append(req.t("concerns.error.updates_need_email")) }
        if (!view.email.isEmpty || !view.name.isEmpty) && !view.consent { errors.append(req.t("concerns.error.consent")) }
        let upload = req.headers.contentType?.subType == "form-data" ? (try? req.content.decode(Photo.self))?.photo : nil
        let photo = UploadedPhoto.accept(upload, errors: &errors, req: req)
        guard errors.isEmpty, let category = checked.category else { return try await page(req, form: view, errors: errors, status: .badRequest) }
        let clientHash = Concern.clientHash(req)
        let recent = try await Concern.query(on: req.db).filter(\.$clientHash == clientHash)
            .filter(\.$createdAt >= Date().addingTimeInterval(-ConcernRules.window)).count()
        guard ConcernRules.allows(recent: recent, limit: ConcernRules.submissionsPerWindow) else {
            return try await page(req, form: view, errors: [req.t("concerns.error.rate_limit")], status: .tooManyRequests)
        }
        let concern = Concern(categoryID: try category.requireID(), source: .online, title: view.title, description: view.description,
                              address: view.address, latitude: checked.point?.0, longitude: checked.point?.1,
                              locale: Language(rawValue: view.language) ?? req.language, submitterName: view.name, submitterEmail: view.email,
                              wantsUpdates: view.wantsUpdates, clientHash: clientHash)
        try await Self.store(concern, photo: photo, req: req)
        return req.redirect(to: SiteURL.concernStatusPage(token: concern.token).path + "?neu=1")
    }

    /// Creates a concern with its first timeline step, its photo, the audit entry and, with an address, the
    /// confirmation mail, in one transaction.
    static func store(_ concern: Concern, photo: UploadedPhoto?, note: String = "", req: Request) async throws {
        try await req.db.transaction { database in
            if let photo {
                let id = UUID()
                try await FileContent(id: id, data: Data(photo.bytes)).create(on: database)
                concern.photoID = id
                concern.photoMime = photo.type.mimeType
            }
            try await concern.create(on: database)
            try await ConcernStep(concernID: try concern.requireID(), kind: .submitted, status: .new, note: note,
                                  actor: req.currentUser?.email ?? "public").create(on: database)
            try await req.audit(.create, concern, before: nil, on: database)
            if concern.needsConfirmation { try await ConcernDesk.mail(.confirm, concern, note: "", req: req, on: database) }
        }
    }

    // MARK: The author's own page

    static func steps(_ concernID: UUID, publicOnly: Bool, req: Request) async throws -> [StepView] {
        let query = ConcernStep.query(on: req.db).filter(\.$concern.$id == concernID)
        if publicOnly { query.filter(\.$isPublic == true) }
        return try await query.sort(\.$createdAt).sort(\.$id).limit(200).all().map { step in
            let label: String
            switch step.kind {
            case .status: label = req.t("concerns.status.\(step.status?.rawValue ?? "new")")
            default: label = req.t("concerns.step.\(step.kind.rawValue)")
            }
            return StepView(date: BerlinTime.dateTime(step.createdAt, req.language), machineDate: BerlinTime.machineReadable(step.createdAt),
                            label: label, note: step.note)
        }
    }

    @Sendable
    func confirm(req: Request) async throws -> Response {
        guard let token = req.parameters.get("token"),
              let concern = try await Concern.query(on: req.db).filter(\.$token == token).first() else { throw Abort(.notFound) }
        if concern.confirmedAt == nil {
            try await req.db.transaction { database in
                concern.confirmedAt = Date()
                concern.refreshVisibility()
                try await concern.save(on: database)
                try await ConcernStep(concernID: try concern.requireID(), kind: .confirmed, note: "", isPublic: false, actor: "public").create(on: database)
            }
            req.application.pageCache.clear()
        }
        return req.redirect(to: SiteURL.concernStatusPage(token: token).path + "?bestaetigt=1")
    }

    @Sendable
    func statusPage(req: Request) async throws -> Response {
        guard let token = req.parameters.get("token"),
              let concern = try await Concern.query(on: req.db).filter(\.$token == token).first() else { throw Abort(.notFound) }
        let id = try concern.requireID()
        let content = StatusContent(
            title: concern.title, status: req.t("concerns.status.\(concern.status.rawValue)"),
            isNew: (try? req.query.get(String.self, at: "neu")) != nil, justConfirmed: (try? req.query.get(String.self, at: "bestaetigt")) != nil,
            needsConfirmation: concern.needsConfirmation, isPublic: concern.isPublic, email: concern.submitterEmail,
            publicURL: SiteURL.concern(id: id.uuidString).path, steps: try await Self.steps(id, publicOnly: true, req: req)
        )
        let response = try await req.renderPage("concerns/status", title: req.t("concerns.status_page.title", concern.title), content)
        // The address is the key to the author's page: keep it out of caches and other sites' logs.
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    // MARK: The public list

    struct Filter {
        var status: ConcernStatus?
        var category: ConcernCategory?
        var fieldID: UUID?
        var place: String
        var bySupport: Bool

        init(req: Request, categories: [ConcernCategory]) {
            status = (try? req.query.get(String.self, at: "status")).flatMap(ConcernStatus.init(rawValue:))
            let code = (try? req.query.get(String.self, at: "kategorie")) ?? ""
            category = categories.first { $0.code == code }
            fieldID = (try? req.query.get(String.self, at: "handlungsfeld")).flatMap(UUID.init(uuidString:))
            place = String(((try? req.query.get(String.self, at: "ort")) ?? "").trimmingCharacters(in: .whitespaces).prefix(80))
            bySupport = (try? req.query.get(String.self, at: "sortierung")) == "unterstuetzung"
        }

        var query: [String: String] {
            var items: [String: String] = [:]
            if let status { items["status"] = status.rawValue }
            if let category { items["kategorie"] = category.code }
            if let fieldID { items["handlungsfeld"] = fieldID.uuidString }
            if !place.isEmpty { items["ort"] = place }
            if bySupport { items["sortierung"] = "unterstuetzung" }
            return items
        }

        /// The address contains the place as typed, whatever its case ("treppenweg" finds "Treppenweg 2" on PostgreSQL
        /// too, where LIKE minds the case); % and _ are letters here, not wildcards.
        static func placeCondition(_ place: String) -> SQLQueryString {
            let escaped = place.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            return "LOWER(\(ident: Concern.schema).\(ident: "address")) LIKE \(bind: "%" + escaped + "%") ESCAPE '\\'"
        }

        /// The number of matching concerns, but at most `limit`; the same conditions as `apply`.
        func boundedCount(limit: Int, categories: [ConcernCategory], on database: any Database) async throws -> Int {
            let fieldCategories = fieldID.map { id in categories.filter { $0.$fieldOfAction.id == id }.compactMap(\.id) }
            let subquery = SQLSubquery.select { inner in
                inner.column(SQLLiteral.numeric("1")).from(Concern.schema).where("is_public", .equal, SQLBind(true))
                if let status { inner.where("status", .equal, SQLBind(status.rawValue)) }
                if let id = category?.id { inner.where("category_id", .equal, SQLBind(id)) }
                if let fieldCategories {
                    if fieldCategories.isEmpty { inner.where(SQLLiteral.boolean(false)) } else { inner.where("category_id", .in, SQLBind.group(fieldCategories)) }
                }
                if !place.isEmpty { inner.where(Self.placeCondition(place)) }
                return inner.limit(limit)
            }
            let row = try await (database as! any SQLDatabase).select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from(subquery, as: SQLIdentifier("bounded")).first()
            return try row?.decode(column: "n", as: Int.self) ?? 0
        }

        func apply(_ query: QueryBuilder<Concern>, categories: [ConcernCategory]) -> QueryBuilder<Concern> {
            query.filter(\.$isPublic == true)
            if let status { query.filter(\.$status == status) }
            if let category, let id = category.id { query.filter(\.$category.$id == id) }
            if let fieldID { query.filter(\.$category.$id ~~ categories.filter { $0.$fieldOfAction.id == fieldID }.compactMap(\.id)) }
            if !place.isEmpty { query.filter(.sql(Self.placeCondition(place))) }
            return query
        }
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let categories = try await ConcernCategory.query(on: req.db).with(\.$fieldOfAction).sort(\.$position).sort(\.$name).all()
        let fields = try await FieldOfAction.query(on: req.db).sort(\.$position).all()
        let filter = Filter(req: req, categories: categories)
        let names = Dictionary(uniqueKeysWithValues: categories.compactMap { category in category.id.map { ($0, category.name) } })
        let total = try await filter.boundedCount(limit: Self.countLimit, categories: categories, on: req.db)
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: total)
        let query = filter.apply(Concern.query(on: req.db), categories: categories)
        if filter.bySupport { query.sort(\.$supportCount, .descending) }
        let concerns = try await query.sort(\.$createdAt, .descending).sort(\.$id, .descending)
            .range(window.offset..<(window.offset + window.perPage)).all()
        let content = IndexContent(
            rows: try concerns.map { concern in
                Row(title: concern.publicTitle, category: names[concern.$category.id] ?? "", status: req.t("concerns.status.\(concern.status.rawValue)"),
                    statusKey: concern.status.rawValue, date: concern.createdAt.map { BerlinTime.date($0, req.language) } ?? "",
                    supports: concern.supportCount, address: concern.address, url: SiteURL.concern(id: try concern.requireID().uuidString).path)
            },
            statuses: [SelectOption(value: "", label: req.t("concerns.all_statuses"), selected: filter.status == nil)]
                + ConcernStatus.allCases.map { SelectOption(value: $0.rawValue, label: req.t("concerns.status.\($0.rawValue)"), selected: $0 == filter.status) },
            categories: Self.categoryOptions(categories, selected: filter.category?.code ?? "", req: req, all: true),
            fields: [SelectOption(value: "", label: req.t("concerns.all_fields"), selected: filter.fieldID == nil)]
                + fields.compactMap { field in field.id.map { SelectOption(value: $0.uuidString, label: field.name, selected: $0 == filter.fieldID) } },
            sorts: [SelectOption(value: "neu", label: req.t("concerns.sort.newest"), selected: !filter.bySupport),
                    SelectOption(value: "unterstuetzung", label: req.t("concerns.sort.support"), selected: filter.bySupport)],
            place: filter.place,
            pagination: PaginationContext(window, baseURL: SiteURL.publicConcerns.path, req: req, query: filter.query,
                                          totalIsAtLeast: total >= Self.countLimit),
            filterURL: SiteURL.publicConcerns.path, newURL: SiteURL.concernNew.path, geoJSONURL: SiteURL.concernsGeoJSON.path
        )
        return try await req.renderPage("concerns/index", title: req.t("concerns.title"), content)
    }

    // MARK: One concern

    static func findPublic(_ req: Request) async throws -> Concern {
        guard let id = req.parameters.get("id", as: UUID.self), let concern = try await Concern.find(id, on: req.db) else { throw Abort(.notFound) }
        // A concern that is not public does not exist for the public; staff see it in the back office.
        guard concern.isPublic || req.currentUser?.role.includes(.staff) == true else { throw Abort(.notFound) }
        return concern
    }

    func showContent(_ concern: Concern, req: Request, message: String? = nil, errors: [String] = [], email: String = "") async throws -> ShowContent {
        let id = try concern.requireID()
        let category = try await ConcernCategory.query(on: req.db).filter(\.$id == concern.$category.id).with(\.$fieldOfAction).first()
        var responsible: String?
        if let organisationID = concern.$responsibleOrganisation.id { responsible = try await Organisation.find(organisationID, on: req.db)?.name }
        if let committeeID = concern.$responsibleCommittee.id, let committee = try await Committee.find(committeeID, on: req.db) {
            responsible = [responsible, committee.name].compactMap { $0 }.joined(separator: ", ")
        }
        var project: Project?
        if let projectID = concern.$project.id { project = try await Project.find(projectID, on: req.db) }
        var agenda: (String, String?)?
        if let itemID = concern.$agendaItem.id, let item = try await AgendaItem.query(on: req.db).filter(\.$id == itemID).with(\.$meeting).first() {
            let committee = try await Committee.find(item.meeting.$committee.id, on: req.db)
            let label = req.t("concerns.agenda.label", committee?.name ?? "", BerlinTime.date(item.meeting.startsAt, req.language))
            agenda = (label, item.isPublic && committee?.isPublic == true ? SiteURL.publicMeeting(id: try item.meeting.requireID().uuidString).path : nil)
        }
        let projectIsPublic = project.map { $0.isPublic } ?? false
        return ShowContent(
            id: id.uuidString, title: concern.publicTitle, description: concern.publicDescription, category: category?.name ?? "",
            field: category?.fieldOfAction?.name, status: req.t("concerns.status.\(concern.status.rawValue)"), statusKey: concern.status.rawValue,
            statusNote: concern.statusNote, address: concern.address, date: concern.createdAt.map { BerlinTime.date($0, req.language) } ?? "",
            supports: concern.supportCount, responsible: responsible, project: project?.title,
            projectURL: projectIsPublic ? try project.map { SiteURL.publicProject(id: try $0.requireID().uuidString).path } : nil,
            agenda: agenda?.0, agendaURL: agenda?.1,
            mergedIntoURL: concern.$mergedInto.id.map { SiteURL.concern(id: $0.uuidString).path },
            photoURL: concern.photoID == nil ? nil : SiteURL.concernPhoto(id: id.uuidString).path,
            steps: try await Self.steps(id, publicOnly: true, req: req), supportURL: SiteURL.concernSupport(id: id.uuidString).path,
            printURL: SiteURL.concernPrint(id: id.uuidString).path, listURL: SiteURL.publicConcerns.path,
            canSupport: concern.isPublic && concern.status.isOpen, message: message, errors: errors, supportEmail: email
        )
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let concern = try await Self.findPublic(req)
        let message = (try? req.query.get(String.self, at: "unterstuetzt")) != nil ? req.t("concerns.support.thanks") : nil
        let content = try await showContent(concern, req: req, message: message)
        return try await req.renderPage("concerns/show", title: concern.publicTitle, content, withForms: true)
    }

    @Sendable
    func printView(req: Request) async throws -> Response {
        let concern = try await Self.findPublic(req)
        return try await req.renderPage("concerns/print", title: concern.publicTitle, try await showContent(concern, req: req))
    }

    struct SupportForm: Content {
        var email: String?
    }

    @Sendable
    func support(req: Request) async throws -> Response {
        let concern = try await Self.findPublic(req)
        let id = try concern.requireID()
        let email = ((try? req.content.decode(SupportForm.self))?.email ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        func refuse(_ key: String, _ status: HTTPStatus) async throws -> Response {
            let content = try await showContent(concern, req: req, errors: [req.t(key)], email: email)
            return try await req.renderPage("concerns/show", title: concern.publicTitle, content, status: status, withForms: true)
        }
        guard concern.isPublic, concern.status.isOpen else { return try await refuse("concerns.error.support_closed", .conflict) }
        if !email.isEmpty && (email.count > 200 || !MailMessage.isValidAddress(email)) { return try await refuse("registrations.error.email", .badRequest) }
        let existingKey = req.cookies[Self.supportCookie]?.string ?? ""
        let browserKey = existingKey.count >= 16 && existingKey.count <= 64 ? existingKey : Registration.newToken()
        let clientHash = Concern.clientHash(req)
        let recent = try await ConcernSupport.query(on: req.db).filter(\.$clientHash == clientHash)
            .filter(\.$createdAt >= Date().addingTimeInterval(-ConcernRules.window)).count()
        guard ConcernRules.allows(recent: recent, limit: ConcernRules.supportsPerWindow) else { return try await refuse("concerns.error.rate_limit", .tooManyRequests) }
        let duplicate = ConcernSupport.query(on: req.db).filter(\.$concern.$id == id).group(.or) { group in
            group.filter(\.$browserKey == browserKey)
            if !email.isEmpty { group.filter(\.$email == email) }
        }
        guard try await duplicate.first() == nil else { return try await refuse("concerns.error.supported_already", .conflict) }
        try await req.db.transaction { database in
            try await ConcernSupport(concernID: id, browserKey: browserKey, email: email, clientHash: clientHash).create(on: database)
            try await (database as! any SQLDatabase).raw("UPDATE concerns SET support_count = support_count + 1 WHERE id = \(bind: id)").run()
        }
        req.application.pageCache.clear()
        let response = req.redirect(to: SiteURL.concern(id: id.uuidString).path + "?unterstuetzt=1")
        response.cookies[Self.supportCookie] = HTTPCookies.Value(string: browserKey, maxAge: 60 * 60 * 24 * 365 * 2, path: "/anliegen",
                                                                 isSecure: req.settings.isSecure, isHTTPOnly: true, sameSite: .lax)
        return response
    }

    @Sendable
    func photo(req: Request) async throws -> Response {
        let concern = try await Self.findPublic(req)
        guard let photoID = concern.photoID, let mime = concern.photoMime, let file = try await FileContent.find(photoID, on: req.db) else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: mime)
        headers.replaceOrAdd(name: .cacheControl, value: concern.isPublic ? "public, max-age=3600" : "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(data: file.data))
    }

    // MARK: GeoJSON

    struct Feature: Encodable {
        struct Geometry: Encodable {
            let type = "Point"
            let coordinates: [Double]
        }

        struct Properties: Encodable {
            let title: String
            let status: String
            let category: String
            let supports: Int
            let url: String
        }

        let type = "Feature"
        let id: String
        let geometry: Geometry
        let properties: Properties
    }

    struct FeatureCollection: Encodable {
        let type = "FeatureCollection"
        let features: [Feature]
    }

    @Sendable
    func geoJSON(req: Request) async throws -> Response {
        let categories = try await ConcernCategory.query(on: req.db).all()
        let codes = Dictionary(uniqueKeysWithValues: categories.compactMap { category in category.id.map { ($0, category.code) } })
        let filter = Filter(req: req, categories: categories)
        let concerns = try await filter.apply(Concern.query(on: req.db), categories: categories).filter(\.$latitude != nil).filter(\.$longitude != nil)
            .sort(\.$createdAt, .descending).limit(Self.geoJSONLimit).all()
        let collection = FeatureCollection(features: try concerns.compactMap { concern in
            guard let latitude = concern.latitude, let longitude = concern.longitude else { return nil }
            let id = try concern.requireID().uuidString
            // RFC 7946: longitude first.
            return Feature(id: id, geometry: .init(coordinates: [longitude, latitude]),
                           properties: .init(title: concern.publicTitle, status: concern.status.rawValue, category: codes[concern.$category.id] ?? "",
                                             supports: concern.supportCount, url: SiteURL.concern(id: id).absolute(req.settings)))
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/geo+json; charset=utf-8")
        return Response(status: .ok, headers: headers, body: .init(data: try encoder.encode(collection)))
    }
}
