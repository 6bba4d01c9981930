import Fluent
import QuartierCore
import Vapor

/// Admins edit the contact block of the Stadtteilbüro and the texts of the public portal.
struct PortalAdminController: RouteCollection {
    struct OfficeForm: Content {
        var district_name: String?
        var is_fictional: String?
        var office_name: String?
        var people: String?
        var phone: String?
        var email: String?
        var street: String?
        var postal_code: String?
        var city: String?
        var opening_hours: String?
        var consultation_hours: String?
    }

    struct OfficeContent: Encodable {
        let form: OfficeForm
        let errors: [String]
        let action: String
    }

    struct TextRow: Encodable {
        let name: String
        let versions: [TextVersion]
    }

    struct TextVersion: Encodable {
        let language: String
        let languageName: String
        let exists: Bool
        let updated: String?
        let href: String
    }

    struct TextsContent: Encodable {
        let texts: [TextRow]
    }

    struct TextForm: Content {
        var title: String?
        var body: String?
    }

    struct TextContent: Encodable {
        let name: String
        let languageName: String
        let language: String
        let title: String
        let body: String
        let errors: [String]
        let action: String
        let publicURL: String
    }

    let cache: PageCache

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(RequireRole(role: .admin))
        admin.get(.adminOffice, use: editOffice)
        admin.post(.adminOffice, use: saveOffice)
        admin.get(.adminTexts, use: texts)
        admin.get(.adminText(key: ":key", language: ":language"), use: editText)
        admin.post(.adminText(key: ":key", language: ":language"), use: saveText)
    }

    @Sendable
    func editOffice(req: Request) async throws -> Response {
        let settings = try await PortalSettings.query(on: req.db).first() ?? .blank()
        let form = OfficeForm(
            district_name: settings.districtName, is_fictional: settings.isFictional ? "on" : nil,
            office_name: settings.officeName, people: settings.people, phone: settings.phone, email: settings.email,
            street: settings.street, postal_code: settings.postalCode, city: settings.city,
            opening_hours: settings.openingHours, consultation_hours: settings.consultationHours
        )
        return try await officePage(req, form: form, errors: [], status: .ok)
    }

    @Sendable
    func saveOffice(req: Request) async throws -> Response {
        let form = try req.content.decode(OfficeForm.self)
        func clean(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var errors: [String] = []
        if clean(form.district_name).isEmpty { errors.append(req.t("office.error.district")) }
        if !clean(form.email).isEmpty, !MailMessage.isValidAddress(clean(form.email)) { errors.append(req.t("office.error.email")) }
        let lengths = [form.district_name, form.office_name, form.phone, form.email, form.street, form.postal_code, form.city]
        if lengths.contains(where: { clean($0).count > 200 }) { errors.append(req.t("office.error.long")) }
        guard errors.isEmpty else { return try await officePage(req, form: form, errors: errors, status: .badRequest) }

        let settings = try await PortalSettings.query(on: req.db).first() ?? .blank()
        let before = settings.id == nil ? nil : settings.auditSnapshot
        settings.districtName = clean(form.district_name)
        settings.isFictional = form.is_fictional != nil
        settings.officeName = clean(form.office_name)
        settings.people = clean(form.people)
        settings.phone = clean(form.phone)
        settings.email = clean(form.email)
        settings.street = clean(form.street)
        settings.postalCode = clean(form.postal_code)
        settings.city = clean(form.city)
        settings.openingHours = clean(form.opening_hours)
        settings.consultationHours = clean(form.consultation_hours)
        try await settings.save(on: req.db)
        try await req.audit(before == nil ? .create : .update, settings, before: before)
        PortalSettings.invalidateCache()
        cache.clear()
        req.flash("office.saved")
        return req.redirect(to: SiteURL.adminOffice.path)
    }

    @Sendable
    func texts(req: Request) async throws -> Response {
        let existing = try await SiteText.query(on: req.db).all()
        let rows = SiteText.Key.allCases.map { key in
            TextRow(name: req.t("text.\(key.rawValue).title"), versions: key.languages.map { language in
                let text = existing.first { $0.key == key.rawValue && $0.language == language.rawValue }
                return TextVersion(
                    language: language.rawValue, languageName: req.t("language.\(language.rawValue)"), exists: text != nil,
                    updated: text?.updatedAt.map { BerlinTime.dateTime($0, req.language) },
                    href: SiteURL.adminText(key: key.rawValue, language: language.rawValue).path
                )
            })
        }
        return try await req.renderPage("portal/admin-texts", title: req.t("texts.title"), TextsContent(texts: rows))
    }

    @Sendable
    func editText(req: Request) async throws -> Response {
        let (key, language) = try target(req)
        let text = try await SiteText.query(on: req.db).filter(\.$key == key.rawValue).filter(\.$language == language.rawValue).first()
        return try await textPage(req, key, language, form: TextForm(title: text?.title, body: text?.body), errors: [], status: .ok)
    }

    @Sendable
    func saveText(req: Request) async throws -> Response {
        let (key, language) = try target(req)
        let form = try req.content.decode(TextForm.self)
        let title = (form.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let body = (form.body ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String] = []
        if title.isEmpty { errors.append(req.t("texts.error.title")) }
        if body.isEmpty { errors.append(req.t("texts.error.body")) }
        if title.count > 200 || body.count > 50_000 { errors.append(req.t("texts.error.long")) }
        guard errors.isEmpty else { return try await textPage(req, key, language, form: form, errors: errors, status: .badRequest) }

        let existing = try await SiteText.query(on: req.db).filter(\.$key == key.rawValue).filter(\.$language == language.rawValue).first()
        let text = existing ?? SiteText(key: key, language: language, title: title, body: body)
        let before = existing?.auditSnapshot
        text.title = title
        text.body = body
        try await text.save(on: req.db)
        try await req.audit(existing == nil ? .create : .update, text, before: before)
        cache.clear()
        req.flash("texts.saved")
        return req.redirect(to: SiteURL.adminTexts.path)
    }

    private func target(_ req: Request) throws -> (SiteText.Key, Language) {
        guard let key = req.parameters.get("key").flatMap(SiteText.Key.init(rawValue:)),
              let language = req.parameters.get("language").flatMap(Language.init(rawValue:)),
              key.languages.contains(language)
        else { throw Abort(.notFound) }
        return (key, language)
    }

    private func officePage(_ req: Request, form: OfficeForm, errors: [String], status: HTTPStatus) async throws -> Response {
        try await req.renderPage("portal/admin-office", title: req.t("office.title"),
                                 OfficeContent(form: form, errors: errors, action: SiteURL.adminOffice.path), status: status, withForms: true)
    }

    private func textPage(_ req: Request, _ key: SiteText.Key, _ language: Language, form: TextForm, errors: [String], status: HTTPStatus) async throws -> Response {
        let publicURL: SiteURL = switch key {
        case .intro: .home
        case .easyRead: .easyRead
        case .imprint: .imprint
        case .privacy: .privacy
        case .accessibility: .accessibility
        }
        let content = TextContent(
            name: req.t("text.\(key.rawValue).title"), languageName: req.t("language.\(language.rawValue)"), language: language.rawValue,
            title: form.title ?? "", body: form.body ?? "", errors: errors,
            action: SiteURL.adminText(key: key.rawValue, language: language.rawValue).path, publicURL: publicURL.path
        )
        return try await req.renderPage("portal/admin-text", title: req.t("texts.edit.title", content.name, content.languageName),
                                        content, status: status, withForms: true)
    }
}
