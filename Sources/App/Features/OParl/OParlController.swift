import Fluent
import QuartierCore
import SQLKit
import Vapor

/// OParl 1.1, read only: the district as one Body, public committees as Organizations, their meetings with public
/// agenda items, and the members who agreed to have their names published.
struct OParlController: RouteCollection {
    static let perPage = 25
    static let bodyKey = "stadtteil"

    func boot(routes: any RoutesBuilder) throws {
        let oparl = routes.grouped("oparl", "v1").grouped(OParlMiddleware())
        oparl.get("system", use: system)
        oparl.get("bodies", use: bodies)
        oparl.get("body", ":body", use: body)
        oparl.get("body", ":body", "organizations", use: organizations)
        oparl.get("body", ":body", "people", use: people)
        oparl.get("body", ":body", "memberships", use: memberships)
        oparl.get("body", ":body", "meetings", use: meetings)
        oparl.get("body", ":body", "agendaitems", use: agendaItems)
        oparl.get("body", ":body", "papers", use: papers)
        oparl.get("body", ":body", "legislativeterms", use: legislativeTerms)
        oparl.get("organization", ":id", use: organization)
        oparl.get("person", ":id", use: person)
        oparl.get("membership", ":id", use: membership)
        oparl.get("meeting", ":id", use: meeting)
        oparl.get("agendaitem", ":id", use: agendaItem)
        oparl.get("legislativeterm", ":id", use: legislativeTerm)
        oparl.get("location", ":id", use: location)
        oparl.get("file", ":id", use: file)
    }

    // MARK: URLs

    struct URLs {
        let base: String
        /// The public site, for the web pages and downloads objects point to.
        let site: String

        init(_ req: Request) {
            site = req.settings.publicURL.absoluteString
            base = site + "/oparl/v1"
        }

        var system: String { base + "/system" }
        var bodies: String { base + "/bodies" }
        var body: String { base + "/body/" + OParlController.bodyKey }
        func list(_ name: String) -> String { body + "/" + name }
        func object(_ type: String, _ id: UUID) -> String { base + "/\(type)/" + id.uuidString.lowercased() }
        var legislativeTerm: String { base + "/legislativeterm/programm" }
    }

    // MARK: System, Body, LegislativeTerm

    @Sendable
    func system(req: Request) async throws -> Response {
        let urls = URLs(req)
        let portal = try await PortalSettings.current(on: req)
        let stamp = Self.stamp(portal.updatedAt)
        return try await json(OParl.System(id: urls.system, body: urls.bodies, name: "Quartier – \(portal.districtName)",
                                           website: req.settings.publicURL.absoluteString, created: stamp, modified: stamp), req)
    }

    @Sendable
    func bodies(req: Request) async throws -> Response {
        let filter = try OParlFilter(req)
        let portal = try await PortalSettings.current(on: req)
        let stamp = portal.updatedAt ?? Self.programmeDate
        let items = filter.matches(created: Self.programmeDate, modified: stamp) ? [try await bodyObject(req)] : []
        return try await json(page(Array(items.dropFirst(filter.range(items.count).lowerBound)), total: items.count, filter: filter, base: URLs(req).bodies), req)
    }

    @Sendable
    func body(req: Request) async throws -> Response {
        guard req.parameters.get("body") == Self.bodyKey else { throw Abort(.notFound) }
        return try await json(try await bodyObject(req), req)
    }

    private func bodyObject(_ req: Request) async throws -> OParl.Body {
        let urls = URLs(req)
        let portal = try await PortalSettings.current(on: req)
        let stamp = Self.stamp(portal.updatedAt)
        return OParl.Body(
            id: urls.body, system: urls.system, name: portal.districtName, shortName: portal.officeName.isEmpty ? portal.districtName : portal.officeName,
            website: req.settings.publicURL.absoluteString, organization: urls.list("organizations"), person: urls.list("people"),
            meeting: urls.list("meetings"), paper: urls.list("papers"), membership: urls.list("memberships"), agendaItem: urls.list("agendaitems"),
            legislativeTermList: urls.list("legislativeterms"), legislativeTerm: [Self.programme(urls)], created: Self.programmeStamp, modified: stamp
        )
    }

    /// The programme period of the funding (Soziale Stadt / Sozialer Zusammenhalt) stands in for a legislative term.
    static func programme(_ urls: URLs) -> OParl.LegislativeTerm {
        OParl.LegislativeTerm(id: urls.legislativeTerm, body: urls.body, name: "Programmzeitraum Sozialer Zusammenhalt", startDate: "2014-01-01", endDate: "2029-12-31",
                              created: programmeStamp, modified: programmeStamp)
    }

    /// The programme period is fixed data; its timestamps are those of the programme's start in the district.
    static let programmeDate = Date(timeIntervalSince1970: 1_388_534_400)
    static var programmeStamp: String { stamp(programmeDate) }

    @Sendable
    func legislativeTerms(req: Request) async throws -> Response {
        let filter = try OParlFilter(req)
        let items = filter.matches(created: Self.programmeDate, modified: Self.programmeDate) ? [Self.programme(URLs(req))] : []
        return try await json(page(Array(items.dropFirst(filter.range(items.count).lowerBound)), total: items.count, filter: filter,
                                   base: URLs(req).list("legislativeterms")), req)
    }

    @Sendable
    func legislativeTerm(req: Request) async throws -> Response {
        guard req.parameters.get("id") == "programm" else { throw Abort(.notFound) }
        return try await json(Self.programme(URLs(req)), req)
    }

    @Sendable
    func papers(req: Request) async throws -> Response {
        let filter = try OParlFilter(req)
        let empty: [OParl.Meeting] = []
        return try await json(page(empty, total: 0, filter: filter, base: URLs(req).list("papers")), req)
    }

    // MARK: Visibility

    /// Persons with a valid consent to have their name published.
    static var publishablePersons: some SQLExpression { Consent.holders(of: .namePublished) }

    static var publicCommittees: some SQLExpression {
        SQLSubquery.select {
            $0.column("id").from(Committee.schema).where(SQLColumn("is_public"), .equal, SQLLiteral.boolean(true)).where("deleted_at", .is, SQLLiteral.null)
        }
    }

    // MARK: Organizations

    @Sendable
    func organizations(req: Request) async throws -> Response {
        let filter = try OParlFilter(req)
        let base = { filter.apply(Committee.query(on: req.db).filter(\.$isPublic == true), softDeletes: true) }
        let total = try await base().count()
        let committees = try await base().sort(\.$createdAt).sort(\.$id).range(filter.range(total)).all()
        return try await json(page(try await organizationObjects(committees, req), total: total, filter: filter, base: URLs(req).list("organizations")), req)
    }

    @Sendable
    func organization(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self),
              let committee = try await Committee.query(on: req.db).withDeleted().filter(\.$id == id).filter(\.$isPublic == true).first()
        else { throw Abort(.notFound) }
        return try await json(try await organizationObjects([committee], req)[0], req)
    }

    private func organizationObjects(_ committees: [Committee], _ req: Request) async throws -> [OParl.Organization] {
        let urls = URLs(req)
        let ids = try committees.map { try $0.requireID() }
        let memberships = ids.isEmpty ? [] : try await CommitteeMembership.query(on: req.db).filter(\.$committee.$id ~~ ids).all()
        let shown = ids.isEmpty ? [] : try await CommitteeMembership.query(on: req.db).filter(\.$committee.$id ~~ ids)
            .filter("person_id", in: Self.publishablePersons).all()
        let today = CalendarDate.today()
        return try committees.map { committee in
            let id = try committee.requireID()
            let deleted = committee.deletedAt != nil
            let current = memberships.filter { $0.$committee.id == id && $0.period.isCurrent(at: today) }
            return OParl.Organization(
                id: urls.object("organization", id), body: deleted ? nil : urls.body, name: deleted ? nil : committee.name,
                membership: deleted ? nil : try shown.filter { $0.$committee.id == id }.map { urls.object("membership", try $0.requireID()) },
                meeting: deleted ? nil : urls.list("meetings") + "?organization=" + id.uuidString.lowercased(),
                organizationType: deleted ? nil : "Gremium",
                classification: deleted ? nil : req.application.catalog.text("committee.kind.\(committee.kind.rawValue)", .de),
                memberCount: deleted ? nil : current.count, votingMemberCount: deleted ? nil : current.filter(\.votingRight).count,
                created: Self.stamp(committee.createdAt), modified: Self.stamp(committee.deletedAt ?? committee.updatedAt),
                deleted: deleted ? true : nil
            )
        }
    }

    // MARK: People and memberships

    @Sendable
    func people(req: Request) async throws -> Response {
        let filter = try OParlFilter(req)
        let base = {
            filter.apply(Person.query(on: req.db)
                .filter("id", in: Self.publishablePersons)
                .filter("id", in: SQLSubquery.select { $0.column("person_id").from(CommitteeMembership.schema).where(SQLColumn("committee_id"), .in, Self.publicCommittees) }),
                softDeletes: false)
        }
        let total = try await base().count()
        let persons = try await base().sort(\.$createdAt).sort(\.$id).range(filter.range(total)).all()
        return try await json(page(try await personObjects(persons, req), total: total, filter: filter, base: URLs(req).list("people")), req)
    }

    @Sendable
    func person(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self),
              let person = try await Person.query(on: req.db).filter(\.$id == id).filter("id", in: Self.publishablePersons)
              .filter("id", in: SQLSubquery.select { $0.column("person_id").from(CommitteeMembership.schema).where(SQLColumn("committee_id"), .in, Self.publicCommittees) })
              .first()
        else { throw Abort(.notFound) }
        return try await json(try await personObjects([person], req)[0], req)
    }

    private func personObjects(_ persons: [Person], _ req: Request) async throws -> [OParl.Person] {
        let urls = URLs(req)
        let ids = try persons.map { try $0.requireID() }
        let memberships = ids.isEmpty ? [] : try await CommitteeMembership.query(on: req.db).filter(\.$person.$id ~~ ids)
            .filter("committee_id", in: Self.publicCommittees).all()
        return try persons.map { person in
            let id = try person.requireID()
            return OParl.Person(
                id: urls.object("person", id), body: urls.body, name: person.displayName, familyName: person.familyName, givenName: person.givenName,
                membership: try memberships.filter { $0.$person.id == id }.map { try Self.membershipObject($0, urls, embedded: true) },
                created: Self.stamp(person.createdAt), modified: Self.stamp(person.updatedAt)
            )
        }
    }

    @Sendable
    func memberships(req: Request) async throws -> Response {
        let filter = try OParlFilter(req)
        let base = {
            filter.apply(CommitteeMembership.query(on: req.db).filter("committee_id", in: Self.publicCommittees).filter("person_id", in: Self.publishablePersons),
                         softDeletes: false)
        }
        let total = try await base().count()
        let rows = try await base().sort(\.$createdAt).sort(\.$id).range(filter.range(total)).all()
        let urls = URLs(req)
        return try await json(page(try rows.map { try Self.membershipObject($0, urls, embedded: false) }, total: total, filter: filter, base: urls.list("memberships")), req)
    }

    @Sendable
    func membership(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self),
              let row = try await CommitteeMembership.query(on: req.db).filter(\.$id == id).filter("committee_id", in: Self.publicCommittees)
              .filter("person_id", in: Self.publishablePersons).first()
        else { throw Abort(.notFound) }
        return try await json(try Self.membershipObject(row, URLs(req), embedded: false), req)
    }

    /// Embedded in a Person, a Membership leaves out its person (the backreference).
    static func membershipObject(_ row: CommitteeMembership, _ urls: URLs, embedded: Bool) throws -> OParl.Membership {
        OParl.Membership(
            id: urls.object("membership", try row.requireID()), person: embedded ? nil : urls.object("person", row.$person.id),
            organization: urls.object("organization", row.$committee.id), role: roleNames[row.role] ?? row.role.rawValue, votingRight: row.votingRight,
            startDate: row.from.map(CalendarDate.iso), endDate: row.until.map(CalendarDate.iso),
            created: stamp(row.createdAt), modified: stamp(row.updatedAt)
        )
    }

    static let roleNames: [CommitteeMembership.Role: String] = [
        .chair: "Vorsitz", .moderation: "Moderation", .member: "Mitglied", .deputy: "Stellvertretung", .guest: "Gast", .management: "Geschäftsführung",
    ]

    // MARK: Meetings and agenda items

    struct MeetingQuery: Codable {
        var organization: String?
    }

    @Sendable
    func meetings(req: Request) async throws -> Response {
        let filter = try OParlFilter(req)
        let committee = try req.query.decode(MeetingQuery.self).organization.flatMap(UUID.init(uuidString:))
        let base = {
            var query = Meeting.query(on: req.db).filter("committee_id", in: SQLSubquery.select {
                $0.column("id").from(Committee.schema).where(SQLColumn("is_public"), .equal, SQLLiteral.boolean(true))
            })
            if let committee { query = query.filter(\.$committee.$id == committee) }
            return filter.apply(query, softDeletes: true)
        }
        let total = try await base().count()
        let rows = try await base().sort(\.$startsAt).sort(\.$id).range(filter.range(total)).all()
        var extra: [String: String] = [:]
        extra["organization"] = committee?.uuidString.lowercased()
        return try await json(page(try await meetingObjects(rows, req), total: total, filter: filter, base: URLs(req).list("meetings"), extra: extra), req)
    }

    @Sendable
    func meeting(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self),
              let row = try await Meeting.query(on: req.db).withDeleted().filter(\.$id == id).filter("committee_id", in: Self.publicCommittees).first()
        else { throw Abort(.notFound) }
        return try await json(try await meetingObjects([row], req)[0], req)
    }

    private func meetingObjects(_ meetings: [Meeting], _ req: Request) async throws -> [OParl.Meeting] {
        let urls = URLs(req)
        let ids = try meetings.map { try $0.requireID() }
        let items = ids.isEmpty ? [] : try await AgendaItem.query(on: req.db).filter(\.$meeting.$id ~~ ids).filter(\.$isPublic == true).sort(\.$position).all()
        let files = try await AgendaFileController.files(for: items.map { try $0.requireID() }, on: req.db)
        let approved = Set(meetings.filter(\.minutesApproved).compactMap(\.id))
        let catalog = req.application.catalog
        return try meetings.map { meeting in
            let id = try meeting.requireID()
            if meeting.deletedAt != nil {
                return OParl.Meeting(id: urls.object("meeting", id), name: nil, meetingState: nil, cancelled: nil, start: nil, end: nil, location: nil,
                                     organization: nil, agendaItem: nil, web: nil, created: Self.stamp(meeting.createdAt), modified: Self.stamp(meeting.deletedAt), deleted: true)
            }
            return OParl.Meeting(
                id: urls.object("meeting", id), name: nil, meetingState: catalog.text("meeting.state.\(meeting.state.rawValue)", .de),
                cancelled: meeting.state == .cancelled, start: BerlinTime.machineReadable(meeting.startsAt), end: BerlinTime.machineReadable(meeting.endsAt),
                location: Self.locationObject(meeting, urls),
                organization: [urls.object("organization", meeting.$committee.id)],
                agendaItem: try items.filter { $0.$meeting.id == id }.map {
                    try Self.agendaObject($0, urls, approved: approved.contains(id), files: files[try $0.requireID()] ?? [], catalog: catalog)
                },
                web: urls.site + SiteURL.publicMeeting(id: id.uuidString).path,
                created: Self.stamp(meeting.createdAt), modified: Self.stamp(meeting.updatedAt), deleted: nil
            )
        }
    }

    @Sendable
    func agendaItems(req: Request) async throws -> Response {
        let filter = try OParlFilter(req)
        // Joins, not IN-subqueries: with 30,000 items the join lets the database count and sort through indexes.
        let base = {
            filter.apply(AgendaItem.query(on: req.db)
                .join(Meeting.self, on: \AgendaItem.$meeting.$id == \Meeting.$id)
                .join(Committee.self, on: \Meeting.$committee.$id == \Committee.$id)
                .filter(\.$isPublic == true).filter(Committee.self, \.$isPublic == true)
                .filter(Meeting.self, \.$deletedAt == nil).filter(Committee.self, \.$deletedAt == nil), softDeletes: false)
        }
        let total = try await base().count()
        let rows = try await base().sort(Meeting.self, \.$startsAt).sort(\.$position).sort(\.$id).range(filter.range(total)).all()
        let urls = URLs(req)
        return try await json(page(try await agendaObjects(rows, req), total: total, filter: filter, base: urls.list("agendaitems")), req)
    }

    @Sendable
    func agendaItem(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self),
              let row = try await AgendaItem.query(on: req.db).filter(\.$id == id).filter(\.$isPublic == true).filter("meeting_id", in: SQLSubquery.select {
                  $0.column("id").from(Meeting.schema).where("deleted_at", .is, SQLLiteral.null).where(SQLColumn("committee_id"), .in, Self.publicCommittees)
              }).first()
        else { throw Abort(.notFound) }
        return try await json(try await agendaObjects([row], req)[0], req)
    }

    /// Agenda items with their documents, and with result and resolution once the committee approved the minutes.
    private func agendaObjects(_ rows: [AgendaItem], _ req: Request) async throws -> [OParl.AgendaItem] {
        let meetingIDs = Array(Set(rows.map { $0.$meeting.id }))
        let approved = meetingIDs.isEmpty ? [] : Set(try await Meeting.query(on: req.db).filter(\.$id ~~ meetingIDs).filter(\.$minutesApprovedAt != nil).all().compactMap(\.id))
        let files = try await AgendaFileController.files(for: rows.map { try $0.requireID() }, on: req.db)
        let urls = URLs(req)
        return try rows.map {
            try Self.agendaObject($0, urls, approved: approved.contains($0.$meeting.id), files: files[try $0.requireID()] ?? [], catalog: req.application.catalog)
        }
    }

    /// A document on a public agenda item of a public committee.
    @Sendable
    func file(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self),
              let row = try await AgendaFile.query(on: req.db).filter(\.$id == id).filter("agenda_item_id", in: Self.publicAgendaItems).first()
        else { throw Abort(.notFound) }
        return try await json(Self.fileObject(row, URLs(req)), req)
    }

    /// The ids of public agenda items of meetings (not deleted) of public committees.
    static var publicAgendaItems: some SQLExpression {
        SQLSubquery.select {
            $0.column("id").from(AgendaItem.schema).where("is_public", .equal, SQLLiteral.boolean(true)).where(SQLColumn("meeting_id"), .in, SQLSubquery.select {
                $0.column("id").from(Meeting.schema).where("deleted_at", .is, SQLLiteral.null).where(SQLColumn("committee_id"), .in, Self.publicCommittees)
            })
        }
    }

    static func fileObject(_ file: AgendaFile, _ urls: URLs) throws -> OParl.File {
        let id = try file.requireID()
        let address = urls.site + SiteURL.file(id: id.uuidString).path
        return OParl.File(id: urls.object("file", id), name: file.filename, fileName: file.filename, mimeType: file.mimeType, size: file.size,
                          sha512Checksum: file.sha512, accessUrl: address, downloadUrl: address, agendaItem: [urls.object("agendaitem", file.$item.id)],
                          created: stamp(file.createdAt), modified: stamp(file.updatedAt))
    }

    /// A meeting's place, as the Location the meeting embeds.
    static func locationObject(_ meeting: Meeting, _ urls: URLs) -> OParl.Location {
        OParl.Location(id: urls.base + "/location/meeting-" + (meeting.id?.uuidString.lowercased() ?? ""), description: meeting.place,
                       created: stamp(meeting.createdAt), modified: stamp(meeting.updatedAt))
    }

    @Sendable
    func location(req: Request) async throws -> Response {
        guard let key = req.parameters.get("id"), key.hasPrefix("meeting-"), let id = UUID(uuidString: String(key.dropFirst("meeting-".count))),
              let row = try await Meeting.query(on: req.db).filter(\.$id == id).filter("committee_id", in: Self.publicCommittees).first()
        else { throw Abort(.notFound) }
        return try await json(Self.locationObject(row, URLs(req)), req)
    }

    static func agendaObject(_ item: AgendaItem, _ urls: URLs, approved: Bool, files: [AgendaFile], catalog: Catalog) throws -> OParl.AgendaItem {
        let decided = approved ? item.votes : nil
        return OParl.AgendaItem(
            id: urls.object("agendaitem", try item.requireID()), meeting: urls.object("meeting", item.$meeting.id), number: String(item.position),
            order: item.position, name: item.title, public: item.isPublic,
            result: decided.map { catalog.text($0.isAdopted ? "oparl.result.adopted" : "oparl.result.rejected", .de) },
            resolutionText: decided == nil ? nil : item.decisionText,
            auxiliaryFile: files.isEmpty ? nil : try files.map { try fileObject($0, urls) },
            created: stamp(item.createdAt), modified: stamp(item.updatedAt)
        )
    }

    // MARK: Helpers

    static func stamp(_ date: Date?) -> String {
        BerlinTime.machineReadable(date ?? Date(timeIntervalSince1970: 1_388_534_400))
    }

    private func page<Item: Encodable>(_ items: [Item], total: Int, filter: OParlFilter, base: String, extra: [String: String] = [:]) -> OParl.List<Item> {
        let pages = max(1, (total + filter.perPage - 1) / filter.perPage)
        func link(_ number: Int) -> String { filter.link(base, page: number, extra: extra) }
        return OParl.List(
            data: items,
            pagination: .init(totalElements: total, elementsPerPage: filter.perPage, currentPage: filter.page, totalPages: pages),
            links: .init(first: link(1), last: link(pages), prev: filter.page > 1 ? link(filter.page - 1) : nil,
                         next: filter.page < pages ? link(filter.page + 1) : nil, self: link(filter.page))
        )
    }

    private func json(_ value: some Encodable, _ req: Request) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let response = Response(status: .ok, body: .init(data: try encoder.encode(value)))
        response.headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        return response
    }
}

/// The list filters of OParl 1.1, kept in every link of a list.
struct OParlFilter {
    var createdSince: Date?
    var createdUntil: Date?
    var modifiedSince: Date?
    var modifiedUntil: Date?
    var page: Int
    /// Clients may ask for smaller or larger pages, within bounds.
    var perPage: Int
    private var raw: [String: String] = [:]

    init(_ req: Request) throws {
        page = max(1, (try? req.query.get(Int.self, at: "page")) ?? 1)
        perPage = OParlController.perPage
        if let asked = try? req.query.get(Int.self, at: "elementsPerPage") {
            perPage = min(max(asked, 1), 100)
            raw["elementsPerPage"] = String(perPage)
        }
        func date(_ name: String) throws -> Date? {
            guard let text = try? req.query.get(String.self, at: name), !text.isEmpty else { return nil }
            let formatter = ISO8601DateFormatter()
            guard let value = formatter.date(from: text) ?? ISO8601DateFormatter.withFractions.date(from: text) else {
                throw OParlBadRequest(message: "\(name) must be an ISO 8601 date-time, e.g. 2026-01-01T00:00:00+01:00")
            }
            raw[name] = text
            return value
        }
        createdSince = try date("created_since")
        createdUntil = try date("created_until")
        modifiedSince = try date("modified_since")
        modifiedUntil = try date("modified_until")
    }

    func range(_ total: Int) -> Range<Int> {
        let start = (page - 1) * perPage
        return start..<(start + perPage)
    }

    /// The same filters for objects that are not rows of a table.
    func matches(created: Date, modified: Date) -> Bool {
        (createdSince.map { created >= $0 } ?? true) && (createdUntil.map { created <= $0 } ?? true)
            && (modifiedSince.map { modified >= $0 } ?? true) && (modifiedUntil.map { modified <= $0 } ?? true)
    }

    /// Applies the filters. Soft-deleted objects are included only when `modified_since` is given, as the standard asks.
    func apply<M: Model>(_ query: QueryBuilder<M>, softDeletes: Bool) -> QueryBuilder<M> {
        var query = query
        if let createdSince { query = query.filter("created_at", .greaterThanOrEqual, createdSince) }
        if let createdUntil { query = query.filter("created_at", .lessThanOrEqual, createdUntil) }
        if softDeletes, modifiedSince != nil { query = query.withDeleted() }
        if let modifiedSince {
            query = softDeletes
                ? query.group(.or) { $0.filter("updated_at", .greaterThanOrEqual, modifiedSince).filter("deleted_at", .greaterThanOrEqual, modifiedSince) }
                : query.filter("updated_at", .greaterThanOrEqual, modifiedSince)
        }
        if let modifiedUntil { query = query.filter("updated_at", .lessThanOrEqual, modifiedUntil) }
        return query
    }

    func link(_ base: String, page: Int, extra: [String: String]) -> String {
        var components = URLComponents(string: base)!
        components.queryItems = raw.merging(extra) { $1 }.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            + [URLQueryItem(name: "page", value: String(page))]
        // "+" in an offset must stay a plus, not become a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.string!
    }
}

struct OParlBadRequest: Error {
    let message: String
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let withFractions: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}

/// Every OParl answer may be read from any web page, and errors are OParl error objects, never HTML.
struct OParlMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            let (status, message): (HTTPResponseStatus, String) = switch error {
            case let error as OParlBadRequest: (.badRequest, error.message)
            case let error as any AbortError where error.status == .notFound: (.notFound, "No such object")
            case let error as any AbortError: (error.status, error.status.reasonPhrase)
            default: (.internalServerError, "Internal error")
            }
            if status.code >= 500 { request.logger.error("OParl request failed: \(String(reflecting: error))") }
            response = Response(status: status, body: .init(data: try JSONEncoder().encode(OParl.Error(message: message))))
            response.headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        }
        response.headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: "*")
        return response
    }
}
