import Foundation
import Testing
@testable import QuartierCore

@Suite("Content languages, their fallback to German, and the Atom and sitemap formats")
struct ContentLanguageTests {
    let original = (title: "Gartenfest", summary: "Kurz", body: "Lang")

    @Test("The resident's language where a translation has a title, German with the fallback flag otherwise")
    func fallback() {
        let arabic = LocalizedText.choose(original: original, translation: ("حفلة", "", "نص"), wanted: .ar)
        #expect(arabic.title == "حفلة" && arabic.body == "نص" && arabic.summary == "" && arabic.language == .ar && !arabic.isFallback)
        let missing = LocalizedText.choose(original: original, translation: nil, wanted: .tr)
        #expect(missing.title == "Gartenfest" && missing.language == .de && missing.isFallback)
        let untitled = LocalizedText.choose(original: original, translation: ("  ", "x", "y"), wanted: .ru)
        #expect(untitled.title == "Gartenfest" && untitled.isFallback)
        let german = LocalizedText.choose(original: original, translation: ("X", "", ""), wanted: .de)
        #expect(german.title == "Gartenfest" && !german.isFallback)
    }

    @Test("lang, hreflang and direction: Leichte Sprache is German, Arabic reads right to left")
    func attributes() {
        #expect(ContentLanguage.easy.htmlLang == "de" && ContentLanguage.easy.hreflang == "de-x-ls")
        #expect(ContentLanguage.ar.direction == "rtl" && ContentLanguage.uk.direction == "ltr")
        #expect(ContentLanguage.translations.count == 6 && !ContentLanguage.translations.contains(.de))
        #expect(ContentLanguage.tr.interfaceLanguage == nil && ContentLanguage.easy.interfaceLanguage == .de)
    }

    @Test("The browser's languages choose a content language; Leichte Sprache is never guessed")
    func acceptLanguage() {
        #expect(ContentLanguage.preferred(acceptLanguage: "ar-SY,ar;q=0.9,de;q=0.5") == .ar)
        #expect(ContentLanguage.preferred(acceptLanguage: "uk;q=0.4, ru;q=0.8") == .ru)
        #expect(ContentLanguage.preferred(acceptLanguage: "ls, fr") == nil)
        #expect(ContentLanguage.preferred(acceptLanguage: nil) == nil)
    }

    @Test("Atom and sitemap escape text and drop characters XML does not allow")
    func xmlEscaping() {
        #expect(AtomFeed.escape("Hof & \"Garten\" <neu>\u{1}") == "Hof &amp; &quot;Garten&quot; &lt;neu&gt;")
        let feed = AtomFeed(id: "urn:x", title: "A & B", subtitle: "", selfURL: "http://x/a.atom", siteURL: "http://x/a", author: "QM", language: "de",
                            entries: [.init(id: "urn:uuid:1", title: "<b>", url: "http://x/a/1", published: Date(timeIntervalSince1970: 0),
                                            updated: Date(timeIntervalSince1970: 60), summary: "", contentHTML: "<p>Hi</p>", categories: ["Wohnen"])],
                            emptyUpdated: Date(timeIntervalSince1970: 0))
        #expect(feed.xml.contains("<title>A &amp; B</title>"))
        #expect(feed.xml.contains("<updated>1970-01-01T00:01:00Z</updated>"))
        #expect(feed.xml.contains("<content type=\"html\">&lt;p&gt;Hi&lt;/p&gt;</content>"))
        #expect(!feed.xml.contains("<summary"), "an empty summary is left out")
        let sitemap = Sitemap(entries: [.init(url: "http://x/?a=1&b=2", lastModified: nil)])
        #expect(sitemap.xml.contains("<loc>http://x/?a=1&amp;b=2</loc>"))
    }
}
