import Fluent
import QuartierCore
import Vapor

/// The one-page A4 notice (Aushang) for the stairwell, the shop window and the notice board: an event, a news item
/// or a project in large type, with its web address written out and how to reach the neighbourhood office. Printed
/// from the browser; the print stylesheet holds it to one page. `?sprache=` prints it in a translation.
struct NoticeController: RouteCollection {
    /// Long texts are cut so that the notice stays one page in large type; the address leads to the rest.
    static let maximumText = 650

    struct Fact: Encodable {
        let label: String
        let value: String
    }

    struct NoticeContent: Encodable {
        let pageTitle: String
        /// The interface language: of the page, its labels and the address block.
        let uiLang: String
        let lang: String
        let dir: String
        let kind: String
        let title: String
        let facts: [Fact]
        let text: [[String]]
        let address: String
        let addressLabel: String
        let districtName: String
        let isFictional: Bool
        let contact: [String]
        let stylesheet: String
        let backURL: String
        let languages: [SelectOption]
        let printHint: String
        let backLabel: String
        let languageLabel: String
        let showLabel: String
        let fallbackNote: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.eventNotice(id: ":id"), use: event)
        routes.get(.newsNotice(id: ":id"), use: news)
        routes.get(.projectNotice(id: ":id"), use: project)
    }

    private func wanted(_ req: Request) -> ContentLanguage {
        (try? req.query.get(String.self, at: "sprache")).flatMap(ContentLanguage.init(rawValue:)) ?? req.contentLanguage
    }

    private func localized(_ type: TranslatableContent, id: UUID, original: (title: String, summary: String, body: String), req: Request) async throws -> LocalizedText {
        let language = wanted(req)
        let translation = try await ContentTranslation.lookup(type, ids: [id], language: language, on: req.db)[id]
        return LocalizedText.choose(original: original, translation: translation?.fields, wanted: language)
    }

    @Sendable
    func event(req: Request) async throws -> Response {
        let event = try await PublicEventController.findPublic(req)
        let id = try event.requireID()
        let text = try await localized(.event, id: id, original: (event.title, "", event.description), req: req)
        let sameDay = CalendarDate.day(of: event.startsAt) == CalendarDate.day(of: event.endsAt)
        var facts = [
            Fact(label: req.t("notice.when"), value: BerlinTime.dateTime(event.startsAt, req.language) + " – "
                 + (sameDay ? BerlinTime.time(event.endsAt, req.language) : BerlinTime.dateTime(event.endsAt, req.language))),
            Fact(label: req.t("notice.where"), value: event.place),
        ]
        var access: [String] = []
        if event.stepFree { access.append(req.t("event.access.step_free")) }
        if event.childcare { access.append(req.t("event.access.childcare")) }
        if event.hearingLoop { access.append(req.t("event.access.hearing_loop")) }
        if !event.interpreting.isEmpty { access.append(req.t("event.access.interpreting", event.interpreting)) }
        if !access.isEmpty { facts.append(Fact(label: req.t("notice.access"), value: access.joined(separator: " · "))) }
        if event.registration { facts.append(Fact(label: req.t("notice.registration"), value: req.t("notice.registration_text"))) }
        if event.state == .cancelled { facts.insert(Fact(label: req.t("notice.attention"), value: req.t("event.state.cancelled")), at: 0) }
        return try await render(req, kind: req.t("event.format.\(event.format.rawValue)"), text: text, body: text.body, facts: facts,
                                address: SiteURL.publicEvent(id: id.uuidString), back: SiteURL.publicEvent(id: id.uuidString).path)
    }

    @Sendable
    func news(req: Request) async throws -> Response {
        let item = try await PublicNewsController.findVisible(req)
        let id = try item.requireID()
        let text = try await localized(.news, id: id, original: (item.title, item.teaser, item.body), req: req)
        let body = [text.summary, SafeMarkdown.plainText(from: text.body)].filter { !$0.isEmpty }.joined(separator: "\n\n")
        return try await render(req, kind: req.t("news.kind", BerlinTime.date(item.publishAt, req.language)), text: text, body: body, facts: [],
                                address: SiteURL.publicNewsItem(id: id.uuidString), back: SiteURL.publicNewsItem(id: id.uuidString).path)
    }

    @Sendable
    func project(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let project = try await Project.find(id, on: req.db),
              project.isPublic || req.currentUser?.role.includes(.staff) == true else { throw Abort(.notFound) }
        let text = try await localized(.project, id: id, original: (project.title, project.summary, project.participation), req: req)
        var facts = [Fact(label: req.t("notice.phase"), value: req.t("project.phase.\(project.phase.rawValue)"))]
        if !text.body.isEmpty { facts.append(Fact(label: req.t("notice.take_part"), value: Self.cut(text.body, to: 300))) }
        return try await render(req, kind: req.t("notice.project"), text: text, body: text.summary, facts: facts,
                                address: SiteURL.publicProject(id: id.uuidString), back: SiteURL.publicProject(id: id.uuidString).path)
    }

    static func cut(_ text: String, to limit: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return SafeMarkdown.excerpt(flat, limit: limit)
    }

    private func render(_ req: Request, kind: String, text: LocalizedText, body: String, facts: [Fact], address: SiteURL, back: String) async throws -> Response {
        let portal = try await PortalSettings.current(on: req)
        var contact = [portal.officeName]
        if !portal.street.isEmpty { contact.append(portal.street + ", " + portal.postalCode + " " + portal.city) }
        if !portal.phone.isEmpty { contact.append(req.t("home.phone") + " " + portal.phone) }
        if !portal.email.isEmpty { contact.append(portal.email) }
        let shortened = body.count > Self.maximumText ? SafeMarkdown.excerpt(body, limit: Self.maximumText) : body
        let language = wanted(req)
        let content = NoticeContent(
            pageTitle: req.t("notice.title", text.title), uiLang: req.language.rawValue,
            lang: text.language.htmlLang, dir: text.language.direction,
            kind: kind, title: text.title, facts: facts, text: PlainText.paragraphs(shortened),
            address: address.absolute(req.settings), addressLabel: req.t("notice.address"),
            districtName: portal.districtName, isFictional: portal.isFictional, contact: contact.filter { !$0.isEmpty },
            stylesheet: SiteURL.noticeStylesheet.path, backURL: back,
            languages: ContentLanguage.allCases.map { SelectOption(value: $0.rawValue, label: $0.nativeName, selected: $0 == language) },
            printHint: req.t("notice.print_hint"), backLabel: req.t("notice.back"), languageLabel: req.t("notice.language"),
            showLabel: req.t("notice.show"),
            fallbackNote: text.isFallback ? req.t("translation.fallback", language.nativeName) : nil
        )
        return try await req.view.render("news/notice", content).encodeResponse(for: req)
    }
}
