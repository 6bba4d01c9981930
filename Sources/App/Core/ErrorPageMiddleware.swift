import QuartierCore
import Vapor

/// Turns every error into a page in the reader's language (or a small JSON body for machine clients).
/// Users never see a stack trace or an internal message; server errors are logged with the request id.
struct ErrorPageMiddleware: AsyncMiddleware {
    struct ErrorContent: Encodable {
        let status: Int
        let heading: String
        let message: String
        let homeURL: String
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return await response(for: error, request: request)
        }
    }

    private func response(for error: any Error, request: Request) async -> Response {
        let status: HTTPResponseStatus
        let message: String
        let catalog = request.application.catalog
        switch error {
        case let error as UserError:
            status = error.status
            message = catalog.text(error.messageKey, request.language, error.arguments)
        case let error as any AbortError:
            status = error.status
            message = Self.genericMessage(status, request)
        case is DecodingError:
            status = .badRequest
            message = request.t("error.400.text")
        default:
            status = .internalServerError
            message = Self.genericMessage(status, request)
        }
        if status.code >= 500 {
            request.logger.error("request failed: \(String(reflecting: error))")
        } else {
            request.logger.debug("request refused with \(status.code): \(String(describing: error))")
        }
        let heading = Self.heading(status, request)

        if request.url.path.hasPrefix("/oparl/") {
            let response = Response(status: status)
            try? response.content.encode(OParl.Error(message: status == .notFound ? "No such object" : status.reasonPhrase), as: .json)
            response.headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: "*")
            return response
        }
        if request.url.path.hasPrefix("/healthz") || request.url.path.hasPrefix("/readyz")
            // Only a client that asks for JSON first gets JSON ("*/*" would equal .json in Vapor's comparison).
            || request.headers.accept.mediaTypes.first?.subType == "json" {
            let response = Response(status: status)
            try? response.content.encode(["error": message], as: .json)
            return response
        }
        do {
            let content = ErrorContent(status: Int(status.code), heading: heading, message: message, homeURL: SiteURL.home.path)
            return try await request.renderPage("error", title: heading, content, status: status)
        } catch {
            request.logger.error("error page could not be rendered: \(String(reflecting: error))")
            let response = Response(status: status, body: .init(string: "\(heading)\n\n\(message)\n"))
            response.headers.contentType = .plainText
            return response
        }
    }

    private static func catalogKey(_ status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400, 401, 403, 404, 405, 413, 429: "error.\(status.code)"
        case 500...: "error.500"
        default: "error.400"
        }
    }

    static func heading(_ status: HTTPResponseStatus, _ request: Request) -> String {
        request.t(catalogKey(status) + ".title")
    }

    static func genericMessage(_ status: HTTPResponseStatus, _ request: Request) -> String {
        request.t(catalogKey(status) + ".text")
    }
}
