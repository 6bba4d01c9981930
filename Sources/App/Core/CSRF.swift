import Crypto
import Vapor

/// Protects every state-changing request. The browser holds a random seed in an HttpOnly cookie;
/// forms carry an HMAC of that seed keyed with the server secret. A POST whose token does not match is
/// refused with 403 before any handler runs, so it changes nothing.
enum CSRF {
    static let cookieName = "quartier_csrf"
    static let fieldName = "_csrf"
    static let headerName = "X-CSRF-Token"

    static func token(seed: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(seed.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func newSeed() -> String {
        Data([UInt8].random(count: 24)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    static func isValid(token: String?, seed: String?, secret: String) -> Bool {
        guard let token, let seed, !seed.isEmpty else { return false }
        let expected = Self.token(seed: seed, secret: secret)
        return Data(expected.utf8).withUnsafeBytes { lhs in
            Data(token.utf8).withUnsafeBytes { rhs in lhs.count == rhs.count && safeCompare(lhs, rhs) }
        }
    }

    private static func safeCompare(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        var difference: UInt8 = 0
        for index in 0..<lhs.count { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

extension Request {
    private struct NewCSRFSeedKey: StorageKey {
        typealias Value = String
    }

    /// The token for forms on this page. Asking for it gives the browser a seed cookie if it has none,
    /// so pages without forms stay free of cookies.
    var csrfToken: String {
        let seed: String
        if let existing = cookies[CSRF.cookieName]?.string, !existing.isEmpty {
            seed = existing
        } else if let fresh = storage[NewCSRFSeedKey.self] {
            seed = fresh
        } else {
            seed = CSRF.newSeed()
            storage[NewCSRFSeedKey.self] = seed
        }
        return CSRF.token(seed: seed, secret: settings.secret)
    }

    var newCSRFSeed: String? { storage[NewCSRFSeedKey.self] }
}

/// The largest multipart form any upload route accepts (a document of 10 MB and the form around it).
enum Uploads {
    static let maximumBody: ByteCount = "11mb"
}

struct CSRFMiddleware: AsyncMiddleware {
    private static let safeMethods: [HTTPMethod] = [.GET, .HEAD, .OPTIONS]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Open311 clients are other programs, not browsers: their API key is what authorises a POST.
        if request.url.path.hasPrefix(SiteURL.open311(resource: "").path) { return try await next.respond(to: request) }
        // RFC 8058: a mail program unsubscribes with a POST that carries no cookie; the token in the path is the secret.
        let isOneClickUnsubscribe = request.url.path.hasPrefix(SiteURL.newsletterUnsubscribe(token: "").path)
        if !Self.safeMethods.contains(request.method), !isOneClickUnsubscribe {
            // Uploads come as multipart forms and may be larger; their routes set their own, exact limit.
            let limit = request.headers.contentType?.subType == "form-data" ? Uploads.maximumBody : request.application.routes.defaultMaxBodySize
            _ = try await request.body.collect(max: limit.value).get()
            let submitted = request.headers.first(name: CSRF.headerName)
                ?? (try? request.content.get(String.self, at: CSRF.fieldName))
            guard CSRF.isValid(token: submitted, seed: request.cookies[CSRF.cookieName]?.string, secret: request.settings.secret) else {
                request.logger.notice("refused a \(request.method) without a valid CSRF token")
                throw UserError(.forbidden, "error.csrf")
            }
        }
        let response = try await next.respond(to: request)
        if let seed = request.newCSRFSeed {
            response.cookies[CSRF.cookieName] = HTTPCookies.Value(
                string: seed, maxAge: 60 * 60 * 24, path: "/",
                isSecure: request.settings.isSecure, isHTTPOnly: true, sameSite: .lax
            )
        }
        return response
    }
}
