import Leaf
import QuartierCore
import Vapor

/// What the base layout needs on every page. Each page adds its own content context beside it.
struct PageMeta: Encodable {
    struct Link: Encodable {
        let href: String
        let label: String
        let current: Bool
    }

    struct LanguageLink: Encodable {
        let code: String
        /// The `lang` of the link text: Leichte Sprache is German (its `code` for `hreflang` differs).
        let lang: String
        let name: String
        let href: String
        let current: Bool
    }

    /// OpenGraph and description tags of a public page.
    struct Share: Encodable {
        var title: String
        var description: String
        var type: String = "website"
        var image: String? = nil
        var imageAlt: String? = nil
        var url: String = ""
        var siteName: String = ""
        var locale: String = ""
    }

    struct Viewer: Encodable {
        let name: String
        let email: String
        let role: String
        let isStaff: Bool
        let isAdmin: Bool
    }

    let title: String
    let language: String
    let languages: [LanguageLink]
    let districtName: String
    let isFictional: Bool
    let viewer: Viewer?
    let csrf: String?
    let notice: String?
    let isBackoffice: Bool
    let backofficeNav: [Link]
    let urls: [String: String]
    /// Only on public pages.
    let share: Share?
    let infoPages: [Link]
}

struct PageContext<Content: Encodable>: Encodable {
    let meta: PageMeta
    let content: Content
}

/// A page without content of its own beyond the title.
struct NoContent: Encodable {}

extension Request {
    private struct NoticeKey: StorageKey {
        typealias Value = String
    }

    /// A one-time message for the next page this user sees (after a redirect), as a catalog key.
    func flash(_ key: String, _ arguments: String...) {
        flash(text: application.catalog.text(key, language, arguments))
    }

    /// A one-time message already put together in the reader's language.
    func flash(text: String) {
        guard hasSession || currentUser != nil else { return }
        session.data["notice"] = text
    }

    private var hasSession: Bool { cookies[application.sessions.configuration.cookieName] != nil }

    private func takeNotice() -> String? {
        guard hasSession, let notice = session.data["notice"] else { return nil }
        session.data["notice"] = nil
        return notice
    }

    func pageMeta(title: String, withForms: Bool) async throws -> PageMeta {
        let portal = try await PortalSettings.current(on: self)
        let viewer = currentUser
        let path = url.path
        let current = language
        let isBackoffice = path.hasPrefix(SiteURL.backofficePrefix)
        let back = "?zurueck=" + (url.string.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
        // Public pages offer every content language (German and English also switch the interface); the back office
        // only its two interface languages.
        let languages = isBackoffice
            ? Language.allCases.map { language in
                PageMeta.LanguageLink(code: language.rawValue, lang: language.rawValue, name: application.catalog.text("language.name", language),
                                      href: SiteURL.language(language).path + back, current: language == current)
            }
            : ContentLanguage.allCases.map { language in
                PageMeta.LanguageLink(code: language.hreflang, lang: language.htmlLang, name: language.nativeName,
                                      href: SiteURL.contentLanguage(language).path + back, current: language == contentLanguage)
            }
        let infoPages = isBackoffice ? [] : try await InfoPage.menu(on: self)
        let nav: [PageMeta.Link] = viewer.map { user in
            BackofficeNavigation.items(for: user.role).map { item in
                PageMeta.Link(
                    href: item.url.path,
                    label: t(item.labelKey),
                    current: item.url.path == SiteURL.dashboard.path ? path == item.url.path : path.hasPrefix(item.url.path)
                )
            }
        } ?? []
        return PageMeta(
            title: title,
            language: current.rawValue,
            languages: languages,
            districtName: portal.districtName,
            isFictional: portal.isFictional,
            viewer: viewer.map {
                .init(name: $0.name, email: $0.email, role: t("role.\($0.role.rawValue)"),
                      isStaff: $0.role.includes(.staff), isAdmin: $0.role == .admin)
            },
            csrf: (withForms || viewer != nil) ? csrfToken : nil,
            notice: takeNotice(),
            isBackoffice: isBackoffice && !nav.isEmpty,
            backofficeNav: nav,
            urls: [
                "home": SiteURL.home.path,
                "directory": SiteURL.publicDirectory.path,
                "committees": SiteURL.publicCommittees.path,
                "events": SiteURL.publicEvents.path,
                "fund": SiteURL.publicFund.path,
                "projects": SiteURL.publicProjects.path,
                "easyRead": SiteURL.easyRead.path,
                "imprint": SiteURL.imprint.path,
                "privacy": SiteURL.privacy.path,
                "accessibility": SiteURL.accessibility.path,
                "login": SiteURL.login.path,
                "logout": SiteURL.logout.path,
                "account": SiteURL.account.path,
                "memberArea": SiteURL.memberArea.path,
                "dashboard": SiteURL.dashboard.path,
                "stylesheet": SiteURL.stylesheet.path,
                "newsletter": SiteURL.newsletter.path,
                "news": SiteURL.publicNews.path,
                "newsFeed": SiteURL.newsFeed.path,
                "concerns": SiteURL.publicConcerns.path,
            ],
            share: isBackoffice ? nil : shareMeta(title: title, districtName: portal.districtName),
            infoPages: infoPages.map { PageMeta.Link(href: $0.href, label: $0.label, current: $0.href == path) }
        )
    }

    /// Renders a page in the base layout. `title` is already in the reader's language.
    func renderPage<Content: Encodable>(
        _ template: String, title: String, _ content: Content, status: HTTPStatus = .ok, withForms: Bool = false
    ) async throws -> Response {
        let context = PageContext(meta: try await pageMeta(title: title, withForms: withForms), content: content)
        let view = try await self.view.render(template, context)
        return try await view.encodeResponse(status: status, for: self)
    }
}

/// The back office menu; each later feature adds its entry here.
enum BackofficeNavigation {
    struct Item {
        let url: SiteURL
        let labelKey: String
        let role: Role
    }

    static let all: [Item] = [
        Item(url: .dashboard, labelKey: "nav.dashboard", role: .staff),
        Item(url: .committees, labelKey: "nav.committees", role: .staff),
        Item(url: .events, labelKey: "nav.events", role: .staff),
        Item(url: .projects, labelKey: "nav.projects", role: .staff),
        Item(url: .newsAdmin, labelKey: "nav.news", role: .staff),
        Item(url: .funds, labelKey: "nav.fund", role: .staff),
        Item(url: .surveys, labelKey: "nav.surveys", role: .staff),
        Item(url: .concerns, labelKey: "nav.concerns", role: .staff),
        Item(url: .organisations, labelKey: "nav.organisations", role: .staff),
        Item(url: .persons, labelKey: "nav.persons", role: .staff),
        Item(url: .contacts, labelKey: "nav.contacts", role: .staff),
        Item(url: .followUps, labelKey: "nav.followups", role: .staff),
        Item(url: .outreach, labelKey: "nav.outreach", role: .staff),
        Item(url: .network, labelKey: "nav.network", role: .staff),
        Item(url: .topics, labelKey: "nav.topics", role: .staff),
        Item(url: .feedbackList, labelKey: "nav.feedback", role: .staff),
        Item(url: .newsletterIssues, labelKey: "nav.newsletter", role: .staff),
        Item(url: .adminOffice, labelKey: "nav.office", role: .admin),
        Item(url: .adminTexts, labelKey: "nav.texts", role: .admin),
        Item(url: .adminUsers, labelKey: "nav.users", role: .admin),
        Item(url: .adminMail, labelKey: "nav.mail", role: .admin),
        Item(url: .open311Keys, labelKey: "nav.open311_keys", role: .admin),
        Item(url: .adminAudit, labelKey: "nav.audit", role: .admin),
    ]

    static func items(for role: Role) -> [Item] {
        all.filter { role.includes($0.role) }
    }
}
