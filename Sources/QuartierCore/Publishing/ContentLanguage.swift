import Foundation

/// The languages residents may read content in (news, pages, events, projects). The user interface itself stays in
/// German or English (`Language`); content is translated item by item, and German is the original every item has.
public enum ContentLanguage: String, Codable, CaseIterable, Sendable {
    case de
    case easy = "ls"
    case en
    case tr
    case ar
    case ru
    case uk

    public static let original = ContentLanguage.de

    /// The languages an item can be translated into.
    public static var translations: [ContentLanguage] { allCases.filter { $0 != original } }

    /// The value of the HTML `lang` attribute: Leichte Sprache is German, so screen readers pronounce it as German.
    public var htmlLang: String {
        switch self {
        case .easy: "de"
        default: rawValue
        }
    }

    /// The value of `hreflang`: a private-use subtag marks Leichte Sprache apart from the standard German text.
    public var hreflang: String {
        switch self {
        case .easy: "de-x-ls"
        default: rawValue
        }
    }

    /// Picks the best content language from an `Accept-Language` header value; nil when none of them is asked for.
    public static func preferred(acceptLanguage header: String?) -> ContentLanguage? {
        guard let header else { return nil }
        let ranked = header.split(separator: ",").compactMap { part -> (ContentLanguage, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), let primary = tag.split(separator: "-").first,
                  let language = ContentLanguage(rawValue: String(primary)), language != .easy else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (language, quality)
        }
        return ranked.filter { $0.1 > 0 }.max { $0.1 < $1.1 }?.0
    }

    /// The `og:locale` of a page in this language.
    public var openGraphLocale: String {
        switch self {
        case .de, .easy: "de_DE"
        case .en: "en_GB"
        case .tr: "tr_TR"
        case .ar: "ar_AR"
        case .ru: "ru_RU"
        case .uk: "uk_UA"
        }
    }

    public var isRightToLeft: Bool { self == .ar }

    public var direction: String { isRightToLeft ? "rtl" : "ltr" }

    /// The language's own name, as its readers look for it in a list of languages.
    public var nativeName: String {
        switch self {
        case .de: "Deutsch"
        case .easy: "Leichte Sprache"
        case .en: "English"
        case .tr: "Türkçe"
        case .ar: "العربية"
        case .ru: "Русский"
        case .uk: "Українська"
        }
    }

    /// The user-interface language that goes with a content language, where there is one.
    public var interfaceLanguage: Language? {
        switch self {
        case .de, .easy: .de
        case .en: .en
        default: nil
        }
    }
}

/// What a resident sees of one item: the fields in the chosen language where a translation has them, German otherwise.
public struct LocalizedText: Equatable, Sendable {
    public let title: String
    public let summary: String
    public let body: String
    /// The language the text is actually in.
    public let language: ContentLanguage
    /// True when the resident chose another language but sees German because there is no translation.
    public let isFallback: Bool

    public init(title: String, summary: String, body: String, language: ContentLanguage, isFallback: Bool) {
        self.title = title
        self.summary = summary
        self.body = body
        self.language = language
        self.isFallback = isFallback
    }

    /// A translation counts when it has a title; then all of it is shown as it is, so that every text on the page is
    /// in the language its `lang` attribute names (a half-German translated page would be read out wrongly).
    public static func choose(
        original: (title: String, summary: String, body: String),
        translation: (title: String, summary: String, body: String)?,
        wanted: ContentLanguage
    ) -> LocalizedText {
        guard wanted != .original else {
            return LocalizedText(title: original.title, summary: original.summary, body: original.body, language: .original, isFallback: false)
        }
        guard let translation, !translation.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return LocalizedText(title: original.title, summary: original.summary, body: original.body, language: .original, isFallback: true)
        }
        return LocalizedText(
            title: translation.title,
            summary: translation.summary,
            body: translation.body,
            language: wanted,
            isFallback: false
        )
    }
}
