import Fluent
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Öffentlichkeitsarbeit: news, pages, translations, the A4 notice, feed and sitemap")
struct NewsTests {
    static func staff(_ app: Application) async throws -> Browser {
        try await app.makeUser("team@quartier.test", role: .staff)
        var browser = Browser(app)
        try await browser.login("team@quartier.test")
        return browser
    }

    static func newsForm(_ extra: [String: String] = [:]) -> [String: String] {
        var form = ["title": "Frühjahrsputz im Park", "teaser": "Alle packen mit an.", "body": "Wir treffen uns am **Samstag**.",
                    "publish_date": "2026-01-10", "publish_time": "09:30"]
        form.merge(extra) { $1 }
        return form
    }

    /// A multipart form with one file in the field `fileField`.
    static func upload(_ browser: inout Browser, _ path: String, fields: [String: String], fileField: String, filename: String, data: [UInt8],
                       tokenFrom: String) async throws -> TestingHTTPResponse {
        let boundary = "QuartierNewsBoundary\(UUID().uuidString.prefix(8))"
        var body = Data()
        func append(_ text: String) { body.append(Data(text.utf8)) }
        var all = fields
        all[CSRF.fieldName] = try await browser.token(from: tokenFrom)
        for (name, value) in all.sorted(by: { $0.key < $1.key }) {
            append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(fileField)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        body.append(Data(data))
        append("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await browser.send(.POST, path, headers: headers, body: nil, raw: body)
    }

    /// A published item, one scheduled for tomorrow and a draft, straight in the database.
    static func threeItems(_ app: Application) async throws -> (published: NewsItem, scheduled: NewsItem, draft: NewsItem) {
        let now = Date()
        let published = NewsItem(title: "Schon öffentlich", teaser: "Kurz", body: "Text", publishAt: now.addingTimeInterval(-3600))
        let scheduled = NewsItem(title: "Erst morgen", teaser: "Geplant", body: "Text", publishAt: now.addingTimeInterval(86_400))
        let draft = NewsItem(title: "Noch ein Entwurf", teaser: "", body: "Text", publishAt: now.addingTimeInterval(-7200), isDraft: true)
        for item in [published, scheduled, draft] { try await item.create(on: app.db) }
        return (published, scheduled, draft)
    }

    @Test("Raw HTML, javascript: links and attributes in staff text are neutralised on the public page; links get rel=noopener")
    func markdownIsSafe() async throws {
        try await withQuartier { app in
            // setup
            var staff = try await Self.staff(app)
            let body = "Hallo <script>alert('x')</script>\n\n[Klick](javascript:alert(1)) [Seite](https://example.org/\" onmouseover=\"alert(2)) <img src=x onerror=alert(3)>"

            // act
            let created = try await staff.post("/verwaltung/aktuelles/neu", Self.newsForm(["body": body]), tokenFrom: "/verwaltung/aktuelles/neu")
            let item = try #require(try await NewsItem.query(on: app.db).first())
            let page = try await EventDocumentationTests.visit(app, "/aktuelles/\(try item.requireID().uuidString)")
            let html = page.body.string

            // check
            #expect(created.status == .seeOther)
            #expect(page.status == .ok)
            #expect(!html.contains("<script>alert"))
            #expect(html.contains("&lt;script&gt;alert"))
            #expect(!html.contains("javascript:"))
            #expect(!html.contains("onmouseover=\""))
            #expect(!html.contains("<img src=x"))
            #expect(html.contains("<a href=\"https://example.org/\" rel=\"noopener\">Seite</a>"))
        }
    }

    @Test("Scheduled publishing: a future or draft item is nowhere public — list, page, feed, sitemap, picture — until its time")
    func scheduledPublishing() async throws {
        try await withQuartier { app in
            // setup
            let items = try await Self.threeItems(app)
            let scheduledPath = "/aktuelles/\(try items.scheduled.requireID().uuidString)"
            let draftPath = "/aktuelles/\(try items.draft.requireID().uuidString)"

            // act
            let list = try await EventDocumentationTests.visit(app, "/aktuelles").body.string
            let feed = try await EventDocumentationTests.visit(app, "/aktuelles.atom").body.string
            let sitemap = try await EventDocumentationTests.visit(app, "/sitemap.xml").body.string
            let home = try await EventDocumentationTests.visit(app, "/").body.string
            let scheduled = try await EventDocumentationTests.visit(app, scheduledPath)
            let draft = try await EventDocumentationTests.visit(app, draftPath)
            let notice = try await EventDocumentationTests.visit(app, scheduledPath + "/aushang")

            // check
            #expect(list.contains("Schon öffentlich") && home.contains("Schon öffentlich") && feed.contains("Schon öffentlich"))
            for text in [list, feed, sitemap, home] {
                #expect(!text.contains("Erst morgen") && !text.contains("Noch ein Entwurf"))
                #expect(!text.contains(try items.scheduled.requireID().uuidString))
            }
            #expect(scheduled.status == .notFound && draft.status == .notFound && notice.status == .notFound)

            // act: the time comes
            items.scheduled.publishAt = Date().addingTimeInterval(-1)
            try await items.scheduled.save(on: app.db)
            let later = try await EventDocumentationTests.visit(app, scheduledPath)

            // check
            #expect(later.status == .ok && later.body.string.contains("Erst morgen"))
            #expect(try await EventDocumentationTests.visit(app, draftPath).status == .notFound)
        }
    }

    @Test("Staff see a scheduled item as a preview with a note, and its state in the back office")
    func staffPreview() async throws {
        try await withQuartier { app in
            let items = try await Self.threeItems(app)
            var staff = try await Self.staff(app)
            let preview = try await staff.get("/aktuelles/\(try items.scheduled.requireID().uuidString)")
            let index = try await staff.get("/verwaltung/aktuelles")
            #expect(preview.status == .ok && preview.body.string.contains("noch nicht öffentlich"))
            #expect(index.body.string.contains("Geplant") && index.body.string.contains("Entwurf") && index.body.string.contains("Veröffentlicht"))
        }
    }

    @Test("Language fallback: the translation where it exists (Arabic right to left), German with a note where it does not")
    func languageFallback() async throws {
        try await withQuartier(environment: ["QUARTIER_PAGE_CACHE": "30"]) { app in
            // setup
            let items = try await Self.threeItems(app)
            let id = try items.published.requireID()
            try await ContentTranslation(contentType: .news, contentID: id, language: .ar, title: "خبر عاجل", summary: "ملخص", body: "نص **مهم**").create(on: app.db)
            let path = "/aktuelles/\(id.uuidString)"

            // act
            var german = Browser(app)
            let original = try await german.get(path)
            var arabic = Browser(app)
            let switched = try await arabic.get("/inhaltssprache/ar?zurueck=" + path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            let translated = try await arabic.get(path)
            var turkish = Browser(app)
            turkish.cookies[Request.contentLanguageCookie] = "tr"
            let fallback = try await turkish.get(path)
            let germanAgain = try await german.get(path)

            // check
            #expect(switched.status == .seeOther && switched.location == path)
            #expect(translated.body.string.contains("<article class=\"news-item\" lang=\"ar\" dir=\"rtl\">"))
            #expect(translated.body.string.contains("خبر عاجل") && translated.body.string.contains("<strong>مهم</strong>"))
            #expect(!translated.body.string.contains("gibt es noch nicht"))
            #expect(fallback.body.string.contains("Schon öffentlich"))
            #expect(fallback.body.string.contains("Diesen Text gibt es noch nicht auf Türkçe"))
            #expect(fallback.body.string.contains("<article class=\"news-item\" lang=\"de\" dir=\"ltr\">"))
            // The page cache keeps the languages apart.
            #expect(original.body.string.contains("Schon öffentlich") && germanAgain.body.string.contains("Schon öffentlich"))
            #expect(!germanAgain.body.string.contains("خبر عاجل"))
            // The language links: each language in itself, with hreflang and lang; Leichte Sprache is German.
            #expect(translated.body.string.contains("hreflang=\"ar\" lang=\"ar\" aria-current=\"true\">العربية</a>"))
            #expect(translated.body.string.contains("hreflang=\"de-x-ls\" lang=\"de\">Leichte Sprache</a>"))
        }
    }

    @Test("Staff translate an event and a project; residents see the translation on the public pages, the calendar, the project overview and the start page; an empty title removes it")
    func translateEventAndProject() async throws {
        try await withQuartier { app in
            // setup
            var staff = try await Self.staff(app)
            let start = Date().addingTimeInterval(7 * 86_400)
            let event = Event(title: "Sommerfest", format: .districtFestival, startsAt: start, endsAt: start.addingTimeInterval(3600), place: "Wiese")
            event.state = .published
            event.description = "Musik und Essen."
            try await event.create(on: app.db)
            let project = Project(title: "Gemeinschaftsgarten", summary: "Gemeinsam gärtnern.")
            project.isPublic = true
            try await project.create(on: app.db)
            let eventPath = "/verwaltung/uebersetzungen/event/\(try event.requireID().uuidString)"
            let projectPath = "/verwaltung/uebersetzungen/project/\(try project.requireID().uuidString)"

            // act
            let saved = try await staff.post(eventPath, ["language": "uk", "title": "Літнє свято", "body": "Музика та їжа."], tokenFrom: eventPath)
            let projectSaved = try await staff.post(projectPath, ["language": "ar", "title": "حديقة", "summary": "نزرع معاً", "body": "تعال"], tokenFrom: projectPath)
            let refused = try await staff.post(projectPath, ["language": "tr", "title": "", "body": "Metin"], tokenFrom: projectPath)
            let badLanguage = try await staff.post(projectPath, ["language": "de", "title": "X"], tokenFrom: projectPath)
            var resident = Browser(app)
            resident.cookies[Request.contentLanguageCookie] = "uk"
            let eventPage = try await resident.get("/veranstaltungen/\(try event.requireID().uuidString)")
            resident.cookies[Request.contentLanguageCookie] = "ar"
            let projectPage = try await resident.get("/projekte/\(try project.requireID().uuidString)")
            let eventFallback = try await resident.get("/veranstaltungen/\(try event.requireID().uuidString)")
            resident.cookies[Request.contentLanguageCookie] = "uk"
            let calendar = try await resident.get("/veranstaltungen")
            let home = try await resident.get("/")
            resident.cookies[Request.contentLanguageCookie] = "ar"
            let projects = try await resident.get("/projekte")
            let removed = try await staff.post(eventPath, ["language": "uk", "title": ""], tokenFrom: eventPath)

            // check
            #expect(saved.status == .seeOther && projectSaved.status == .seeOther)
            #expect(refused.status == .badRequest && badLanguage.status == .badRequest)
            #expect(eventPage.body.string.contains("<section class=\"translation\" lang=\"uk\" dir=\"ltr\""))
            #expect(eventPage.body.string.contains("Літнє свято") && eventPage.body.string.contains("Музика та їжа."))
            #expect(projectPage.body.string.contains("lang=\"ar\" dir=\"rtl\"") && projectPage.body.string.contains("نزرع معاً"))
            #expect(eventFallback.body.string.contains("Diesen Text gibt es noch nicht auf العربية"))
            #expect(calendar.body.string.contains("<h2 lang=\"uk\" dir=\"ltr\"><a href=\"/veranstaltungen/\(try event.requireID().uuidString)\">Літнє свято</a></h2>"))
            #expect(home.body.string.contains("lang=\"uk\" dir=\"ltr\">Літнє свято</a>"))
            #expect(projects.body.string.contains("lang=\"ar\" dir=\"rtl\">حديقة</a>") && projects.body.string.contains("<span lang=\"ar\" dir=\"rtl\">نزرع معاً</span>"))
            #expect(removed.status == .seeOther)
            #expect(try await ContentTranslation.query(on: app.db).filter(\.$contentType == .event).count() == 0)
            #expect(try await ContentTranslation.query(on: app.db).filter(\.$language == .tr).count() == 0)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entityType == "content_translation").count() == 3)
        }
    }

    @Test("A picture needs its description: without it nothing is saved; with it the picture is shown with its alt text")
    func pictureNeedsAltText() async throws {
        try await withQuartier { app in
            // setup
            var staff = try await Self.staff(app)
            let png = DemoData.samplePhoto(width: 8, height: 6)
            let field = FieldOfAction(name: "Umwelt", position: 0)
            try await field.create(on: app.db)

            // act
            let refused = try await Self.upload(&staff, "/verwaltung/aktuelles/neu", fields: Self.newsForm(),
                                                                        fileField: "image", filename: "park.png", data: png, tokenFrom: "/verwaltung/aktuelles/neu")
            let countAfterRefusal = try await NewsItem.query(on: app.db).count()
            let accepted = try await Self.upload(&staff, "/verwaltung/aktuelles/neu", fields: Self.newsForm(["image_alt": "Kinder harken Laub", "fields[]": try field.requireID().uuidString]),
                                                                         fileField: "image", filename: "park.png", data: png, tokenFrom: "/verwaltung/aktuelles/neu")
            let item = try #require(try await NewsItem.query(on: app.db).first())
            let page = try await EventDocumentationTests.visit(app, "/aktuelles/\(try item.requireID().uuidString)")
            let image = try await EventDocumentationTests.visit(app, "/aktuelles/\(try item.requireID().uuidString)/bild")

            // check
            #expect(refused.status == .badRequest && refused.body.string.contains("Bitte beschreiben Sie das Bild"))
            #expect(countAfterRefusal == 0)
            #expect(accepted.status == .seeOther)
            #expect(page.body.string.contains("alt=\"Kinder harken Laub\""))
            #expect(page.body.string.contains("<meta property=\"og:image\" content=\"http://quartier.test/aktuelles/"))
            #expect(image.status == .ok && image.headers.first(name: .contentType) == "image/png")
            #expect(try await NewsItemField.query(on: app.db).count() == 1, "the fields of action arrive with the picture")
            #expect(page.body.string.contains("Umwelt"))
        }
    }

    @Test("Bad input changes nothing and says what is wrong")
    func badInput() async throws {
        try await withQuartier { app in
            var staff = try await Self.staff(app)
            let response = try await staff.post("/verwaltung/aktuelles/neu", Self.newsForm(["title": " ", "publish_time": "25:00", "event": UUID().uuidString]),
                                                tokenFrom: "/verwaltung/aktuelles/neu")
            #expect(response.status == .badRequest)
            #expect(response.body.string.contains("Bitte einen Titel"))
            #expect(response.body.string.contains("Tag und Uhrzeit"))
            #expect(response.body.string.contains("Die gewählte Veranstaltung gibt es nicht."))
            #expect(try await NewsItem.query(on: app.db).count() == 0)
        }
    }

    @Test("Pages: staff create one with a unique address; it appears in the menu with its description tag")
    func pages() async throws {
        try await withQuartier { app in
            var staff = try await Self.staff(app)
            let form = ["slug": "das-gebiet", "title": "Das Gebiet", "summary": "Wo wir sind.", "body": "## Lage\n\nAm Wald.", "position": "1", "is_published": "on"]
            let created = try await staff.post("/verwaltung/seiten/neu", form, tokenFrom: "/verwaltung/seiten/neu")
            let duplicate = try await staff.post("/verwaltung/seiten/neu", form, tokenFrom: "/verwaltung/seiten/neu")
            let badSlug = try await staff.post("/verwaltung/seiten/neu", form.merging(["slug": "Das Gebiet!"]) { $1 }, tokenFrom: "/verwaltung/seiten/neu")
            let page = try await EventDocumentationTests.visit(app, "/seiten/das-gebiet")
            let home = try await EventDocumentationTests.visit(app, "/")
            #expect(created.status == .seeOther && duplicate.status == .badRequest && badSlug.status == .badRequest)
            #expect(try await InfoPage.query(on: app.db).count() == 1)
            #expect(page.status == .ok && page.body.string.contains("<h2>Lage</h2>"))
            #expect(home.body.string.contains("<a href=\"/seiten/das-gebiet\">Das Gebiet</a>"))
            #expect(page.body.string.contains("<meta name=\"description\" content=\"Wo wir sind.\">"))
        }
    }

    @Test("The A4 notice of an event shows its address written out and prints in a translation; a draft event has none")
    func notice() async throws {
        try await withQuartier { app in
            let start = Date().addingTimeInterval(7 * 86_400)
            let event = Event(title: "Sommerfest", format: .districtFestival, startsAt: start, endsAt: start.addingTimeInterval(3600), place: "Wiese am Hang")
            event.state = .published
            try await event.create(on: app.db)
            let draft = Event(title: "Geheim", format: .workshop, startsAt: start, endsAt: start.addingTimeInterval(3600), place: "Büro")
            try await draft.create(on: app.db)
            let id = try event.requireID()
            try await ContentTranslation(contentType: .event, contentID: id, language: .ar, title: "مهرجان", summary: "", body: "موسيقى").create(on: app.db)
            let page = try await EventDocumentationTests.visit(app, "/veranstaltungen/\(id.uuidString)/aushang")
            let arabic = try await EventDocumentationTests.visit(app, "/veranstaltungen/\(id.uuidString)/aushang?sprache=ar")
            let hidden = try await EventDocumentationTests.visit(app, "/veranstaltungen/\(try draft.requireID().uuidString)/aushang")
            #expect(page.status == .ok && page.body.string.contains("http://quartier.test/veranstaltungen/\(id.uuidString)"))
            #expect(page.body.string.contains("Wiese am Hang") && page.body.string.contains("/css/aushang.css"))
            #expect(arabic.body.string.contains("<article lang=\"ar\" dir=\"rtl\">") && arabic.body.string.contains("مهرجان"))
            #expect(hidden.status == .notFound)
        }
    }

    @Test("Start page and calendar bring together events, public meetings, the latest news and the ways to take part")
    func startPageAndCalendar() async throws {
        try await withQuartier { app in
            // setup
            _ = try await Self.threeItems(app)
            let open = Committee(name: "Stadtteilbeirat", kind: .steering, isPublic: true, noticeDays: 7, quorum: QuorumRule(kind: .count, value: 3))
            let closed = Committee(name: "Jury intern", kind: .jury, isPublic: false, noticeDays: 7, quorum: QuorumRule(kind: .count, value: 3))
            try await open.create(on: app.db)
            try await closed.create(on: app.db)
            let soon = Date().addingTimeInterval(3 * 86_400)
            try await Meeting(committeeID: try open.requireID(), startsAt: soon, endsAt: soon.addingTimeInterval(7200), place: "Gemeindesaal").create(on: app.db)
            try await Meeting(committeeID: try closed.requireID(), startsAt: soon, endsAt: soon.addingTimeInterval(7200), place: "Büro").create(on: app.db)

            // act
            let home = try await EventDocumentationTests.visit(app, "/").body.string
            let calendar = try await EventDocumentationTests.visit(app, "/veranstaltungen").body.string

            // check
            for page in [home, calendar] {
                #expect(page.contains("Öffentliche Sitzungen") && page.contains("Stadtteilbeirat") && page.contains("Gemeindesaal"))
                #expect(!page.contains("Jury intern"))
            }
            #expect(home.contains("Schon öffentlich") && home.contains("href=\"/aktuelles\""))
            for path in ["/anliegen/neu", "/anliegen", "/verfuegungsfonds", "/newsletter"] { #expect(home.contains("href=\"\(path)\""), "\(path)") }
        }
    }

    @Test("Feed, sitemap and robots.txt: well-formed, absolute addresses, the back office kept out")
    func feedSitemapRobots() async throws {
        try await withQuartier { app in
            let items = try await Self.threeItems(app)
            items.published.body = "Siehe [Kalender](/veranstaltungen) & mehr <b>"
            try await items.published.save(on: app.db)
            let feed = try await EventDocumentationTests.visit(app, "/aktuelles.atom")
            let sitemap = try await EventDocumentationTests.visit(app, "/sitemap.xml")
            let robots = try await EventDocumentationTests.visit(app, "/robots.txt")
            #expect(feed.headers.first(name: .contentType)?.hasPrefix("application/atom+xml") == true)
            let feedXML = try XMLDocument(xmlString: feed.body.string)
            #expect(try feedXML.nodes(forXPath: "//*[local-name()='entry']").count == 1)
            #expect(feed.body.string.contains("href=&quot;http://quartier.test/veranstaltungen&quot;"))
            #expect(feed.body.string.contains("<id>urn:uuid:\(try items.published.requireID().uuidString.lowercased())</id>"))
            let sitemapXML = try XMLDocument(xmlString: sitemap.body.string)
            let locations = try sitemapXML.nodes(forXPath: "//*[local-name()='loc']").compactMap(\.stringValue)
            #expect(locations.contains("http://quartier.test/aktuelles/\(try items.published.requireID().uuidString)"))
            #expect(locations.allSatisfy { $0.hasPrefix("http://quartier.test/") })
            #expect(robots.body.string.contains("Disallow: /verwaltung/"))
            #expect(robots.body.string.contains("Sitemap: http://quartier.test/sitemap.xml"))
        }
    }
}
