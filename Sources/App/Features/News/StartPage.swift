import Fluent
import QuartierCore
import Vapor

/// What the start page adds to the welcome text and the next events: the latest news, the next public committee
/// meetings and the open ways to take part — each with a clear link. A bounded handful of queries.
struct StartPage: Encodable {
    static let newsCount = 3
    static let meetingCount = 3

    struct NewsTeaser: Encodable {
        let title: String
        let teaser: String
        let href: String
        let date: String
        let machine: String
        let lang: String
        let dir: String
    }

    struct MeetingTeaser: Encodable {
        let committee: String
        let href: String
        let date: String
        let machine: String
        let place: String
    }

    struct Way: Encodable {
        let label: String
        let href: String
    }

    let news: [NewsTeaser]
    let newsURL: String
    let meetings: [MeetingTeaser]
    let committeesURL: String
    let ways: [Way]

    static func load(_ req: Request) async throws -> StartPage {
        let now = Date()
        let items = try await NewsItem.published(on: req.db, now: now).limit(newsCount).all()
        let titles = try await TranslatedTitles.load(.news, ids: items.compactMap(\.id), req: req)
        let ways = [
            Way(label: req.t("home.take_part.concern"), href: SiteURL.concernNew.path),
            Way(label: req.t("home.take_part.concerns"), href: SiteURL.publicConcerns.path),
            Way(label: req.t("home.take_part.fund"), href: SiteURL.publicFund.path),
            Way(label: req.t("home.take_part.events"), href: SiteURL.publicEvents.path),
            Way(label: req.t("home.take_part.newsletter"), href: SiteURL.newsletter.path),
        ]
        return StartPage(
            news: try items.map { item in
                let text = titles.text(item.id, title: item.title, summary: item.teaser)
                return NewsTeaser(title: text.title, teaser: text.summary, href: SiteURL.publicNewsItem(id: try item.requireID().uuidString).path,
                                  date: BerlinTime.date(item.publishAt, req.language), machine: BerlinTime.machineReadable(item.publishAt),
                                  lang: text.language.htmlLang, dir: text.language.direction)
            },
            newsURL: SiteURL.publicNews.path,
            meetings: try await upcomingMeetings(req, limit: meetingCount),
            committeesURL: SiteURL.publicCommittees.path,
            ways: ways
        )
    }

    /// The next meetings of public committees, so that residents find them beside the events.
    static func upcomingMeetings(_ req: Request, limit: Int) async throws -> [MeetingTeaser] {
        let meetings = try await Meeting.query(on: req.db).with(\.$committee).filter(\.$startsAt >= Date()).filter(\.$state != .cancelled)
            .filter("committee_id", in: OParlController.publicCommittees).sort(\.$startsAt).limit(limit).all()
        return try meetings.map { meeting in
            MeetingTeaser(committee: meeting.committee.name, href: SiteURL.publicMeeting(id: try meeting.requireID().uuidString).path,
                          date: BerlinTime.dateTime(meeting.startsAt, req.language), machine: BerlinTime.machineReadable(meeting.startsAt),
                          place: meeting.place)
        }
    }
}
