import Fluent
import QuartierCore
import SQLKit
import Vapor

/// Staff compose a newsletter issue from news, upcoming events and project updates, preview it, send it through the
/// outbox and follow its delivery; the same selection prints as the district newspaper (Stadtteilzeitung).
struct NewsletterAdminController: RouteCollection {
    static let perPage = 20
    static let logPerPage = 50

    struct IssueForm: Content {
        var title: String?
        var intro: String?
        var language: String?
        var items: [String]?
    }

    struct IssueRow: Encodable {
        let title: String
        let language: String
        let state: String
        let date: String
        let recipients: Int
        let url: String
    }

    struct Count: Encodable {
        let label: String
        let count: Int
    }

    struct LanguageOption: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct IndexContent: Encodable {
        let rows: [IssueRow]
        let pagination: PaginationContext
        let counts: [Count]
        let languages: [LanguageOption]
        let title: String
        let errors: [String]
        let actionURL: String
        let subscribeURL: String
    }

    struct EntryView: Encodable {
        let key: String
        let domID: String
        let title: String
        let detail: String
        let summary: String?
        let url: String
        let checked: Bool
        let kindLabel: String
    }

    struct SectionView: Encodable {
        let id: String
        let heading: String
        let entries: [EntryView]
    }

    struct IssueContent: Encodable {
        let title: String
        let intro: String
        let language: String
        let state: String
        let isDraft: Bool
        let sections: [SectionView]
        let selectedCount: Int
        let recipients: Int
        let sentAt: String?
        let errors: [String]
        let actionURL: String
        let sendURL: String
        let previewURL: String
        let logURL: String
        let printURL: String
        let indexURL: String
    }

    struct PreviewContent: Encodable {
        let subject: String
        let headers: [String]
        let body: String
        let recipients: Int
        let issueURL: String
        let printURL: String
    }

    struct LogRow: Encodable {
        let recipient: String
        let state: String
        let attempts: Int
        let sentAt: String
        let error: String
    }

    struct LogContent: Encodable {
        let counts: [Count]
        let rows: [LogRow]
        let pagination: PaginationContext
        let issueURL: String
    }

    struct PrintSection: Encodable {
        let heading: String
        let entries: [PrintEntry]
    }

    struct PrintEntry: Encodable {
        let title: String
        let kindLabel: String
        let detail: String
        let summary: String?
        let url: String
    }

    struct PrintContent: Encodable {
        let lang: String
        let dir: String
        let masthead: String
        let subscribeText: String
        let title: String
        let intro: [String]
        let date: String
        let sections: [PrintSection]
        let subscribeURL: String
        let issueURL: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(RequireRole(role: .staff))
        staff.get(.newsletterIssues, use: index)
        staff.post(.newsletterIssues, use: create)
        staff.get(.newsletterIssue(id: ":id"), use: show)
        staff.post(.newsletterIssue(id: ":id"), use: update)
        staff.get(.newsletterPreview(id: ":id"), use: preview)
        staff.post(.newsletterSend(id: ":id"), use: send)
        staff.get(.newsletterLog(id: ":id"), use: log)
        staff.get(.newsletterPrint(id: ":id"), use: printView)
    }

    // MARK: Issues

    @Sendable
    func index(req: Request) async throws -> Response {
        try await indexPage(req, title: "", language: req.language.rawValue, errors: [], status: .ok)
    }

    private func indexPage(_ req: Request, title: String, language: String, errors: [String], status: HTTPStatus) async throws -> Response {
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await NewsletterIssue.query(on: req.db).count())
        let issues = try await NewsletterIssue.query(on: req.db).sort(\.$createdAt, .descending).sort(\.$id)
            .range(window.offset..<(window.offset + window.perPage)).all()
        var counts: [Count] = []
        // One grouped count, whatever the number of subscribers and languages.
        let rows = try await (req.db as! any SQLDatabase).select().column("language").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(NewsletterSubscriber.schema).where("state", .equal, SubscriptionState.confirmed.rawValue).groupBy("language").all()
        var perLanguage: [String: Int] = [:]
        for row in rows { perLanguage[try row.decode(column: "language", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        for code in NewsletterRules.languages where perLanguage[code] != nil {
            counts.append(Count(label: req.t("newsletter.admin.confirmed_in", Self.languageName(code)), count: perLanguage[code] ?? 0))
        }
        counts.append(Count(label: req.t("newsletter.admin.pending"), count: try await NewsletterSubscriber.query(on: req.db).filter(\.$state == .pending).count()))
        let content = IndexContent(
            rows: try issues.map { issue in
                IssueRow(title: issue.title, language: Self.languageName(issue.language), state: req.t("newsletter.state.\(issue.state.rawValue)"),
                         date: (issue.sentAt ?? issue.createdAt).map { BerlinTime.date($0, req.language) } ?? "", recipients: issue.recipients,
                         url: SiteURL.newsletterIssue(id: try issue.requireID().uuidString).path)
            },
            pagination: PaginationContext(window, baseURL: SiteURL.newsletterIssues.path, req: req), counts: counts,
            languages: languageOptions(req, selected: language), title: title, errors: errors, actionURL: SiteURL.newsletterIssues.path,
            subscribeURL: SiteURL.newsletter.path
        )
        return try await req.renderPage("newsletter/admin-index", title: req.t("newsletter.admin.title"), content, status: status, withForms: true)
    }

    private func languageOptions(_ req: Request, selected: String) -> [LanguageOption] {
        ContentLanguage.allCases.map { LanguageOption(value: $0.rawValue, label: Self.languageName($0.rawValue), selected: $0.rawValue == selected) }
    }

    static func languageName(_ code: String) -> String {
        ContentLanguage(rawValue: code)?.nativeName ?? code
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(IssueForm.self)
        let title = (form.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let language = form.language ?? ""
        var errors: [String] = []
        if title.isEmpty || title.count > 200 { errors.append(req.t("newsletter.error.title")) }
        if !NewsletterRules.languages.contains(language) { errors.append(req.t("newsletter.error.language")) }
        guard errors.isEmpty else { return try await indexPage(req, title: title, language: language, errors: errors, status: .badRequest) }
        let issue = NewsletterIssue(title: title, intro: "", language: language)
        try await issue.create(on: req.db)
        try await req.audit(.create, issue, before: nil)
        return req.redirect(to: SiteURL.newsletterIssue(id: try issue.requireID().uuidString).path)
    }

    static func findIssue(_ req: Request) async throws -> NewsletterIssue {
        guard let id = req.parameters.get("id", as: UUID.self), let issue = try await NewsletterIssue.find(id, on: req.db) else { throw Abort(.notFound) }
        return issue
    }

    static func items(of issue: NewsletterIssue, on database: any Database) async throws -> [NewsletterItem] {
        try await NewsletterItem.query(on: database).filter(\.$issue.$id == issue.requireID()).sort(\.$position).all()
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        let issue = try await Self.findIssue(req)
        let items = try await Self.items(of: issue, on: req.db)
        return try await issuePage(req, issue: issue, title: issue.title, intro: issue.intro,
                                   selected: Set(items.map { "\($0.kind.rawValue):\($0.refID.uuidString)" }), items: items, errors: [], status: .ok)
    }

    private func issuePage(_ req: Request, issue: NewsletterIssue, title: String, intro: String, selected: Set<String>, items: [NewsletterItem],
                           errors: [String], status: HTTPStatus) async throws -> Response {
        let id = try issue.requireID().uuidString
        let language = issue.readerLanguage
        let chosen = try await NewsletterComposer.resolve(items, language: language, content: issue.contentLanguage, on: req.db, settings: req.settings)
        var entries = chosen
        if issue.state == .draft {
            let candidates = try await NewsletterComposer.candidates(language: language, content: issue.contentLanguage, on: req.db, settings: req.settings)
            let have = Set(chosen.map { "\($0.kind.rawValue):\($0.refID.uuidString)" })
            entries += candidates.filter { !have.contains("\($0.kind.rawValue):\($0.refID.uuidString)") }
        }
        let sections = NewsletterEntry.sections.map { section in
            SectionView(id: "teil-\(section)", heading: req.t("newsletter.section.\(section)"), entries: entries.filter { $0.section == section }.map { entry in
                let key = "\(entry.kind.rawValue):\(entry.refID.uuidString)"
                return EntryView(key: key, domID: "item-\(entry.kind.rawValue)-\(entry.refID.uuidString.lowercased())", title: entry.title, detail: entry.detail,
                                 summary: entry.summary.isEmpty ? nil : entry.summary, url: entry.url, checked: selected.contains(key), kindLabel: req.t("newsletter.kind.\(entry.kind.rawValue)"))
            })
        }
        let content = IssueContent(
            title: title, intro: intro, language: Self.languageName(issue.language), state: req.t("newsletter.state.\(issue.state.rawValue)"),
            isDraft: issue.state == .draft, sections: sections, selectedCount: chosen.count,
            recipients: issue.state == .draft ? try await Self.recipientCount(issue, entries: chosen, on: req.db) : issue.recipients,
            sentAt: issue.sentAt.map { BerlinTime.dateTime($0, req.language) }, errors: errors,
            actionURL: SiteURL.newsletterIssue(id: id).path, sendURL: SiteURL.newsletterSend(id: id).path, previewURL: SiteURL.newsletterPreview(id: id).path,
            logURL: SiteURL.newsletterLog(id: id).path, printURL: SiteURL.newsletterPrint(id: id).path, indexURL: SiteURL.newsletterIssues.path
        )
        return try await req.renderPage("newsletter/admin-issue", title: req.t("newsletter.admin.issue_title", issue.title), content, status: status, withForms: true)
    }

    /// How many subscribers the issue would reach now: confirmed, of its language, and with at least one of its items
    /// among their fields of action (or no fields chosen). Two counts, whatever the number of subscribers.
    static func recipientCount(_ issue: NewsletterIssue, entries: [NewsletterEntry], on database: any Database) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        let base = { NewsletterSubscriber.query(on: database).filter(\.$state == .confirmed).filter(\.$language == issue.language) }
        if entries.contains(where: { $0.fields.isEmpty }) { return try await base().count() }
        let fields = Array(Set(entries.flatMap(\.fields)))
        let anyField = SQLSubquery.select { $0.column("subscriber_id").from(NewsletterSubscriberField.schema) }
        let matching = SQLSubquery.select { $0.column("subscriber_id").from(NewsletterSubscriberField.schema).where("field_of_action_id", .in, fields) }
        let withoutChoice = try await base()
            .filter(.custom(SQLBinaryExpression(SQLColumn("id", table: NewsletterSubscriber.schema), SQLBinaryOperator.notIn, anyField))).count()
        return withoutChoice + (try await base().filter("id", in: matching).count())
    }

    @Sendable
    func update(req: Request) async throws -> Response {
        let issue = try await Self.findIssue(req)
        guard issue.state == .draft else { throw UserError(.conflict, "newsletter.error.not_draft") }
        let form = try req.content.decode(IssueForm.self)
        let title = (form.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let intro = (form.intro ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String] = []
        if title.isEmpty || title.count > 200 { errors.append(req.t("newsletter.error.title")) }
        if intro.count > 5000 { errors.append(req.t("texts.error.long")) }
        var parsed: [(NewsletterItemKind, UUID)] = []
        for key in form.items ?? [] {
            let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = NewsletterItemKind(rawValue: parts[0]), let ref = UUID(uuidString: parts[1]) else {
                errors.append(req.t("newsletter.error.items"))
                break
            }
            if !parsed.contains(where: { $0 == (kind, ref) }) { parsed.append((kind, ref)) }
        }
        guard errors.isEmpty else {
            return try await issuePage(req, issue: issue, title: title, intro: intro, selected: Set(form.items ?? []),
                                       items: try await Self.items(of: issue, on: req.db), errors: errors, status: .badRequest)
        }
        let before = issue.auditSnapshot
        let issueID = try issue.requireID()
        let selection = parsed
        // Under the issue's lock, so that a send started a moment ago never sees its items change.
        try await req.db.withRowLock(table: NewsletterIssue.schema, id: issueID, counter: "lock_version") { database in
            guard let issue = try await NewsletterIssue.find(issueID, on: database), issue.state == .draft else {
                throw UserError(.conflict, "newsletter.error.not_draft")
            }
            issue.title = title
            issue.intro = intro
            try await issue.save(on: database)
            try await NewsletterItem.query(on: database).filter(\.$issue.$id == issueID).delete()
            for (index, item) in selection.enumerated() {
                try await NewsletterItem(issueID: issueID, kind: item.0, refID: item.1, position: index + 1).create(on: database)
            }
            try await req.audit(.update, issue, before: before, on: database)
        }
        req.flash("newsletter.admin.saved")
        return req.redirect(to: SiteURL.newsletterIssue(id: issueID.uuidString).path)
    }

    @Sendable
    func preview(req: Request) async throws -> Response {
        let issue = try await Self.findIssue(req)
        let entries = try await NewsletterComposer.resolve(try await Self.items(of: issue, on: req.db), language: issue.readerLanguage,
                                                           content: issue.contentLanguage, on: req.db, settings: req.settings)
        let unsubscribe = SiteURL.newsletterUnsubscribe(token: "…").absolute(req.settings)
        let id = try issue.requireID().uuidString
        let content = PreviewContent(
            subject: issue.title,
            headers: NewsletterRules.unsubscribeHeaders(url: unsubscribe).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" },
            body: NewsletterComposer.mailBody(issue, entries: entries, unsubscribeURL: unsubscribe, catalog: req.application.catalog),
            recipients: issue.state == .draft ? try await Self.recipientCount(issue, entries: entries, on: req.db) : issue.recipients,
            issueURL: SiteURL.newsletterIssue(id: id).path, printURL: SiteURL.newsletterPrint(id: id).path
        )
        return try await req.renderPage("newsletter/preview", title: req.t("newsletter.preview.title", issue.title), content)
    }

    /// Marks the issue as being sent and queues the job that hands it to the outbox, in one transaction under the
    /// issue's row lock, so that an issue is sent once even when the button is pressed twice at the same moment.
    @Sendable
    func send(req: Request) async throws -> Response {
        let issue = try await Self.findIssue(req)
        let issueID = try issue.requireID()
        guard issue.state == .draft else { throw UserError(.conflict, "newsletter.error.not_draft") }
        guard try await NewsletterItem.query(on: req.db).filter(\.$issue.$id == issueID).count() > 0 else {
            throw UserError(.badRequest, "newsletter.error.empty")
        }
        let before = issue.auditSnapshot
        try await req.db.withRowLock(table: NewsletterIssue.schema, id: issueID, counter: "lock_version") { database in
            guard let locked = try await NewsletterIssue.find(issueID, on: database), locked.state.canMove(to: .sending) else {
                throw UserError(.conflict, "newsletter.error.not_draft")
            }
            locked.state = .sending
            locked.sendingAt = Date()
            try await locked.save(on: database)
            try await Job(kind: NewsletterSend.jobKind, payload: issueID.uuidString).create(on: database)
            try await req.audit(.update, locked, before: before, on: database)
        }
        req.flash("newsletter.admin.sending")
        return req.redirect(to: SiteURL.newsletterIssue(id: issueID.uuidString).path)
    }

    /// Who the issue went to and whether the mail arrived at the mail server, from the outbox.
    @Sendable
    func log(req: Request) async throws -> Response {
        let issue = try await Self.findIssue(req)
        let issueID = try issue.requireID()
        let base = { NewsletterDelivery.query(on: req.db).filter(\.$issue.$id == issueID).join(OutboxMail.self, on: \NewsletterDelivery.$mail.$id == \OutboxMail.$id) }
        var counts: [Count] = []
        for state in [OutboxMail.State.queued, .sent, .failed] {
            counts.append(Count(label: req.t("newsletter.log.\(state.rawValue)"), count: try await base().filter(OutboxMail.self, \.$state == state).count()))
        }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.logPerPage, total: try await base().count())
        let rows = try await base().sort(OutboxMail.self, \.$recipient).sort(\.$id).range(window.offset..<(window.offset + window.perPage)).all()
        let content = LogContent(
            counts: counts,
            rows: try rows.map { row in
                let mail = try row.joined(OutboxMail.self)
                return LogRow(recipient: mail.recipient, state: req.t("newsletter.log.\(mail.state.rawValue)"), attempts: mail.attempts,
                              sentAt: mail.sentAt.map { BerlinTime.dateTime($0, req.language) } ?? "", error: mail.lastError ?? "")
            },
            pagination: PaginationContext(window, baseURL: SiteURL.newsletterLog(id: issueID.uuidString).path, req: req),
            issueURL: SiteURL.newsletterIssue(id: issueID.uuidString).path
        )
        return try await req.renderPage("newsletter/log", title: req.t("newsletter.log.title", issue.title), content)
    }

    /// The Stadtteilzeitung: the issue's items laid out for paper, every web address written out.
    @Sendable
    func printView(req: Request) async throws -> Response {
        let issue = try await Self.findIssue(req)
        let entries = try await NewsletterComposer.resolve(try await Self.items(of: issue, on: req.db), language: issue.readerLanguage,
                                                           content: issue.contentLanguage, on: req.db, settings: req.settings)
        let portal = try await PortalSettings.current(on: req)
        let catalog = req.application.catalog, reader = issue.readerLanguage
        let content = PrintContent(
            lang: issue.contentLanguage.htmlLang, dir: issue.contentLanguage.direction, masthead: catalog.text("newsletter.print.masthead", reader, [portal.districtName]),
            subscribeText: catalog.text("newsletter.print.subscribe", reader),
            title: issue.title, intro: PlainText.lines(issue.intro).filter { !$0.isEmpty },
            date: BerlinTime.date(issue.sentAt ?? Date(), reader),
            sections: NewsletterEntry.sections.compactMap { section in
                let own = entries.filter { $0.section == section }
                guard !own.isEmpty else { return nil }
                return PrintSection(heading: catalog.text("newsletter.section.\(section)", reader), entries: own.map {
                    PrintEntry(title: $0.title, kindLabel: catalog.text("newsletter.kind.\($0.kind.rawValue)", reader),
                               detail: $0.detail, summary: $0.summary.isEmpty ? nil : $0.summary, url: $0.url)
                })
            },
            subscribeURL: SiteURL.newsletter.absolute(req.settings), issueURL: SiteURL.newsletterIssue(id: try issue.requireID().uuidString).path
        )
        return try await req.renderPage("newsletter/print", title: issue.title, content)
    }
}
