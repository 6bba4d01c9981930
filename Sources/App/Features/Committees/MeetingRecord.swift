import Fluent
import QuartierCore
import Vapor

/// A meeting as its readers see it: the public sees public items, and their minutes and decisions once the
/// committee approved them; members see every item, with draft minutes marked as such.
struct MeetingRecord: Encodable {
    enum Audience {
        case publicReaders, members
    }

    struct Item: Encodable {
        let number: Int
        let title: String
        let text: [[String]]
        let isPublic: Bool
        let responsible: String?
        let files: [FileLink]
        let minutes: [[String]]
        let decision: String?
        let result: String?
    }

    let committee: String
    let date: String
    let machine: String
    let end: String
    let place: String
    let state: String
    let cancelled: Bool
    let minutesState: String?
    let minutesDraft: Bool
    let items: [Item]

    static func load(_ meeting: Meeting, for audience: Audience, _ req: Request) async throws -> MeetingRecord {
        let id = try meeting.requireID()
        var query = AgendaItem.query(on: req.db).filter(\.$meeting.$id == id).with(\.$responsible).sort(\.$position)
        if audience == .publicReaders { query = query.filter(\.$isPublic == true) }
        let items = try await query.all()
        let files = try await AgendaFileController.files(for: items.map { try $0.requireID() }, on: req.db)
        let approved = meeting.minutesApproved
        let showRecords = approved || audience == .members
        var minutesState: String?
        if let approvedAt = meeting.minutesApprovedAt {
            var approving: Meeting?
            if let approvingID = meeting.approvedInMeetingID { approving = try await Meeting.find(approvingID, on: req.db) }
            minutesState = approving.map { req.t("minutes.approved_in", BerlinTime.date($0.startsAt, req.language)) }
                ?? req.t("minutes.approved_on", BerlinTime.date(approvedAt, req.language))
        } else if meeting.state == .held {
            minutesState = req.t(audience == .members ? "minutes.draft" : "minutes.not_yet_approved")
        }
        return MeetingRecord(
            committee: meeting.committee.name, date: BerlinTime.dateTime(meeting.startsAt, req.language), machine: BerlinTime.machineReadable(meeting.startsAt),
            end: BerlinTime.time(meeting.endsAt, req.language), place: meeting.place, state: req.t("meeting.state.\(meeting.state.rawValue)"),
            cancelled: meeting.state == .cancelled, minutesState: minutesState, minutesDraft: !approved && audience == .members,
            items: try items.map { item in
                Item(number: item.position, title: item.title, text: PlainText.paragraphs(item.text), isPublic: item.isPublic,
                     responsible: item.responsible?.displayName,
                     files: try (files[try item.requireID()] ?? []).map { try FileLink($0, language: req.language, deletable: false) },
                     minutes: showRecords ? PlainText.paragraphs(item.minutes) : [],
                     decision: showRecords ? item.decisionText : nil,
                     result: showRecords ? item.votes.map { req.t($0.isAdopted ? "decision.adopted" : "decision.rejected", String($0.yes), String($0.no), String($0.abstain)) } : nil)
            }
        )
    }
}
