import Fluent
import Foundation

/// The published news items an issue can carry, with their fields of action, for the composer.
enum NewsletterNews {
    /// The latest published news (last sixty days), newest first.
    static func candidates(limit: Int, now: Date, on database: any Database) async throws -> [NewsletterEntry.Source] {
        let items = try await NewsItem.published(on: database, now: now).filter(\.$publishAt >= now.addingTimeInterval(-60 * 86_400))
            .limit(limit).all()
        return try await sources(items, on: database)
    }

    /// The news items among `ids` that residents may see now; a withdrawn or not yet published item stays out.
    static func find(_ ids: [UUID], now: Date = Date(), on database: any Database) async throws -> [NewsletterEntry.Source] {
        guard !ids.isEmpty else { return [] }
        return try await sources(try await NewsItem.published(on: database, now: now).filter(\.$id ~~ ids).all(), on: database)
    }

    private static func sources(_ items: [NewsItem], on database: any Database) async throws -> [NewsletterEntry.Source] {
        let ids = items.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        var fields: [UUID: Set<UUID>] = [:]
        for link in try await NewsItemField.query(on: database).filter(\.$newsItem.$id ~~ ids).all() {
            fields[link.$newsItem.id, default: []].insert(link.$fieldOfAction.id)
        }
        return items.compactMap { item in
            item.id.map { id in
                NewsletterEntry.Source(id: id, title: item.title, summary: item.teaser, date: item.publishAt,
                                       url: .publicNewsItem(id: id.uuidString), fields: fields[id] ?? [])
            }
        }
    }
}
