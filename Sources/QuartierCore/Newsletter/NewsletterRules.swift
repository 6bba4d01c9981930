import Foundation

/// Where a newsletter subscription stands. Nothing is ever sent to a pending address except the one confirmation
/// mail; an unsubscribed subscription has lost its address and stays only as an anonymous count.
public enum SubscriptionState: String, Codable, CaseIterable, Sendable {
    case pending
    case confirmed
    case unsubscribed

    public func canMove(to next: SubscriptionState) -> Bool {
        switch (self, next) {
        case (.pending, .confirmed), (.pending, .unsubscribed), (.confirmed, .unsubscribed): true
        default: false
        }
    }
}

/// Where a newsletter issue stands: composed as a draft, being handed to the outbox, handed to every recipient.
public enum NewsletterIssueState: String, Codable, CaseIterable, Sendable {
    case draft
    case sending
    case sent

    public func canMove(to next: NewsletterIssueState) -> Bool {
        switch (self, next) {
        case (.draft, .sending), (.sending, .sent): true
        default: false
        }
    }
}

/// The double opt-in and the choice of what a subscriber receives.
public enum NewsletterRules {
    /// How long a confirmation link works.
    public static let confirmationLifetime: TimeInterval = 48 * 3600
    /// A second sign-up for the same address within this time sends no second mail, so that the form cannot be used
    /// to flood somebody's inbox.
    public static let resendInterval: TimeInterval = 10 * 60
    /// How long an unconfirmed sign-up is kept at all: long enough to answer "I never got the link", then it goes.
    public static let pendingRetention: TimeInterval = 7 * 24 * 3600
    /// The languages a newsletter can be written in: every content language, Leichte Sprache and Arabic included.
    public static let languages = ContentLanguage.allCases.map(\.rawValue)

    public enum ConfirmationProblem: String, Sendable, Equatable {
        case expired
        case used
    }

    /// Whether a confirmation link may still confirm: only once, and only within its lifetime.
    public static func confirmationProblem(state: SubscriptionState, requestedAt: Date, now: Date = Date()) -> ConfirmationProblem? {
        guard state == .pending else { return .used }
        return now.timeIntervalSince(requestedAt) > confirmationLifetime ? .expired : nil
    }

    /// Whether a sign-up for an address last asked for at `lastRequest` may send a mail again.
    public static func maySendAgain(lastRequest: Date, now: Date = Date()) -> Bool {
        now.timeIntervalSince(lastRequest) >= resendInterval
    }

    /// The items of an issue a subscriber receives: those of the fields of action she chose and those that belong to
    /// no field in particular. A subscriber who chose no field receives everything. `fields` of an item are its
    /// fields-of-action identifiers.
    public static func selection<Item>(_ items: [Item], fields: (Item) -> Set<UUID>, chosen: Set<UUID>) -> [Item] {
        guard !chosen.isEmpty else { return items }
        return items.filter { item in
            let own = fields(item)
            return own.isEmpty || !own.isDisjoint(with: chosen)
        }
    }

    /// The headers of RFC 2369 and RFC 8058 that let a mail program unsubscribe with one click: it POSTs
    /// `List-Unsubscribe=One-Click` to the https (or, in development, http) address, without cookies.
    public static func unsubscribeHeaders(url: String) -> [String: String] {
        ["List-Unsubscribe": "<\(url)>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "Precedence": "bulk"]
    }
}
