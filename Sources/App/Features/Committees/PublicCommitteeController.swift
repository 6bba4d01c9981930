import Fluent
import QuartierCore
import SQLKit
import Vapor

/// Public committee pages: which public committees exist, who sits in them (with consent), and their upcoming
/// meetings with the public agenda items — no account needed.
struct PublicCommitteeController: RouteCollection {
    struct MeetingRow: Encodable {
        let date: String
        let machine: String
        let place: String
        let state: String
        let cancelled: Bool
        let items: [String]
        let href: String
    }

    struct PastRow: Encodable {
        let date: String
        let machine: String
        let href: String
        let approved: Bool
    }

    struct MeetingContent: Encodable {
        let record: MeetingRecord
        let backURL: String
        let feedURL: String
    }

    struct CommitteeBlock: Encodable {
        let name: String
        let kind: String
        let description: [[String]]
        let members: [String]
        let meetings: [MeetingRow]
        let past: [PastRow]
        let feedURL: String
    }

    struct Content: Encodable {
        let committees: [CommitteeBlock]
        let feedURL: String
        let oparlURL: String
    }

    /// A district has a handful of public committees; the page lists them all with their next meetings.
    static let maximumCommittees = 50
    static let meetingsPerCommittee = 5
    static let pastPerCommittee = 3

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.publicCommittees, use: index)
        routes.get(.publicMeeting(id: ":id"), use: meeting)
    }

    @Sendable
    func index(req: Request) async throws -> Response {
        let committees = try await Committee.query(on: req.db).filter(\.$isPublic == true).sort(\.$name).limit(Self.maximumCommittees).all()
        let ids = try committees.map { try $0.requireID() }
        let now = Date()
        let meetings = ids.isEmpty ? [] : try await Meeting.query(on: req.db).filter(\.$committee.$id ~~ ids).filter(\.$startsAt >= now)
            .sort(\.$startsAt).limit(Self.maximumCommittees * Self.meetingsPerCommittee).all()
        let meetingIDs = try meetings.map { try $0.requireID() }
        let items = meetingIDs.isEmpty ? [] : try await AgendaItem.query(on: req.db).filter(\.$meeting.$id ~~ meetingIDs).filter(\.$isPublic == true)
            .sort(\.$position).all()
        let today = CalendarDate.today(now: now)
        let members = ids.isEmpty ? [] : try await CommitteeMembership.query(on: req.db).filter(\.$committee.$id ~~ ids)
            .filter("person_id", in: OParlController.publishablePersons).with(\.$person).all()
        let past = Dictionary(grouping: try await Self.lastHeld(of: ids, before: now, on: req.db), by: { $0.$committee.id })
        let blocks = try committees.map { committee in
            let id = try committee.requireID()
            return CommitteeBlock(
                name: committee.name, kind: req.t("committee.kind.\(committee.kind.rawValue)"), description: PlainText.paragraphs(committee.description),
                members: members.filter { $0.$committee.id == id && $0.period.isCurrent(at: today) }
                    .map { "\($0.person.displayName) (\(req.t("committee.role.\($0.role.rawValue)")))" }.sorted(),
                meetings: try meetings.filter { $0.$committee.id == id }.prefix(Self.meetingsPerCommittee).map { meeting in
                    let meetingID = try meeting.requireID()
                    return MeetingRow(date: BerlinTime.dateTime(meeting.startsAt, req.language), machine: BerlinTime.machineReadable(meeting.startsAt),
                                      place: meeting.place, state: req.t("meeting.state.\(meeting.state.rawValue)"), cancelled: meeting.state == .cancelled,
                                      items: items.filter { $0.$meeting.id == meetingID }.map { "\($0.position). \($0.title)" },
                                      href: SiteURL.publicMeeting(id: meetingID.uuidString).path)
                },
                past: try (past[id] ?? []).map {
                    PastRow(date: BerlinTime.date($0.startsAt, req.language), machine: BerlinTime.machineReadable($0.startsAt),
                            href: SiteURL.publicMeeting(id: try $0.requireID().uuidString).path, approved: $0.minutesApproved)
                },
                feedURL: SiteURL.committeeFeed(id: id.uuidString).path
            )
        }
        let content = Content(committees: blocks, feedURL: SiteURL.meetingsFeed.path, oparlURL: "/oparl/v1/system")
        return try await req.renderPage("committees/public", title: req.t("public_committees.title"), content)
    }

    /// The last `pastPerCommittee` held meetings of each committee, newest first, in two queries whatever the number of
    /// committees: a window function numbers each committee's meetings, then the chosen ones are loaded.
    static func lastHeld(of committeeIDs: [UUID], before now: Date, on database: any Database) async throws -> [Meeting] {
        guard !committeeIDs.isEmpty, let sql = database as? any SQLDatabase else { return [] }
        let rows = try await sql.raw("""
            SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY committee_id ORDER BY starts_at DESC) AS n
                            FROM meetings WHERE committee_id IN (\(binds: committeeIDs)) AND starts_at < \(bind: now)
                            AND state = 'held' AND deleted_at IS NULL) AS numbered
            WHERE n <= \(literal: pastPerCommittee)
            """).all()
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        guard !ids.isEmpty else { return [] }
        return try await Meeting.query(on: database).filter(\.$id ~~ ids).sort(\.$startsAt, .descending).all()
    }

    /// One meeting of a public committee: its public items with their documents and, once approved, minutes and decisions.
    @Sendable
    func meeting(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self),
              let meeting = try await Meeting.find(id, on: req.db),
              let committee = try await Committee.find(meeting.$committee.id, on: req.db), committee.isPublic
        else { throw Abort(.notFound) }
        meeting.$committee.value = committee
        let content = MeetingContent(record: try await MeetingRecord.load(meeting, for: .publicReaders, req), backURL: SiteURL.publicCommittees.path,
                                     feedURL: SiteURL.committeeFeed(id: meeting.$committee.id.uuidString).path)
        return try await req.renderPage("committees/public-meeting",
                                        title: req.t("meetings.title", meeting.committee.name, BerlinTime.date(meeting.startsAt, req.language)), content)
    }
}
