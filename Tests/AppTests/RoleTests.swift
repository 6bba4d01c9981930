import Fluent
import Testing
import VaporTesting
@testable import App

@Suite("Roles guard every back office route")
struct RoleTests {
    /// Every registered route under /verwaltung, with parameters filled in.
    static func backofficeRoutes(_ app: Application) -> [(method: HTTPMethod, path: String)] {
        app.routes.all.compactMap { route in
            let path = "/" + route.path.map { component -> String in
                if case .parameter = component { return "00000000-0000-4000-8000-000000000000" }
                return component.description
            }.joined(separator: "/")
            guard path.hasPrefix(SiteURL.backofficePrefix) else { return nil }
            return (route.method, path)
        }
    }

    @Test("Visitors without an account are sent to the login page from every back office route")
    func anonymous() async throws {
        try await withQuartier { app in
            let routes = Self.backofficeRoutes(app)
            #expect(routes.count >= 10)
            for (method, path) in routes {
                var browser = Browser(app)
                let response = method == .GET ? try await browser.get(path) : try await browser.post(path, [:], tokenFrom: "/anmelden")
                #expect(response.status == .seeOther, "\(method) \(path)")
                #expect(response.location?.hasPrefix("/anmelden") == true, "\(method) \(path)")
            }
        }
    }

    @Test("Members get 403 on every back office route, staff on every admin route")
    func lowerRoles() async throws {
        try await withQuartier { app in
            try await app.makeUser("mitglied@quartier.test", role: .member)
            try await app.makeUser("team@quartier.test", role: .staff)
            var member = Browser(app)
            try await member.login("mitglied@quartier.test")
            var staff = Browser(app)
            try await staff.login("team@quartier.test")

            for (method, path) in Self.backofficeRoutes(app) {
                let asMember = method == .GET ? try await member.get(path) : try await member.post(path, [:], tokenFrom: "/konto")
                #expect(asMember.status == .forbidden, "member: \(method) \(path)")
                guard path.hasPrefix(SiteURL.adminPrefix) else { continue }
                let asStaff = method == .GET ? try await staff.get(path) : try await staff.post(path, [:], tokenFrom: "/konto")
                #expect(asStaff.status == .forbidden, "staff: \(method) \(path)")
            }
            let forbidden = try await member.get("/verwaltung")
            #expect(forbidden.body.string.contains("Diese Seite ist Ihrer Rolle nicht freigegeben."))
        }
    }

    @Test("Staff open the back office pages meant for them, admins all of them")
    func allowedRoles() async throws {
        try await withQuartier { app in
            try await DemoData.load(scale: .district, on: app.db, hasher: app.password.async)
            try await app.makeUser("team@quartier.test", role: .staff)
            try await app.makeUser("chefin@quartier.test", role: .admin)
            var staff = Browser(app)
            try await staff.login("team@quartier.test")
            var admin = Browser(app)
            try await admin.login("chefin@quartier.test")

            for (method, path) in Self.backofficeRoutes(app) where method == .GET && !path.contains("00000000-") {
                if !path.hasPrefix(SiteURL.adminPrefix) {
                    #expect(try await staff.get(path).status == .ok, "staff: \(path)")
                }
                let response = try await admin.get(path)
                #expect([.ok, .seeOther].contains(response.status), "admin: \(path)")
            }
            #expect(try await admin.get("/verwaltung/admin/texte/intro/en").status == .ok)
            #expect(try await admin.get("/verwaltung/admin/texte/easy-read/en").status == .notFound)
        }
    }
}
