import Foundation
import Testing
@testable import QuartierCore

@Suite("Markdown from staff, rendered safely")
struct SafeMarkdownTests {
    @Test("Ordinary Markdown becomes the expected HTML")
    func ordinaryMarkdown() {
        let html = SafeMarkdown.html(from: "# Fest\n\nAm **Samstag** feiern wir *zusammen*.\n\n- Musik\n- Essen")
        #expect(html.contains("<h2>Fest</h2>"))
        #expect(html.contains("<strong>Samstag</strong>"))
        #expect(html.contains("<em>zusammen</em>"))
        #expect(html.contains("<ul><li>Musik</li><li>Essen</li></ul>"))
    }

    @Test("Raw HTML in the text is shown as text, never as a tag")
    func rawHTMLIsEscaped() {
        let html = SafeMarkdown.html(from: "Hallo <script>alert(1)</script> und <img src=x onerror=alert(1)>\n\n<div onclick=\"x()\">Block</div>")
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<div"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
    }

    @Test("javascript: and data: links lose their link, also when disguised, and keep their text")
    func dangerousLinks() {
        for target in ["javascript:alert(1)", "JavaScript:alert(1)", "javascript&#58;alert(1)", "javascript&colon;alert(1)",
                       "java&#x73;cript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)", " javascript:alert(1)"] {
            let html = SafeMarkdown.html(from: "[Klick](\(target))")
            #expect(!html.contains("<a"), "\(target) became \(html)")
            #expect(html.contains("Klick"))
        }
    }

    @Test("Links keep http, https, mailto and relative targets and get rel=noopener")
    func safeLinks() {
        let html = SafeMarkdown.html(from: "[A](https://example.org/a?b=1&c=2) [B](mailto:qm@example.org) [C](/veranstaltungen) [D](http://example.org)")
        #expect(html.contains("<a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener\">A</a>"))
        #expect(html.contains("<a href=\"mailto:qm@example.org\" rel=\"noopener\">B</a>"))
        #expect(html.contains("<a href=\"/veranstaltungen\" rel=\"noopener\">C</a>"))
        #expect(html.contains("<a href=\"http://example.org\" rel=\"noopener\">D</a>"))
    }

    @Test("Attributes smuggled in through a link target or a code fence are dropped")
    func attributeInjection() {
        let link = SafeMarkdown.html(from: "[x](https://example.org\" onmouseover=\"alert(1))")
        #expect(!link.contains("onmouseover=\""))
        #expect(!link.contains("\" onmouseover"))
        let fence = SafeMarkdown.html(from: "```js\" onclick=\"alert(1)\nlet a = 1 < 2\n```")
        #expect(!fence.contains("onclick=\""))
        #expect(fence.contains("<pre><code>"))
        #expect(fence.contains("1 &lt; 2"))
        let image = SafeMarkdown.html(from: "![Bild\" onerror=\"alert(1)](/fotos/1)")
        #expect(!image.contains("onerror=\""))
    }

    @Test("Pictures from other sites become their text, pictures from this site stay")
    func images() {
        let foreign = SafeMarkdown.html(from: "![Ein Baum](https://tracker.example/pixel.png)")
        #expect(!foreign.contains("<img") && !foreign.contains("tracker") && foreign.contains("Ein Baum"))
        #expect(SafeMarkdown.html(from: "![Ein Baum](/fotos/abc)").contains("<img src=\"/fotos/abc\" alt=\"Ein Baum\">"))
    }

    @Test("Plain text has no markup and no entities")
    func plainText() {
        #expect(SafeMarkdown.plainText(from: "**Fest** am <Samstag> & [Sonntag](/x)") == "Fest am <Samstag> & Sonntag")
        #expect(SafeMarkdown.excerpt(String(repeating: "Wort ", count: 100), limit: 20) == "Wort Wort Wort Wort …")
    }

    @Test("Only http, https, mailto and relative addresses count as safe")
    func urlCheck() {
        #expect(SafeMarkdown.isSafeURL("/a:b"))
        #expect(SafeMarkdown.isSafeURL("seite?x=a:b"))
        #expect(!SafeMarkdown.isSafeURL("file:///etc/passwd"))
        #expect(!SafeMarkdown.isSafeURL("java\tscript:alert(1)"))
        #expect(!SafeMarkdown.isSafeURL(""))
    }
}

@Suite("Scheduled publishing")
struct PublicationTests {
    @Test("A news item is public only when it is no draft and its time has come")
    func states() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(Publication.of(isDraft: false, publishAt: now.addingTimeInterval(-1), now: now) == .published)
        #expect(Publication.of(isDraft: false, publishAt: now, now: now) == .published)
        #expect(Publication.of(isDraft: false, publishAt: now.addingTimeInterval(60), now: now) == .scheduled)
        #expect(Publication.of(isDraft: true, publishAt: now.addingTimeInterval(-3600), now: now) == .draft)
        #expect(!Publication.scheduled.isPublic && !Publication.draft.isPublic && Publication.published.isPublic)
    }
}
