import SQLKit
import Vapor

/// `/healthz`: the process answers. `/readyz`: it can reach its database, so a proxy may send it traffic.
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.healthz) { _ in Response(status: .ok, body: "ok\n") }
        routes.get(.readyz, use: ready)
    }

    @Sendable
    func ready(req: Request) async throws -> Response {
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.serviceUnavailable) }
        do {
            try await sql.raw("SELECT 1").run()
            return Response(status: .ok, body: "ready\n")
        } catch {
            req.logger.error("database not reachable: \(String(reflecting: error))")
            return Response(status: .serviceUnavailable, body: "database unreachable\n")
        }
    }
}
