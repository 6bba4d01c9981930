import Foundation

/// What a person may be used for: GDPR consent is given per purpose, never once for everything.
public enum ConsentPurpose: String, Codable, CaseIterable, Sendable {
    case contact
    case newsletter
    case namePublished = "name-published"
    case photoPublished = "photo-published"
}

/// How the consent reached us; a verbal consent is still recorded so that it can be proven and withdrawn.
public enum ConsentSource: String, Codable, CaseIterable, Sendable {
    case form
    case paper
    case verbal
}

public struct ConsentGrant: Equatable, Sendable {
    public var purpose: ConsentPurpose
    public var givenAt: Date
    public var source: ConsentSource
    public var withdrawnAt: Date?

    public init(purpose: ConsentPurpose, givenAt: Date, source: ConsentSource, withdrawnAt: Date? = nil) {
        self.purpose = purpose
        self.givenAt = givenAt
        self.source = source
        self.withdrawnAt = withdrawnAt
    }
}

public enum ConsentRules {
    /// The moment validity is checked at. Consents recorded by staff carry the calendar day they were given (midnight
    /// UTC of the Berlin day), consents from a form the moment; both count from the day they were given. Checking at
    /// `now` would leave a consent given "today" invalid from Berlin midnight until midnight UTC (one or two hours
    /// every night), so validity is checked at the last second of today's calendar day.
    public static func checkedAt(now: Date = Date()) -> Date {
        CalendarDate.today(now: now).addingTimeInterval(86_399)
    }

    /// Valid at `date` when given at or before it and not withdrawn at or before it.
    public static func isValid(_ grant: ConsentGrant, at date: Date) -> Bool {
        guard grant.givenAt <= date else { return false }
        guard let withdrawnAt = grant.withdrawnAt else { return true }
        return withdrawnAt > date
    }

    /// The latest grant per purpose decides, so a newer grant after a withdrawal counts again,
    /// and a withdrawal of the newest grant is not undone by an older grant that was never withdrawn.
    /// Grants given after `date` are not known yet at `date` and are ignored.
    public static func validPurposes(_ grants: [ConsentGrant], at date: Date) -> Set<ConsentPurpose> {
        var latest: [ConsentPurpose: ConsentGrant] = [:]
        for grant in grants where grant.givenAt <= date {
            if let current = latest[grant.purpose], current.givenAt > grant.givenAt { continue }
            latest[grant.purpose] = grant
        }
        return Set(latest.values.filter { isValid($0, at: date) }.map(\.purpose))
    }
}
