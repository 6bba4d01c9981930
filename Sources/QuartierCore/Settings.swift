import Foundation

/// Quartier's configuration, read from environment variables with safe local defaults.
/// In production a missing required setting stops start-up with a message that names it.
public struct Settings: Equatable, Sendable {
    public enum Mode: String, Sendable {
        case development, production, testing
    }

    public enum Database: Equatable, Sendable {
        case sqliteFile(path: String)
        case sqliteMemory
        case postgres(url: String)
    }

    public var mode: Mode
    public var database: Database
    public var publicURL: URL
    public var secret: String
    public var host: String
    public var port: Int
    /// The sendmail program and its own arguments; Quartier adds `-t -i`.
    public var sendmail: [String]
    public var mailFrom: String
    public var jobPollInterval: TimeInterval
    /// How long a rendered public page is reused; 0 renders every request.
    public var pageCacheLifetime: TimeInterval
    public var runJobsInServe: Bool
    /// A PostgreSQL schema to work in instead of the default one; the tests give each test its own.
    public var postgresSchema: String?

    public var isSecure: Bool { publicURL.scheme == "https" }

    /// A key that must never be used outside development and tests.
    public static let developmentSecret = "quartier-development-secret-not-for-production"

    public static func from(_ environment: [String: String]) throws -> Settings {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        let modeName = value("QUARTIER_ENV") ?? "development"
        guard let mode = Mode(rawValue: modeName) else {
            throw SettingsError.invalid(name: "QUARTIER_ENV", reason: "use development, production or testing, not '\(modeName)'")
        }

        let host = value("HOST") ?? "127.0.0.1"
        let port: Int
        if let raw = value("PORT") {
            guard let parsed = Int(raw), (1...65535).contains(parsed) else {
                throw SettingsError.invalid(name: "PORT", reason: "a port number from 1 to 65535 is needed, not '\(raw)'")
            }
            port = parsed
        } else {
            port = 8080
        }

        let database = try parseDatabase(value("DATABASE_URL") ?? "sqlite://quartier.sqlite")

        let publicURL: URL
        if let raw = value("QUARTIER_PUBLIC_URL") {
            guard let url = URL(string: raw), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw SettingsError.invalid(name: "QUARTIER_PUBLIC_URL", reason: "an http or https address is needed, not '\(raw)'")
            }
            publicURL = URL(string: raw.hasSuffix("/") ? String(raw.dropLast()) : raw)!
        } else if mode == .production {
            throw SettingsError.missing(name: "QUARTIER_PUBLIC_URL", purpose: "the address residents use, needed for links in e-mails")
        } else {
            publicURL = URL(string: "http://\(host):\(port)")!
        }

        let secret: String
        if let raw = value("QUARTIER_SECRET") {
            guard raw.count >= 32 else {
                throw SettingsError.invalid(name: "QUARTIER_SECRET", reason: "at least 32 characters are needed")
            }
            secret = raw
        } else if mode == .production {
            throw SettingsError.missing(name: "QUARTIER_SECRET", purpose: "a random key of at least 32 characters that protects forms and sessions")
        } else {
            secret = developmentSecret
        }
        if mode == .production, secret == developmentSecret {
            throw SettingsError.invalid(name: "QUARTIER_SECRET", reason: "the development key must not be used in production")
        }

        let sendmail = (value("QUARTIER_SENDMAIL") ?? "/usr/sbin/sendmail")
            .split(separator: " ").map(String.init)
        guard sendmail.first?.hasPrefix("/") == true else {
            throw SettingsError.invalid(name: "QUARTIER_SENDMAIL", reason: "an absolute path of a sendmail program is needed")
        }

        let interval: TimeInterval
        if let raw = value("QUARTIER_JOB_INTERVAL") {
            guard let seconds = Double(raw), seconds > 0 else {
                throw SettingsError.invalid(name: "QUARTIER_JOB_INTERVAL", reason: "a number of seconds above 0 is needed, not '\(raw)'")
            }
            interval = seconds
        } else {
            interval = 2
        }

        let cacheLifetime: TimeInterval
        if let raw = value("QUARTIER_PAGE_CACHE") {
            guard let seconds = Double(raw), seconds >= 0 else {
                throw SettingsError.invalid(name: "QUARTIER_PAGE_CACHE", reason: "a number of seconds (0 or more) is needed, not '\(raw)'")
            }
            cacheLifetime = seconds
        } else {
            cacheLifetime = mode == .testing ? 0 : 10
        }

        return Settings(
            mode: mode,
            database: database,
            publicURL: publicURL,
            secret: secret,
            host: host,
            port: port,
            sendmail: sendmail,
            mailFrom: value("QUARTIER_MAIL_FROM") ?? "quartier@\(publicURL.host ?? "localhost")",
            jobPollInterval: interval,
            pageCacheLifetime: cacheLifetime,
            runJobsInServe: value("QUARTIER_JOBS_IN_SERVE").map { $0 != "0" && $0.lowercased() != "false" } ?? true
        )
    }

    static func parseDatabase(_ raw: String) throws -> Database {
        if raw == "sqlite::memory:" { return .sqliteMemory }
        if raw.hasPrefix("sqlite://") {
            let path = String(raw.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw SettingsError.invalid(name: "DATABASE_URL", reason: "the SQLite form is sqlite:///absolute/path or sqlite://relative/path")
            }
            return .sqliteFile(path: path)
        }
        if raw.hasPrefix("postgres://") || raw.hasPrefix("postgresql://") {
            guard let url = URL(string: raw), url.host != nil else {
                throw SettingsError.invalid(name: "DATABASE_URL", reason: "not a valid PostgreSQL address")
            }
            return .postgres(url: raw)
        }
        throw SettingsError.invalid(name: "DATABASE_URL", reason: "it must start with sqlite:// or postgres://")
    }
}

public enum SettingsError: Error, Equatable, CustomStringConvertible {
    case missing(name: String, purpose: String)
    case invalid(name: String, reason: String)

    public var name: String {
        switch self {
        case .missing(let name, _), .invalid(let name, _): name
        }
    }

    public var description: String {
        switch self {
        case .missing(let name, let purpose):
            "Configuration error: \(name) is required in production (\(purpose))."
        case .invalid(let name, let reason):
            "Configuration error: \(name) is invalid: \(reason)."
        }
    }
}
