import Foundation
import Ink

/// Markdown that staff write for news and pages, turned into HTML that is safe to put on a public page.
///
/// Ink passes raw HTML through and copies link targets verbatim into attributes, so two layers keep the output safe:
/// every `<` of the text is hidden from Ink (raw HTML is shown as text, never parsed), and Ink's output is parsed
/// again tag by tag and rebuilt from a short allow-list — only known elements, only `href`/`src`/`alt`/`start`,
/// link targets only http, https, mailto or relative, every link with `rel="noopener"`.
public enum SafeMarkdown {
    /// Stands in for `<` while Ink parses, so that no user text can open a tag. Removed from the input first.
    private static let hiddenLessThan: Character = "\u{E000}"

    public static func html(from markdown: String) -> String {
        let hidden = markdown
            .replacingOccurrences(of: String(hiddenLessThan), with: "")
            .replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "<", with: String(hiddenLessThan))
        return sanitize(MarkdownParser().html(from: hidden))
    }

    /// The text without any markup, on one line: for feed summaries, description tags and plain-text mail.
    public static func plainText(from markdown: String) -> String {
        let html = html(from: markdown)
        var text = ""
        var inTag = false
        for character in html {
            switch character {
            case "<": inTag = true; text.append(" ")
            case ">" where inTag: inTag = false
            default: if !inTag { text.append(character) }
            }
        }
        let decoded = decodeEntities(text)
        return decoded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The first sentence-sized part of a text, for description tags: at most `limit` characters, cut at a word.
    public static func excerpt(_ text: String, limit: Int = 160) -> String {
        guard text.count > limit else { return text }
        let cut = text.prefix(limit)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]) + " …"
    }

    /// Whether a link target may appear on a public page: http, https, mailto, or a relative address.
    public static func isSafeURL(_ url: String) -> Bool {
        guard !url.isEmpty, !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || CharacterSet.controlCharacters.contains($0) }) else {
            return false
        }
        let lowered = url.lowercased()
        guard let colon = lowered.firstIndex(of: ":") else { return true }
        let scheme = lowered[..<colon]
        // A colon after the first slash, question mark or hash belongs to a relative path, not to a scheme.
        if let separator = lowered.firstIndex(where: { "/?#".contains($0) }), separator < colon { return true }
        return ["http", "https", "mailto"].contains(String(scheme))
    }

    // MARK: - Rebuilding Ink's output from an allow-list

    private static let allowedElements: Set<String> = [
        "p", "br", "em", "strong", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
        "h2", "h3", "h4", "h5", "h6", "hr", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    ]
    private static let voidElements: Set<String> = ["br", "hr", "img"]

    private struct Tag {
        var name: String
        var isClosing: Bool
        var attributes: [String: String]
    }

    static func sanitize(_ html: String) -> String {
        var output = ""
        var index = html.startIndex
        var openLinks = 0
        while index < html.endIndex {
            let character = html[index]
            if character == "<", let (tag, end) = readTag(html, from: index) {
                output += rebuild(tag, openLinks: &openLinks)
                index = end
                continue
            }
            output += escapeText(character)
            index = html.index(after: index)
        }
        return output
    }

    private static func escapeText(_ character: Character) -> String {
        switch character {
        case "<", hiddenLessThan: "&lt;"
        case ">": "&gt;"
        default: String(character)
        }
    }

    private static func rebuild(_ tag: Tag, openLinks: inout Int) -> String {
        // A heading of the first level belongs to the page itself.
        let name = tag.name == "h1" ? "h2" : tag.name
        guard allowedElements.contains(name) else { return "" }
        if tag.isClosing {
            guard !voidElements.contains(name) else { return "" }
            if name == "a" {
                guard openLinks > 0 else { return "" }
                openLinks -= 1
            }
            return "</\(name)>"
        }
        switch name {
        case "a":
            guard let href = tag.attributes["href"].map(cleanURL), isSafeURL(href) else {
                // An unsafe target keeps its text but loses the link; the matching end tag is dropped with it.
                return ""
            }
            openLinks += 1
            return "<a href=\"\(escapeAttribute(href))\" rel=\"noopener\">"
        case "img":
            // Only pictures from this site: a picture from elsewhere would tell a third party who reads the page.
            let alt = escapeAttribute(decodeEntities(tag.attributes["alt"] ?? ""))
            guard let src = tag.attributes["src"].map(cleanURL), isSafeURL(src), src.hasPrefix("/"), !src.hasPrefix("//") else {
                return alt
            }
            return "<img src=\"\(escapeAttribute(src))\" alt=\"\(alt)\">"
        case "ol":
            if let start = tag.attributes["start"], let number = Int(start), number >= 0 { return "<ol start=\"\(number)\">" }
            return "<ol>"
        default:
            return "<\(name)>"
        }
    }

    /// The target as the browser would read it: entities decoded, the hidden `<` restored, surrounding space removed.
    private static func cleanURL(_ raw: String) -> String {
        decodeEntities(raw).replacingOccurrences(of: String(hiddenLessThan), with: "<").trimmingCharacters(in: .whitespaces)
    }

    private static func escapeAttribute(_ value: String) -> String {
        value.replacingOccurrences(of: String(hiddenLessThan), with: "<")
            .replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Reads one tag the way a browser would (quoted values may hold `>`); nil when `<` does not open a tag.
    private static func readTag(_ html: String, from start: String.Index) -> (Tag, String.Index)? {
        var index = html.index(after: start)
        var isClosing = false
        if index < html.endIndex, html[index] == "/" {
            isClosing = true
            index = html.index(after: index)
        }
        let nameStart = index
        while index < html.endIndex, html[index].isLetter || html[index].isNumber { index = html.index(after: index) }
        guard index > nameStart else { return nil }
        let name = html[nameStart..<index].lowercased()
        var attributes: [String: String] = [:]
        while index < html.endIndex {
            let character = html[index]
            if character == ">" { return (Tag(name: name, isClosing: isClosing, attributes: attributes), html.index(after: index)) }
            if character.isWhitespace || character == "/" { index = html.index(after: index); continue }
            let attributeStart = index
            while index < html.endIndex, !html[index].isWhitespace, !"=>/".contains(html[index]) { index = html.index(after: index) }
            let attribute = html[attributeStart..<index].lowercased()
            guard index < html.endIndex else { break }
            guard html[index] == "=" else {
                if attributes[attribute] == nil { attributes[attribute] = "" }
                continue
            }
            index = html.index(after: index)
            var value = ""
            if index < html.endIndex, html[index] == "\"" || html[index] == "'" {
                let quote = html[index]
                index = html.index(after: index)
                let valueStart = index
                while index < html.endIndex, html[index] != quote { index = html.index(after: index) }
                value = String(html[valueStart..<index])
                if index < html.endIndex { index = html.index(after: index) }
            } else {
                let valueStart = index
                while index < html.endIndex, !html[index].isWhitespace, html[index] != ">" { index = html.index(after: index) }
                value = String(html[valueStart..<index])
            }
            // The first occurrence counts, as in a browser.
            if attributes[attribute] == nil { attributes[attribute] = value }
        }
        // An unterminated tag is dropped entirely.
        return (Tag(name: "", isClosing: false, attributes: [:]), html.endIndex)
    }

    private static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
        "colon": ":", "tab": "\t", "newline": "\n", "sol": "/", "period": ".", "lpar": "(", "rpar": ")",
    ]

    /// Decodes numeric entities and the common named ones; an unknown named entity is kept as it is written,
    /// which makes a link target with it fail the scheme check rather than pass it.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            guard text[index] == "&", let semicolon = text[index...].prefix(12).firstIndex(of: ";") else {
                output.append(text[index])
                index = text.index(after: index)
                continue
            }
            let body = text[text.index(after: index)..<semicolon]
            var decoded: String?
            if body.hasPrefix("#x") || body.hasPrefix("#X") {
                decoded = UInt32(body.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            } else if body.hasPrefix("#") {
                decoded = UInt32(body.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            } else {
                decoded = namedEntities[body.lowercased()]
            }
            if let decoded {
                output += decoded
                index = text.index(after: semicolon)
            } else {
                output.append(text[index])
                index = text.index(after: index)
            }
        }
        return output
    }
}
