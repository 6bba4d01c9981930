import Foundation

/// Where a news item stands on its way to the public: a draft, waiting for its publish time, or public.
public enum Publication: String, Codable, CaseIterable, Sendable {
    case draft
    case scheduled
    case published

    /// A news item is public only when it is no draft and its publish time has come.
    public static func of(isDraft: Bool, publishAt: Date, now: Date = Date()) -> Publication {
        if isDraft { return .draft }
        return publishAt <= now ? .published : .scheduled
    }

    public var isPublic: Bool { self == .published }
}
