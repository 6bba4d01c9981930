import Fluent
import Testing
import VaporTesting
@testable import App
@testable import QuartierCore

@Suite("Login, sessions, throttling and CSRF")
struct AccountTests {
    @Test("Staff log in to the dashboard with a secure session cookie, and log out again")
    func loginAndLogout() async throws {
        try await withQuartier { app in
            // setup
            try await app.makeUser("team@quartier.test", role: .staff)
            var browser = Browser(app)

            // act
            let login = try await browser.login("Team@Quartier.test ")

            // check
            #expect(login.status == .seeOther)
            #expect(login.location == "/verwaltung")
            let cookie = try #require(login.headers[.setCookie].first { $0.hasPrefix("quartier_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"), "http public URL: no Secure flag")
            let dashboard = try await browser.get("/verwaltung")
            #expect(dashboard.status == .ok)
            #expect(dashboard.body.string.contains("Guten Tag, Team."))

            let logout = try await browser.post("/abmelden", [:], tokenFrom: "/verwaltung")
            #expect(logout.status == .seeOther)
            let after = try await browser.get("/verwaltung")
            #expect(after.status == .seeOther)
            #expect(after.location?.hasPrefix("/anmelden") == true)
        }
    }

    @Test("Logging in gives a new session id, so a planted session cannot be taken over")
    func sessionFixation() async throws {
        try await withQuartier { app in
            try await app.makeUser("team@quartier.test", role: .staff)
            try await app.makeUser("chefin@quartier.test", role: .admin)
            var attacker = Browser(app)
            try await attacker.login("team@quartier.test")
            let planted = try #require(attacker.cookies["quartier_session"])

            var victim = Browser(app)
            victim.cookies["quartier_session"] = planted
            try await victim.post("/anmelden", ["email": "chefin@quartier.test", "password": "correct horse battery"], tokenFrom: "/barrierefreiheit")

            #expect(victim.cookies["quartier_session"] != planted)
            #expect(try await attacker.get("/verwaltung/admin/benutzer").status == .seeOther, "the planted id no longer logs anybody in")
        }
    }

    @Test("The session cookie is Secure when the public address is https")
    func secureCookie() async throws {
        try await withQuartier(environment: ["QUARTIER_PUBLIC_URL": "https://quartier.test"]) { app in
            try await app.makeUser("team@quartier.test", role: .staff)
            var browser = Browser(app)
            let login = try await browser.login("team@quartier.test")
            let cookie = try #require(login.headers[.setCookie].first { $0.hasPrefix("quartier_session=") })
            #expect(cookie.contains("Secure"))
        }
    }

    @Test("A member lands on her committees after login")
    func memberLogin() async throws {
        try await withQuartier { app in
            try await app.makeUser("mitglied@quartier.test", role: .member)
            var browser = Browser(app)
            let login = try await browser.login("mitglied@quartier.test")
            #expect(login.location == "/mein-bereich")
            #expect(try await browser.get("/mein-bereich").status == .ok)
            #expect(try await browser.get("/konto").status == .ok)
        }
    }

    @Test("A wrong password, an unknown address and a disabled account are refused alike")
    func wrongCredentials() async throws {
        try await withQuartier { app in
            try await app.makeUser("team@quartier.test", role: .staff)
            try await app.makeUser("alt@quartier.test", role: .staff, active: false)
            var browser = Browser(app)

            for (email, password) in [("team@quartier.test", "wrong password!"), ("niemand@quartier.test", "correct horse battery"),
                                      ("alt@quartier.test", "correct horse battery")] {
                let response = try await browser.login(email, password: password)
                #expect(response.status == .unauthorized, "\(email)")
                #expect(response.body.string.contains("E-Mail-Adresse oder Passwort stimmen nicht."))
                #expect(response.headers[.setCookie].allSatisfy { !$0.hasPrefix("quartier_session=") })
            }
        }
    }

    @Test("Repeated failures slow down, then lock the account for a while, even with the right password")
    func throttling() async throws {
        try await withQuartier { app in
            try await app.makeUser("team@quartier.test", role: .staff)
            var browser = Browser(app)

            for _ in 0..<LoginThrottle.account.freeFailures {
                #expect(try await browser.login("team@quartier.test", password: "wrong password!").status == .unauthorized)
            }
            #expect(try await browser.login("team@quartier.test", password: "wrong password!").status == .unauthorized)
            // The fourth failure asks for only two seconds, which a loaded machine may spend before the next request;
            // the delay doubles with every failure, so nine of them ask for a minute.
            let key = LoginAttempt.accountKey("team@quartier.test")
            let failed = try #require(try await LoginAttempt.query(on: app.db).filter(\.$key == key).first())
            #expect(failed.failures == LoginThrottle.account.freeFailures + 1)
            failed.failures = LoginThrottle.account.freeFailures + 6
            failed.lastFailureAt = Date()
            try await failed.save(on: app.db)
            let slowed = try await browser.login("team@quartier.test")
            #expect(slowed.status == .tooManyRequests)
            #expect(slowed.body.string.contains("Bitte warten Sie"))

            // Ten failures within the hour lock the account.
            let attempt = try #require(try await LoginAttempt.query(on: app.db).filter(\.$key == key).first())
            attempt.failures = LoginThrottle.account.lockAfter
            attempt.lastFailureAt = Date()
            try await attempt.save(on: app.db)
            let locked = try await browser.login("team@quartier.test")
            #expect(locked.status == .tooManyRequests)
            #expect(locked.body.string.contains("gesperrt"))

            // After the lock has passed the right password works and clears the count.
            attempt.lastFailureAt = Date().addingTimeInterval(-LoginThrottle.account.lockDuration - 1)
            try await attempt.save(on: app.db)
            #expect(try await browser.login("team@quartier.test").status == .seeOther)
            #expect(try await LoginAttempt.query(on: app.db).filter(\.$key == key).count() == 0)
        }
    }

    @Test("A POST without a valid CSRF token is refused with 403 and changes nothing")
    func csrfRefusal() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            try await app.makeUser("chefin@quartier.test", role: .admin)
            var browser = Browser(app)
            try await browser.login("chefin@quartier.test")

            let missing = try await browser.post("/verwaltung/admin/stadtteilbuero", ["district_name": "Gekapert", "phone": "0"], csrf: false)
            var forged = ["district_name": "Gekapert", "phone": "0"]
            forged[CSRF.fieldName] = CSRF.token(seed: "attacker", secret: app.settings.secret)
            let wrongSeed = try await browser.post("/verwaltung/admin/stadtteilbuero", forged, csrf: false)
            var anonymous = Browser(app)
            let anonymousLogin = try await anonymous.post("/anmelden", ["email": "chefin@quartier.test", "password": "correct horse battery"], csrf: false)

            #expect(missing.status == .forbidden)
            #expect(missing.body.string.contains("Das Formular war veraltet"))
            #expect(wrongSeed.status == .forbidden)
            #expect(anonymousLogin.status == .forbidden)
            let settings = try #require(try await PortalSettings.query(on: app.db).first())
            #expect(settings.districtName == "Stadtwald-Ockershausen (Beispiel)")
            #expect(try await AuditEntry.query(on: app.db).count() == 0)
        }
    }

    @Test("Users change their own password; the old one stops working")
    func changePassword() async throws {
        try await withQuartier { app in
            try await app.makeUser("mitglied@quartier.test", role: .member)
            var browser = Browser(app)
            try await browser.login("mitglied@quartier.test")

            let wrong = try await browser.post("/konto", ["current": "nicht richtig", "new": "ein neues Passwort", "repeated": "ein neues Passwort"])
            #expect(wrong.status == .badRequest)
            let short = try await browser.post("/konto", ["current": "correct horse battery", "new": "kurz", "repeated": "kurz"])
            #expect(short.status == .badRequest)
            #expect(short.body.string.contains("mindestens 10 Zeichen"))
            let changed = try await browser.post("/konto", ["current": "correct horse battery", "new": "ein neues Passwort", "repeated": "ein neues Passwort"])
            #expect(changed.status == .seeOther)

            var other = Browser(app)
            #expect(try await other.login("mitglied@quartier.test").status == .unauthorized)
            #expect(try await other.login("mitglied@quartier.test", password: "ein neues Passwort").status == .seeOther)
        }
    }
}
