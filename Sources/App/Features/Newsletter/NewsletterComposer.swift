import Fluent
import QuartierCore
import Vapor

/// One item of an issue as readers see it, whatever it came from: a news item, an event or a project update.
struct NewsletterEntry: Sendable {
    let kind: NewsletterItemKind
    let refID: UUID
    let title: String
    /// When and where, or which project.
    let detail: String
    let summary: String
    /// The public address, written out in full for mail and print.
    let url: String
    /// The fields of action it belongs to; empty for an item of general interest.
    let fields: Set<UUID>

    /// The section the item appears under.
    var section: String {
        switch kind {
        case .news: "news"
        case .event: "events"
        case .diary, .milestone: "projects"
        }
    }

    static let sections = ["news", "events", "projects"]
}

/// Finds what an issue can be made of and turns the selected items into entries, with a bounded number of queries
/// whatever the number of items.
enum NewsletterComposer {
    /// How many candidates of each kind the composition page offers.
    static let candidateLimit = 30
    static let summaryLength = 280

    /// Upcoming public events (next twelve weeks), recent diary entries and near milestones of public projects, and
    /// published news, newest first. Titles and summaries are in `content` where a translation exists, German otherwise.
    static func candidates(language: Language, content: ContentLanguage = .original, now: Date = Date(), on database: any Database,
                           settings: Settings) async throws -> [NewsletterEntry] {
        let events = try await Event.query(on: database).filter(\.$state == .published)
            .filter(\.$startsAt >= now).filter(\.$startsAt <= now.addingTimeInterval(84 * 86_400))
            .sort(\.$startsAt).limit(candidateLimit).all()
        let today = CalendarDate.today(now: now)
        let diary = try await DiaryEntry.query(on: database).join(Project.self, on: \DiaryEntry.$project.$id == \Project.$id)
            .filter(Project.self, \.$isPublic == true).filter(\.$day >= CalendarDate.daysAfter(-90, today))
            .sort(\.$day, .descending).limit(candidateLimit).all()
        let milestones = try await Milestone.query(on: database).join(Project.self, on: \Milestone.$project.$id == \Project.$id)
            .filter(Project.self, \.$isPublic == true)
            .filter(\.$dueOn >= CalendarDate.daysAfter(-60, today)).filter(\.$dueOn <= CalendarDate.daysAfter(90, today))
            .sort(\.$dueOn).limit(candidateLimit).all()
        let news = try await NewsletterNews.candidates(limit: candidateLimit, now: now, on: database)
        return try await entries(news: news, events: events, diary: diary, milestones: milestones, language: language, content: content,
                                 on: database, settings: settings)
    }

    /// The entries of an issue's items in their order; items whose source was deleted or is no longer public drop out.
    static func resolve(_ items: [NewsletterItem], language: Language, content: ContentLanguage = .original, on database: any Database,
                        settings: Settings) async throws -> [NewsletterEntry] {
        func ids(_ kind: NewsletterItemKind) -> [UUID] { items.filter { $0.kind == kind }.map(\.refID) }
        let events = ids(.event).isEmpty ? [] : try await Event.query(on: database).filter(\.$id ~~ ids(.event)).filter(\.$state != .draft).all()
        let diary = ids(.diary).isEmpty ? [] : try await DiaryEntry.query(on: database).join(Project.self, on: \DiaryEntry.$project.$id == \Project.$id)
            .filter(Project.self, \.$isPublic == true).filter(\.$id ~~ ids(.diary)).all()
        let milestones = ids(.milestone).isEmpty ? [] : try await Milestone.query(on: database).join(Project.self, on: \Milestone.$project.$id == \Project.$id)
            .filter(Project.self, \.$isPublic == true).filter(\.$id ~~ ids(.milestone)).all()
        let news = try await NewsletterNews.find(ids(.news), on: database)
        let found = try await entries(news: news, events: events, diary: diary, milestones: milestones, language: language, content: content,
                                      on: database, settings: settings)
        let byKey = Dictionary(found.map { ("\($0.kind.rawValue)|\($0.refID)", $0) }, uniquingKeysWith: { first, _ in first })
        return items.compactMap { byKey["\($0.kind.rawValue)|\($0.refID)"] }
    }

    private static func entries(news: [NewsletterEntry.Source], events: [Event], diary: [DiaryEntry], milestones: [Milestone], language: Language,
                                content: ContentLanguage, on database: any Database, settings: Settings) async throws -> [NewsletterEntry] {
        let eventIDs = events.compactMap(\.id)
        let topics = eventIDs.isEmpty ? [] : try await EventTopic.query(on: database).filter(\.$event.$id ~~ eventIDs).with(\.$topic).all()
        var eventFields: [UUID: Set<UUID>] = [:]
        for link in topics { if let field = link.topic.$fieldOfAction.id { eventFields[link.$event.id, default: []].insert(field) } }
        let projectIDs = Array(Set(diary.map(\.$project.id) + milestones.map(\.$project.id)))
        let projects = projectIDs.isEmpty ? [] : try await Project.query(on: database).filter(\.$id ~~ projectIDs).all()
        let projectNames = Dictionary(projects.compactMap { project in project.id.map { ($0, project.title) } }, uniquingKeysWith: { first, _ in first })
        let links = projectIDs.isEmpty ? [] : try await ProjectField.query(on: database).filter(\.$project.$id ~~ projectIDs).all()
        var projectFields: [UUID: Set<UUID>] = [:]
        for link in links { projectFields[link.$project.id, default: []].insert(link.$fieldOfAction.id) }

        // Translations in three queries, one per kind; the original German stands where there is none.
        let newsTexts = try await ContentTranslation.lookup(.news, ids: news.map(\.id), language: content, on: database)
        let eventTexts = try await ContentTranslation.lookup(.event, ids: eventIDs, language: content, on: database)
        let projectTexts = try await ContentTranslation.lookup(.project, ids: projectIDs, language: content, on: database)
        func projectName(_ id: UUID) -> String {
            LocalizedText.choose(original: (projectNames[id] ?? "", "", ""), translation: projectTexts[id]?.fields, wanted: content).title
        }

        var result = news.map { source in
            let text = LocalizedText.choose(original: (source.title, source.summary, ""), translation: newsTexts[source.id]?.fields, wanted: content)
            return NewsletterEntry(kind: .news, refID: source.id, title: text.title, detail: BerlinTime.date(source.date, language),
                                   summary: shortened(text.summary), url: source.url.absolute(settings), fields: source.fields)
        }
        for event in events {
            guard let id = event.id else { continue }
            let when = BerlinTime.dateTime(event.startsAt, language)
            let text = LocalizedText.choose(original: (event.title, "", event.description), translation: eventTexts[id]?.fields, wanted: content)
            result.append(NewsletterEntry(kind: .event, refID: id, title: text.title, detail: event.place.isEmpty ? when : "\(when) · \(event.place)",
                                          summary: shortened(text.body), url: SiteURL.publicEvent(id: id.uuidString).absolute(settings),
                                          fields: eventFields[id] ?? []))
        }
        for entry in diary {
            guard let id = entry.id else { continue }
            let project = entry.$project.id
            result.append(NewsletterEntry(kind: .diary, refID: id, title: projectName(project), detail: CalendarDate.display(entry.day, language),
                                          summary: shortened(entry.text), url: SiteURL.publicProject(id: project.uuidString).absolute(settings),
                                          fields: projectFields[project] ?? []))
        }
        for milestone in milestones {
            guard let id = milestone.id else { continue }
            let project = milestone.$project.id
            result.append(NewsletterEntry(kind: .milestone, refID: id, title: projectName(project), detail: CalendarDate.display(milestone.dueOn, language),
                                          summary: milestone.title, url: SiteURL.publicProject(id: project.uuidString).absolute(settings),
                                          fields: projectFields[project] ?? []))
        }
        return result
    }

    static func shortened(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        guard flat.count > summaryLength else { return flat }
        let cut = flat.prefix(summaryLength)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + " …"
    }

    /// The plain-text mail of an issue for one subscriber: her items under their sections, each with its address, and the
    /// way out with one click.
    static func mailBody(_ issue: NewsletterIssue, entries: [NewsletterEntry], unsubscribeURL: String, catalog: Catalog) -> String {
        let language = issue.readerLanguage
        var text = issue.title + "\n" + String(repeating: "=", count: min(issue.title.count, 72)) + "\n\n"
        if !issue.intro.isEmpty { text += issue.intro + "\n\n" }
        for section in NewsletterEntry.sections {
            let items = entries.filter { $0.section == section }
            guard !items.isEmpty else { continue }
            text += "## " + catalog.text("newsletter.section.\(section)", language) + "\n\n"
            for entry in items {
                text += "* " + entry.title + "\n  " + entry.detail + "\n"
                if !entry.summary.isEmpty { text += "  " + entry.summary + "\n" }
                text += "  " + entry.url + "\n\n"
            }
        }
        text += "-- \n" + catalog.text("newsletter.mail.footer", language, [unsubscribeURL])
        return text
    }
}

extension NewsletterEntry {
    /// A news item as the composer needs it; kept apart so that the news feature's own model stays its own.
    struct Source: Sendable {
        let id: UUID
        let title: String
        let summary: String
        let date: Date
        let url: SiteURL
        let fields: Set<UUID>
    }
}
