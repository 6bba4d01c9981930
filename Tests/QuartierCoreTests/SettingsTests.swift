import Foundation
import Testing
@testable import QuartierCore

@Suite("Configuration from the environment")
struct SettingsTests {
    @Test("Without any variable Quartier runs locally on SQLite")
    func defaults() throws {
        let settings = try Settings.from([:])
        #expect(settings.mode == .development)
        #expect(settings.database == .sqliteFile(path: "quartier.sqlite"))
        #expect(settings.publicURL.absoluteString == "http://127.0.0.1:8080")
        #expect(settings.port == 8080)
        #expect(settings.sendmail == ["/usr/sbin/sendmail"])
        #expect(!settings.isSecure)
    }

    @Test("Production stops when the secret or the public address is missing, naming the variable")
    func productionRequirements() {
        #expect(throws: SettingsError.missing(name: "QUARTIER_SECRET", purpose: "a random key of at least 32 characters that protects forms and sessions")) {
            try Settings.from(["QUARTIER_ENV": "production", "QUARTIER_PUBLIC_URL": "https://quartier.example"])
        }
        do {
            _ = try Settings.from(["QUARTIER_ENV": "production", "QUARTIER_SECRET": String(repeating: "x", count: 40)])
            Issue.record("a missing public URL was accepted")
        } catch let error as SettingsError {
            #expect(error.name == "QUARTIER_PUBLIC_URL")
            #expect(error.description.contains("QUARTIER_PUBLIC_URL"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: SettingsError.self) {
            try Settings.from(["QUARTIER_ENV": "production", "QUARTIER_PUBLIC_URL": "https://q.example", "QUARTIER_SECRET": Settings.developmentSecret])
        }
    }

    @Test("Invalid values are named")
    func invalidValues() {
        let cases: [([String: String], String)] = [
            (["PORT": "achtzig"], "PORT"),
            (["PORT": "70000"], "PORT"),
            (["DATABASE_URL": "mysql://x"], "DATABASE_URL"),
            (["DATABASE_URL": "sqlite://"], "DATABASE_URL"),
            (["QUARTIER_PUBLIC_URL": "quartier.example"], "QUARTIER_PUBLIC_URL"),
            (["QUARTIER_SECRET": "short"], "QUARTIER_SECRET"),
            (["QUARTIER_SENDMAIL": "msmtp"], "QUARTIER_SENDMAIL"),
            (["QUARTIER_ENV": "staging"], "QUARTIER_ENV"),
            (["QUARTIER_PAGE_CACHE": "-1"], "QUARTIER_PAGE_CACHE"),
        ]
        for (environment, name) in cases {
            do {
                _ = try Settings.from(environment)
                Issue.record("\(environment) was accepted")
            } catch let error as SettingsError {
                #expect(error.name == name)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test("Production with everything set; https makes cookies secure")
    func production() throws {
        let settings = try Settings.from([
            "QUARTIER_ENV": "production", "QUARTIER_PUBLIC_URL": "https://quartier.example/", "QUARTIER_SECRET": String(repeating: "k", count: 32),
            "DATABASE_URL": "postgres://q:p@db.internal:5432/quartier", "QUARTIER_SENDMAIL": "/usr/bin/msmtp --host=mail --port=25",
            "PORT": "9000", "HOST": "0.0.0.0",
        ])
        #expect(settings.isSecure)
        #expect(settings.publicURL.absoluteString == "https://quartier.example")
        #expect(settings.database == .postgres(url: "postgres://q:p@db.internal:5432/quartier"))
        #expect(settings.sendmail == ["/usr/bin/msmtp", "--host=mail", "--port=25"])
        #expect(settings.mailFrom == "quartier@quartier.example")
        #expect(settings.port == 9000)
    }
}
