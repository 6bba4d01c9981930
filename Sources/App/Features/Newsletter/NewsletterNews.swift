import Fluent
import Foundation

/// The news items an issue can carry. Filled in once the news feature (issue 9, point 1) has its model.
enum NewsletterNews {
    static func candidates(limit: Int, now: Date, on database: any Database) async throws -> [NewsletterEntry.Source] {
        []
    }

    static func find(_ ids: [UUID], on database: any Database) async throws -> [NewsletterEntry.Source] {
        []
    }
}
