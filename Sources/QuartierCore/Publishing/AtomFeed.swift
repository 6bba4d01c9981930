import Foundation

/// An Atom feed (RFC 4287) of the news. Every text is escaped for XML; the entry content is HTML as text (`type="html"`).
public struct AtomFeed: Sendable {
    public struct Entry: Sendable {
        public let id: String
        public let title: String
        public let url: String
        public let published: Date
        public let updated: Date
        public let summary: String
        public let contentHTML: String
        public let categories: [String]

        public init(id: String, title: String, url: String, published: Date, updated: Date, summary: String, contentHTML: String, categories: [String]) {
            self.id = id
            self.title = title
            self.url = url
            self.published = published
            self.updated = updated
            self.summary = summary
            self.contentHTML = contentHTML
            self.categories = categories
        }
    }

    public let id: String
    public let title: String
    public let subtitle: String
    public let selfURL: String
    public let siteURL: String
    public let author: String
    public let language: String
    public let entries: [Entry]
    /// When nothing is in the feed yet, its own updated time must still be a date.
    public let emptyUpdated: Date

    public init(id: String, title: String, subtitle: String, selfURL: String, siteURL: String, author: String, language: String,
                entries: [Entry], emptyUpdated: Date) {
        self.id = id
        self.title = title
        self.subtitle = subtitle
        self.selfURL = selfURL
        self.siteURL = siteURL
        self.author = author
        self.language = language
        self.entries = entries
        self.emptyUpdated = emptyUpdated
    }

    public static let contentType = "application/atom+xml; charset=utf-8"

    public var xml: String {
        let updated = entries.map(\.updated).max() ?? emptyUpdated
        var lines = [
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"\(Self.escape(language))\">",
            "  <id>\(Self.escape(id))</id>",
            "  <title>\(Self.escape(title))</title>",
            "  <subtitle>\(Self.escape(subtitle))</subtitle>",
            "  <updated>\(Self.timestamp(updated))</updated>",
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\(Self.escape(selfURL))\"/>",
            "  <link rel=\"alternate\" type=\"text/html\" href=\"\(Self.escape(siteURL))\"/>",
            "  <author><name>\(Self.escape(author))</name></author>",
        ]
        for entry in entries {
            lines.append("  <entry>")
            lines.append("    <id>\(Self.escape(entry.id))</id>")
            lines.append("    <title type=\"text\">\(Self.escape(entry.title))</title>")
            lines.append("    <link rel=\"alternate\" type=\"text/html\" href=\"\(Self.escape(entry.url))\"/>")
            lines.append("    <published>\(Self.timestamp(entry.published))</published>")
            lines.append("    <updated>\(Self.timestamp(entry.updated))</updated>")
            for category in entry.categories { lines.append("    <category term=\"\(Self.escape(category))\"/>") }
            if !entry.summary.isEmpty { lines.append("    <summary type=\"text\">\(Self.escape(entry.summary))</summary>") }
            lines.append("    <content type=\"html\">\(Self.escape(entry.contentHTML))</content>")
            lines.append("  </entry>")
        }
        lines.append("</feed>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 3339 in UTC, as Atom requires.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Escapes text for XML and drops the control characters XML 1.0 does not allow.
    public static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            case "\t", "\n", "\r": output.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}

/// A sitemap (sitemaps.org protocol 0.9) of the public pages.
public struct Sitemap: Sendable {
    public struct Entry: Sendable {
        public let url: String
        public let lastModified: Date?

        public init(url: String, lastModified: Date?) {
            self.url = url
            self.lastModified = lastModified
        }
    }

    public let entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The protocol allows 50,000 addresses in one file.
    public static let maximumEntries = 50_000

    public var xml: String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"]
        for entry in entries.prefix(Self.maximumEntries) {
            var line = "  <url><loc>\(AtomFeed.escape(entry.url))</loc>"
            if let modified = entry.lastModified { line += "<lastmod>\(AtomFeed.timestamp(modified))</lastmod>" }
            lines.append(line + "</url>")
        }
        lines.append("</urlset>")
        return lines.joined(separator: "\n") + "\n"
    }
}
