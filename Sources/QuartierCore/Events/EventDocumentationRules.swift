import Foundation

/// What a structured protocol records: the issues residents raised (which can become concerns later), what a
/// party — usually the housing company — committed to, and the follow-ups somebody takes on.
public enum ProtocolEntryKind: String, Codable, CaseIterable, Sendable {
    case issue
    case commitment
    case followUp = "follow-up"

    /// Commitments and follow-ups name who gives or takes them on, may have a date and can be done; an issue is
    /// only what was said.
    public var isTracked: Bool { self != .issue }
}

/// When the documentation of an event is public, and how much of it one event holds.
public enum EventDocumentationRules {
    /// A published event's documentation is public once the event is over; a draft's or a cancelled event's never.
    public static func isPublic(state: EventState, endsAt: Date, now: Date = Date()) -> Bool {
        state == .published && endsAt <= now
    }

    /// Photos per event: a selection for the record, not an album.
    public static let maximumPhotos = 30
    /// Entries of the structured protocol per event.
    public static let maximumEntries = 150
    /// Characters of the protocol text and of the results each.
    public static let maximumTextLength = 50_000
    /// Characters of one protocol entry.
    public static let maximumEntryLength = 2_000
    /// Characters of a photo's alternative text (a sentence or two for screen readers) and of its caption.
    public static let maximumAltLength = 500
    public static let maximumCaptionLength = 500
    /// Characters of who committed or takes on a follow-up.
    public static let maximumPartyLength = 200
}
