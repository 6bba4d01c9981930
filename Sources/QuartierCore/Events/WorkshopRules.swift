import Foundation

/// The three working phases of a future workshop after Robert Jungk: first the participants criticise what is
/// (Kritik), then they imagine what could be without limits (Utopie, Phantasie), then they turn the best ideas into
/// projects (Verwirklichung).
public enum WorkshopPhase: String, Codable, CaseIterable, Sendable, Comparable {
    case critique, fantasy, realisation

    public var number: Int { Self.allCases.firstIndex(of: self)! + 1 }

    public static func < (lhs: WorkshopPhase, rhs: WorkshopPhase) -> Bool { lhs.number < rhs.number }

    public var next: WorkshopPhase? { Self.allCases.first { $0.number == number + 1 } }
    public var previous: WorkshopPhase? { Self.allCases.first { $0.number == number - 1 } }

    /// Forward one step at a time, in order; back one step when something was forgotten. A phase is never skipped.
    public var transitions: [WorkshopPhase] { [previous, next].compactMap { $0 } }

    public func canMove(to target: WorkshopPhase) -> Bool { transitions.contains(target) }

    /// The facilitator writes cards into the current phase or an earlier one (transcribing the wall afterwards),
    /// never into a phase the workshop has not reached.
    public func acceptsFacilitatorCards(in phase: WorkshopPhase) -> Bool { phase <= self }

    /// Project sketches (who does what by when) come out of the realisation phase only.
    public var allowsProjectSketches: Bool { self == .realisation }
}

/// Dot votes: after the dot exercise the facilitator enters each card's and cluster's dots as a number; the ranking
/// orders what got dots, and equal dots share a place (1, 2, 2, 4).
public enum DotVoting {
    /// More dots than any real workshop hands out; a larger number is a typing error.
    public static let maximumDots = 999

    /// Reads a number of dots from a form field: empty means none; anything but a whole number from 0 to
    /// `maximumDots` is refused (nil).
    public static func parse(_ text: String?) -> Int? {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return 0 }
        guard trimmed.allSatisfy(\.isASCII), let value = Int(trimmed), (0...maximumDots).contains(value) else { return nil }
        return value
    }

    public struct Ranked<ID: Hashable & Sendable>: Equatable, Sendable {
        public let rank: Int
        public let id: ID
        public let dots: Int
        /// Shares its place with another entry.
        public let isTied: Bool

        public init(rank: Int, id: ID, dots: Int, isTied: Bool) {
            self.rank = rank
            self.id = id
            self.dots = dots
            self.isTied = isTied
        }
    }

    /// Ranks the entries that got at least one dot, most dots first. Entries with equal dots share the place
    /// (standard competition ranking) and keep the order they were given in.
    public static func rank<ID: Hashable & Sendable>(_ entries: [(id: ID, dots: Int)]) -> [Ranked<ID>] {
        let voted = entries.enumerated().filter { $0.element.dots > 0 }
            .sorted { $0.element.dots != $1.element.dots ? $0.element.dots > $1.element.dots : $0.offset < $1.offset }
            .map(\.element)
        var counts: [Int: Int] = [:]
        for entry in voted { counts[entry.dots, default: 0] += 1 }
        var result: [Ranked<ID>] = []
        for (index, entry) in voted.enumerated() {
            let rank = index > 0 && voted[index - 1].dots == entry.dots ? result[index - 1].rank : index + 1
            result.append(Ranked(rank: rank, id: entry.id, dots: entry.dots, isTied: (counts[entry.dots] ?? 0) > 1))
        }
        return result
    }
}

/// The short code participants type or open on their phones (`/w/K7M3QX`): six characters without the ones people
/// confuse (0/O, 1/I/L), so that it can be read from a projector across the room.
public enum WorkshopCode {
    public static let alphabet: [Character] = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    public static let length = 6

    public static func generate<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// The code as typed by a person (lower case, spaces or a hyphen in the middle) in its stored form, or nil
    /// when it cannot be a code at all.
    public static func normalized(_ text: String) -> String? {
        let compact = text.uppercased().filter { $0 != " " && $0 != "-" }
        guard compact.count == length, compact.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return compact
    }

    /// Two groups of three, easier to read aloud and from afar: `K7M 3QX`.
    public static func display(_ code: String) -> String {
        guard code.count == length else { return code }
        return String(code.prefix(3)) + " " + String(code.suffix(3))
    }
}

/// What a card may say and how many cards a workshop keeps, so that every list on its pages stays bounded.
public enum WorkshopLimits {
    /// A card on the wall holds a short sentence.
    public static let cardLength = 200
    public static let headingLength = 120
    public static let cardsPerPhase = 300
    public static let clustersPerPhase = 40
    public static let sketches = 20
    public static let stepsPerSketch = 25
    public static let sketchTitleLength = 200
    public static let sketchTextLength = 2000
    public static let stepTextLength = 300
    public static let stepWhoLength = 200
    /// Participants' cards waiting for approval; more are refused until the facilitator has looked at them.
    public static let pendingCards = 100
    /// Cards one phone may send within `participantWindow`.
    public static let cardsPerParticipant = 10
    public static let participantWindow: TimeInterval = 10 * 60

    /// The text of a card with its white space tidied (line breaks and runs of spaces become one space), or nil
    /// when it is empty or longer than `maximumLength`.
    public static func cardText(_ text: String?, maximumLength: Int = cardLength) -> String? {
        let tidy = (text ?? "").split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !tidy.isEmpty, tidy.count <= maximumLength else { return nil }
        return tidy
    }

    /// Why a participant's card is refused, if it is.
    public enum ParticipantRefusal: Equatable, Sendable {
        case invalidText, tooManyFromParticipant, tooManyPending
    }

    public static func checkParticipantCard(text: String?, recentFromParticipant: Int, pending: Int) -> ParticipantRefusal? {
        if cardText(text) == nil { return .invalidText }
        if recentFromParticipant >= cardsPerParticipant { return .tooManyFromParticipant }
        if pending >= pendingCards { return .tooManyPending }
        return nil
    }
}
