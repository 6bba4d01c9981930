import QuartierCore
import Vapor

/// Lets only active users with at least `role` through. Visitors without an account are sent to the login
/// page and come back afterwards; users with a lower role get a 403 page.
struct RequireRole: AsyncMiddleware {
    let role: Role

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.currentUser else {
            let back = request.method == .GET ? request.url.string : SiteURL.dashboard.path
            let query = back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return request.redirect(to: SiteURL.login.path + "?zurueck=" + query, redirectType: .normal)
        }
        guard user.role.includes(role) else {
            throw UserError(.forbidden, "error.403.role")
        }
        return try await next.respond(to: request)
    }
}
