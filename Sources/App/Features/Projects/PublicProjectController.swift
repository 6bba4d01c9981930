import Fluent
import QuartierCore
import Vapor

/// Every change staff make to projects or the ISEK clears the public page cache, so that residents see it at once.
struct ClearPageCacheAfterChange: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if request.method == .POST { request.application.pageCache.clear() }
        return response
    }
}

/// The public project pages: the programme's course, the projects by field of action and phase, and each project
/// with its timeline, milestones, diary and how to take part. Projects not marked public do not exist here.
struct PublicProjectController: RouteCollection {
    static let perPage = 20

    struct Card: Encodable {
        let title: String
        let href: String
        let phase: String
        let phaseLabel: String
        let summary: String
        let isResidentsInitiative: Bool
        /// The language of title and summary: the reader's content language where the project is translated.
        let lang: String
        let dir: String
    }

    struct Group: Encodable {
        let name: String
        let slug: String
        let cards: [Card]
    }

    struct TimelineStep: Encodable {
        let years: String
        let label: String
        let text: String
        let current: Bool
    }

    struct ProgrammeContent: Encodable {
        let steps: [TimelineStep]
        let stage: String
        let percent: Int
    }

    struct IndexContent: Encodable {
        let programme: ProgrammeContent
        let groups: [Group]
        let phases: [SelectOption]
        let fields: [SelectOption]
        let pagination: PaginationContext
        let action: String
    }

    struct ShowContent: Encodable {
        let facts: ProjectFacts
        let overviewURL: String
        /// The title, summary and how to take part in the reader's content language, or the note that there is none.
        let translation: TranslatedText?
        let noticeURL: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.publicProjects) { req in try await req.application.pageCache.respond(req) { try await index(req: req) } }
        routes.get(.publicProject(id: ":id")) { req in try await req.application.pageCache.respond(req) { try await show(req: req) } }
        routes.get(.projectPhoto(id: ":id"), use: photo)
    }

    /// A diary photo as an image: public with its project, before that only to staff.
    @Sendable
    func photo(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let photo = try await DiaryPhoto.find(id, on: req.db),
              let entry = try await DiaryEntry.find(photo.$entry.id, on: req.db),
              let project = try await Project.find(entry.$project.id, on: req.db)
        else { throw Abort(.notFound) }
        // A photo the reader may not see does not exist for her.
        guard project.isPublic || req.currentUser?.role.includes(.staff) == true else { throw Abort(.notFound) }
        guard let content = try await FileContent.find(id, on: req.db) else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cacheControl, value: project.isPublic ? "public, max-age=3600" : "private, no-store")
        headers.replaceOrAdd(name: .eTag, value: "\"\(photo.sha512.prefix(32))\"")
        headers.replaceOrAdd(name: .contentType, value: photo.mimeType)
        return Response(status: .ok, headers: headers, body: .init(data: content.data))
    }

    static func programme(_ req: Request) async throws -> ProgrammeContent {
        let timeline = try await Programme.current(on: req.db).timeline
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        let stage = timeline.stage(in: year)
        var steps = [TimelineStep(years: String(timeline.startYear), label: req.t("programme.start"), text: req.t("programme.start_text"), current: false)]
        if let isek = timeline.isekYear {
            steps.append(TimelineStep(years: String(isek), label: req.t("programme.isek"), text: req.t("programme.isek_text"), current: false))
        }
        let implementationEnd = timeline.consolidationYears > 0 ? timeline.consolidationStartYear - 1 : timeline.endYear
        steps.append(TimelineStep(years: "\(timeline.startYear)–\(implementationEnd)", label: req.t("programme.implementation"),
                                  text: req.t("programme.implementation_text", String(timeline.horizonYears)), current: stage == .implementation))
        if timeline.consolidationYears > 0 {
            steps.append(TimelineStep(years: "\(timeline.consolidationStartYear)–\(timeline.endYear)", label: req.t("programme.consolidation"),
                                      text: req.t("programme.consolidation_text"), current: stage == .consolidation))
        }
        steps.append(TimelineStep(years: req.t("programme.from_year", String(timeline.sustainedFromYear)), label: req.t("programme.sustained"),
                                  text: req.t("programme.sustained_text"), current: stage == .sustained))
        return ProgrammeContent(steps: steps, stage: req.t("programme.stage.\(stage.rawValue)", String(year)), percent: timeline.percentElapsed(in: year))
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let phase = (try? req.query.get(String.self, at: "phase")).flatMap(ProjectPhase.init(rawValue:))
        let fieldFilter = (try? req.query.get(String.self, at: "feld")).flatMap(UUID.init(uuidString:))
        let fields = try await FieldOfAction.query(on: req.db).sort(\.$position).limit(100).all()
        let base = {
            let query = Project.query(on: req.db).filter(\.$isPublic == true)
            if let phase { query.filter(\.$phase == phase) }
            if let fieldFilter {
                query.join(ProjectField.self, on: \Project.$id == \ProjectField.$project.$id).filter(ProjectField.self, \.$fieldOfAction.$id == fieldFilter)
            }
            return query
        }
        let window = PageWindow(page: try? req.query.get(Int.self, at: "seite"), perPage: Self.perPage, total: try await base().count())
        let projects = try await base().sort(\.$title).range(window.offset..<(window.offset + window.perPage)).all()
        let ids = projects.compactMap(\.id)
        let links = ids.isEmpty ? [] : try await ProjectField.query(on: req.db).filter(\.$project.$id ~~ ids).all()
        let titles = try await TranslatedTitles.load(.project, ids: ids, req: req)
        func card(_ project: Project) -> Card {
            let text = titles.text(project.id, title: project.title, summary: project.summary)
            let summary = text.summary.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return Card(title: text.title, href: SiteURL.publicProject(id: project.id!.uuidString).path, phase: project.phase.rawValue,
                        phaseLabel: req.t("project.phase.\(project.phase.rawValue)"),
                        summary: summary.count > 280 ? String(summary.prefix(279)) + "…" : summary, isResidentsInitiative: project.isResidentsInitiative,
                        lang: text.language.htmlLang, dir: text.language.direction)
        }
        var groups = fields.compactMap { field -> Group? in
            if let fieldFilter, field.id != fieldFilter { return nil }
            let cards = projects.filter { project in links.contains { $0.$project.id == project.id && $0.$fieldOfAction.id == field.id } }.map(card)
            return cards.isEmpty ? nil : Group(name: field.name, slug: "feld-\(field.position)", cards: cards)
        }
        let unassigned = projects.filter { project in !links.contains { $0.$project.id == project.id } }
        if !unassigned.isEmpty, fieldFilter == nil { groups.append(Group(name: req.t("projects.no_field"), slug: "feld-ohne", cards: unassigned.map(card))) }
        var query: [String: String] = [:]
        if let phase { query["phase"] = phase.rawValue }
        if let fieldFilter { query["feld"] = fieldFilter.uuidString }
        let content = IndexContent(
            programme: try await Self.programme(req), groups: groups,
            phases: [SelectOption(value: "", label: req.t("projects.all_phases"), selected: phase == nil)]
                + ProjectPhase.allCases.map { SelectOption(value: $0.rawValue, label: req.t("project.phase.\($0.rawValue)"), selected: $0 == phase) },
            fields: [SelectOption(value: "", label: req.t("projects.all_fields"), selected: fieldFilter == nil)]
                + (try fields.map { SelectOption(value: try $0.requireID().uuidString, label: $0.name, selected: $0.id == fieldFilter) }),
            pagination: PaginationContext(window, baseURL: SiteURL.publicProjects.path, req: req, query: query),
            action: SiteURL.publicProjects.path
        )
        return try await req.renderPage("projects/public", title: req.t("projects.public_title"), content)
    }

    @Sendable
    func show(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let project = try await Project.find(id, on: req.db), project.isPublic else {
            throw Abort(.notFound)
        }
        let content = ShowContent(facts: try await ProjectFacts.load(project, forPublic: true, req), overviewURL: SiteURL.publicProjects.path,
                                  translation: req.contentLanguage == .original ? nil : try await TranslatedText.load(
                                      .project, id: id, original: (project.title, project.summary, project.participation), body: .plainText, req: req),
                                  noticeURL: SiteURL.projectNotice(id: id.uuidString).path)
        req.share = PageMeta.Share(title: project.title, description: SafeMarkdown.excerpt(project.summary.split(whereSeparator: \.isNewline).joined(separator: " ")), type: "article")
        return try await req.renderPage("projects/public-show", title: project.title, content)
    }
}
