import Fluent
import Testing
import VaporTesting
@testable import App

@Suite("Public portal")
struct PortalTests {
    @Test("The start page is German by default, with landmarks, skip link and the office contact")
    func startPageInGerman() async throws {
        try await withQuartier { app in
            // setup
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var browser = Browser(app)

            // act
            let page = try await browser.get("/")

            // check
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("<html lang=\"de\">"))
            #expect(html.contains("class=\"skip-link\" href=\"#inhalt\""))
            #expect(html.contains("<main id=\"inhalt\""))
            #expect(html.contains("id=\"kontakt\""))
            #expect(html.contains("06421 555 01 90"))
            #expect(html.contains("Demo: Dieser Stadtteil"))
            #expect(page.headers.setCookie == nil, "a public page without forms sets no cookie")
            #expect(!html.contains("role=\"alert\""), "no error summary without errors")
        }
    }

    @Test("The browser's language is used until the reader chooses one, and the choice is remembered")
    func languageSwitch() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var browser = Browser(app)

            let english = try await browser.get("/impressum", headers: ["Accept-Language": "en-GB,en;q=0.9,de;q=0.5"])
            #expect(english.body.string.contains("<html lang=\"en\">"))
            #expect(english.body.string.contains("Legal notice"))

            let switched = try await browser.get("/sprache/de?zurueck=%2Fimpressum")
            #expect(switched.status == .seeOther)
            #expect(switched.location == "/impressum")
            let cookie = try #require(switched.headers[.setCookie].first { $0.hasPrefix("quartier_lang=de") })
            #expect(cookie.contains("HttpOnly"))

            let german = try await browser.get("/impressum", headers: ["Accept-Language": "en"])
            #expect(german.body.string.contains("<html lang=\"de\">"))
            #expect(german.body.string.contains("Angaben gemäß"))
        }
    }

    @Test("A language switch never redirects to another site")
    func languageSwitchStaysOnSite() async throws {
        try await withQuartier { app in
            var browser = Browser(app)
            for target in ["%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "evil"] {
                let response = try await browser.get("/sprache/en?zurueck=\(target)")
                #expect(response.location == "/", "zurueck=\(target)")
            }
            let unknown = try await browser.get("/sprache/xx")
            #expect(unknown.status == .notFound)
        }
    }

    @Test("Texts without a translation are shown in German with a note in the reader's language")
    func fallbackToGerman() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            var browser = Browser(app)
            browser.cookies[LanguageMiddleware.cookieName] = "en"

            let page = try await browser.get("/leichte-sprache")

            #expect(page.status == .ok)
            #expect(page.body.string.contains("<article lang=\"de\">"))
            #expect(page.body.string.contains("This text is only available in German."))
        }
    }

    @Test("An unknown page answers 404 in the reader's language without internals")
    func notFoundPage() async throws {
        try await withQuartier { app in
            var browser = Browser(app)
            let german = try await browser.get("/gibt-es-nicht")
            #expect(german.status == .notFound)
            #expect(german.body.string.contains("Seite nicht gefunden"))
            #expect(german.body.string.contains("<main id=\"inhalt\""))

            browser.cookies[LanguageMiddleware.cookieName] = "en"
            let english = try await browser.get("/gibt-es-nicht")
            #expect(english.status == .notFound)
            #expect(english.body.string.contains("Page not found"))
            #expect(!english.body.string.contains("Abort"))
        }
    }

    @Test("Every response carries the security headers")
    func securityHeaders() async throws {
        try await withQuartier { app in
            var browser = Browser(app)
            for path in ["/", "/gibt-es-nicht", "/healthz"] {
                let response = try await browser.get(path)
                let csp = try #require(response.headers.first(name: "Content-Security-Policy"), "\(path)")
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(csp.contains("script-src 'self'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.headers.first(name: "Referrer-Policy") != nil)
                #expect(response.headers.first(name: "X-Request-Id") != nil)
            }
        }
    }

    @Test("Feedback on barriers is stored and mailed to the office")
    func feedbackReachesStaff() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            let before = try await Feedback.query(on: app.db).count()
            var browser = Browser(app)

            let response = try await browser.post("/barrierefreiheit", ["message": "Der Kontrast der Knöpfe ist zu schwach.", "email": "leser@beispiel.example"])

            #expect(response.status == .seeOther)
            #expect(response.location == "/barrierefreiheit/danke")
            #expect(try await Feedback.query(on: app.db).count() == before + 1)
            let mail = try #require(try await OutboxMail.query(on: app.db).filter(\.$purpose == "feedback").first())
            #expect(mail.recipient == "stadtteilbuero@stadtwald.example")
            #expect(mail.body.contains("Der Kontrast der Knöpfe ist zu schwach."))
            #expect(mail.headers.contains("leser@beispiel.example"))
        }
    }

    @Test("Feedback without a message or with a broken address is refused with a message and stores nothing")
    func feedbackValidation() async throws {
        try await withQuartier { app in
            var browser = Browser(app)

            let empty = try await browser.post("/barrierefreiheit", ["message": "  ", "name": "Aylin"])
            let badAddress = try await browser.post("/barrierefreiheit", ["message": "Hallo", "email": "kein-at"])
            let robot = try await browser.post("/barrierefreiheit", ["message": "Spam", "website": "http://spam.example"])

            let blank = try await browser.get("/barrierefreiheit")
            #expect(!blank.body.string.contains("error-summary"), "a fresh form shows no error summary")
            #expect(empty.status == .badRequest)
            #expect(empty.body.string.contains("class=\"error-summary\" role=\"alert\""))
            #expect(empty.body.string.contains("Bitte schreiben Sie eine Nachricht."))
            #expect(empty.body.string.contains("value=\"Aylin\""), "what was typed is kept")
            #expect(badAddress.status == .badRequest)
            #expect(robot.status == .seeOther)
            #expect(try await Feedback.query(on: app.db).count() == 0)
            #expect(try await OutboxMail.query(on: app.db).count() == 0)
        }
    }

    @Test("Health and readiness answer")
    func health() async throws {
        try await withQuartier { app in
            var browser = Browser(app)
            #expect(try await browser.get("/healthz").status == .ok)
            let ready = try await browser.get("/readyz")
            #expect(ready.status == .ok)
            #expect(ready.body.string == "ready\n")
        }
    }

    @Test("Loading the demo district twice keeps one copy")
    func demoIsIdempotent() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            #expect(try await DemoData.isLoaded(on: app.db))
            let users = try await User.query(on: app.db).count()
            let texts = try await SiteText.query(on: app.db).count()

            #expect(users == 3)
            #expect(texts == 9)
            #expect(try await PortalSettings.query(on: app.db).count() == 1)
        }
    }
}
