import Fluent
import QuartierCore
import SQLKit
import Vapor

/// Calendar feeds (iCalendar) of the public committees' meetings: all of them, or one committee's.
struct MeetingCalendarController: RouteCollection {
    /// A feed holds what is coming and the last three months; older meetings are in OParl.
    static let pastDays = 90
    static let maximumEvents = 500

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.meetingsFeed, use: all)
        routes.get(.committeeFeed(id: ":id"), use: committee)
    }

    @Sendable
    func all(req: Request) async throws -> Response {
        let portal = try await PortalSettings.current(on: req)
        return try await feed(req, name: req.t("calendar.all", portal.districtName), committeeID: nil)
    }

    @Sendable
    func committee(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self),
              let committee = try await Committee.query(on: req.db).filter(\.$id == id).filter(\.$isPublic == true).first()
        else { throw Abort(.notFound) }
        return try await feed(req, name: committee.name, committeeID: id)
    }

    private func feed(_ req: Request, name: String, committeeID: UUID?) async throws -> Response {
        let since = Date().addingTimeInterval(-Double(Self.pastDays) * 86_400)
        var query = Meeting.query(on: req.db).with(\.$committee).filter(\.$startsAt >= since)
            .filter("committee_id", in: OParlController.publicCommittees)
        if let committeeID { query = query.filter(\.$committee.$id == committeeID) }
        let meetings = try await query.sort(\.$startsAt).limit(Self.maximumEvents).all()
        let ids = try meetings.map { try $0.requireID() }
        let items = ids.isEmpty ? [] : try await AgendaItem.query(on: req.db).filter(\.$meeting.$id ~~ ids).filter(\.$isPublic == true).sort(\.$position).all()
        let catalog = req.application.catalog
        let events = try meetings.map { meeting in
            let id = try meeting.requireID()
            let agenda = items.filter { $0.$meeting.id == id }.map { "\($0.position). \($0.title)" }
            return CalendarEvent(
                uid: "meeting-\(id.uuidString.lowercased())@quartier", sequence: meeting.sequence, start: meeting.startsAt, end: meeting.endsAt,
                summary: catalog.text("calendar.summary", .de, [meeting.committee.name]),
                description: agenda.isEmpty ? nil : catalog.text("agenda.title", .de) + ":\n" + agenda.joined(separator: "\n"),
                location: meeting.place,
                status: meeting.state == .cancelled ? .cancelled : (meeting.state == .planned ? .tentative : .confirmed),
                lastModified: meeting.updatedAt
            )
        }
        let body = ICalendar(name: name, events: events).rendered(now: Date())
        let response = Response(status: .ok, body: .init(string: body))
        response.headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        return response
    }
}
