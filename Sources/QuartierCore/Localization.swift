import Foundation

/// The languages of the user interface: German first, English second.
public enum Language: String, Codable, CaseIterable, Sendable {
    case de
    case en

    public static let fallback = Language.de

    /// Picks the best language from an `Accept-Language` header value.
    public static func preferred(acceptLanguage header: String?) -> Language {
        guard let header else { return fallback }
        let ranked = header.split(separator: ",").compactMap { part -> (Language, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { return nil }
            let primary = String(tag.split(separator: "-").first ?? "")
            guard let language = Language(rawValue: primary) else { return nil }
            let quality = pieces.dropFirst()
                .first { $0.hasPrefix("q=") }
                .flatMap { Double($0.dropFirst(2)) } ?? 1
            return (language, quality)
        }
        return ranked.filter { $0.1 > 0 }.max { $0.1 < $1.1 }?.0 ?? fallback
    }
}

/// The localization catalogs: one flat key → text table per language.
/// A key missing in a language falls back to German, and a key missing everywhere shows itself,
/// so a gap is visible rather than silent.
public struct Catalog: Sendable {
    public private(set) var tables: [Language: [String: String]]

    public init(tables: [Language: [String: String]]) {
        self.tables = tables
    }

    /// Loads `<language>.json` for every language from a folder.
    public static func load(from directory: URL) throws -> Catalog {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(language.rawValue).json"))
            tables[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Catalog(tables: tables)
    }

    public func text(_ key: String, _ language: Language) -> String {
        tables[language]?[key] ?? tables[.fallback]?[key] ?? key
    }

    /// Replaces `{0}`, `{1}`, … with the arguments.
    public func text(_ key: String, _ language: Language, _ arguments: [String]) -> String {
        var result = text(key, language)
        for (index, argument) in arguments.enumerated() {
            result = result.replacingOccurrences(of: "{\(index)}", with: argument)
        }
        return result
    }

    /// Keys present in German but missing in another language.
    public func missingKeys(in language: Language) -> Set<String> {
        Set(tables[.fallback]?.keys ?? [:].keys).subtracting(tables[language]?.keys ?? [:].keys)
    }
}
