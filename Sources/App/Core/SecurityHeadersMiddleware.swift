import Vapor

/// Headers every response carries: no inline scripts, no framing, no MIME sniffing, a request id to find the log lines.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers = [
            ("Content-Security-Policy", Self.contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "strict-origin-when-cross-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
            ("X-Request-Id", request.id),
        ]
        for (name, value) in headers {
            // A page may ask for a stricter referrer policy (the personal registration link sends none).
            if name == "Referrer-Policy", response.headers.first(name: name) == "no-referrer" { continue }
            response.headers.replaceOrAdd(name: name, value: value)
        }
        if request.settings.isSecure {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
        }
        return response
    }
}
