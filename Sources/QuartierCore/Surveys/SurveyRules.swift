import Foundation

/// The phases of an activating survey after Hinte, Lüttringhaus and Richers, in their order.
public enum SurveyPhase: String, Codable, CaseIterable, Sendable, Comparable {
    case plan, preliminary, decision, training, fieldwork, analysis, assembly, support

    public var number: Int { Self.allCases.firstIndex(of: self)! + 1 }

    public static func < (lhs: SurveyPhase, rhs: SurveyPhase) -> Bool { lhs.number < rhs.number }

    public var next: SurveyPhase? { Self.allCases.first { $0.number == number + 1 } }
    public var previous: SurveyPhase? { Self.allCases.first { $0.number == number - 1 } }

    /// One step forward, or one back when a phase has to be repeated; never a skipped phase.
    public var transitions: [SurveyPhase] { [previous, next].compactMap { $0 } }

    public func canMove(to target: SurveyPhase) -> Bool { transitions.contains(target) }
}

/// What happened at the door.
public enum VisitOutcome: String, Codable, CaseIterable, Sendable {
    case interview
    case letterLeft = "letter-left"
    case refused
    case appointment
    case unreachable

    /// Only an interview visit carries answers; every other outcome is a visit without an interview.
    public var hasInterview: Bool { self == .interview }
    /// The address is done with: an interview, a refusal, or given up as not reachable. Letters and appointments
    /// mean somebody goes there again.
    public var isFinal: Bool { self != .letterLeft && self != .appointment }
}

public enum QuestionKind: String, Codable, CaseIterable, Sendable {
    case open, single, multiple, scale

    public var isClosed: Bool { self != .open }
}

/// The demographics block; each is a closed list so that it can be counted and cross-tabulated.
public enum SurveyAgeGroup: String, Codable, CaseIterable, Sendable {
    case under18 = "u18", from18 = "18-29", from30 = "30-44", from45 = "45-64", from65 = "65+"
}

public enum SurveyGender: String, Codable, CaseIterable, Sendable {
    case female, male, diverse
}

public enum SurveyHousehold: String, Codable, CaseIterable, Sendable {
    case single, couple, family, singleParent = "single-parent", shared, other
}

public enum SurveyTenure: String, Codable, CaseIterable, Sendable {
    case tenant, owner, other
}

public enum InterviewLanguage: String, Codable, CaseIterable, Sendable {
    case de, tr, ar, ru, en, other
}

/// The rule that keeps old interviews readable: a guide that has answers is never changed in place.
public enum GuideVersioning {
    /// Whether a change to a guide with `interviews` recorded against it has to go into a new version.
    public static func needsNewVersion(interviews: Int) -> Bool { interviews > 0 }

    /// The version a change goes into.
    public static func targetVersion(current: Int, interviews: Int) -> Int {
        needsNewVersion(interviews: interviews) ? current + 1 : current
    }

    /// The options of a closed question from the builder's text area: one per line, trimmed, empty lines dropped.
    /// A scale has no options of its own (it is 1 to 5).
    public static func options(_ text: String, kind: QuestionKind) -> [String] {
        guard kind == .single || kind == .multiple else { return [] }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public enum Problem: String, Equatable, Sendable {
        case emptyText = "empty_text"
        case tooFewOptions = "too_few_options"
    }

    public static func problems(text: String, kind: QuestionKind, options: [String]) -> [Problem] {
        var problems: [Problem] = []
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problems.append(.emptyText) }
        if (kind == .single || kind == .multiple) && options.count < 2 { problems.append(.tooFewOptions) }
        return problems
    }
}

/// The scale the guide's scale questions and the interviewer's rating of willingness to engage use.
public enum SurveyScale {
    public static let range = 1...5

    public static func parse(_ text: String?) -> Int? {
        guard let value = Int((text ?? "").trimmingCharacters(in: .whitespaces)), range.contains(value) else { return nil }
        return value
    }
}
