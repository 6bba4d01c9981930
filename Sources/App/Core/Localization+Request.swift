import Leaf
import QuartierCore
import Vapor

/// The reader's language: a remembered choice (cookie) wins over the browser's `Accept-Language`.
struct LanguageMiddleware: AsyncMiddleware {
    static let cookieName = "quartier_lang"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        request.language = Self.language(of: request)
        let response = try await next.respond(to: request)
        // The same address answers in several languages: shared caches must keep them apart.
        response.headers.replaceOrAdd(name: .vary, value: "Cookie, Accept-Language")
        return response
    }

    static func language(of request: Request) -> Language {
        if let chosen = request.cookies[cookieName]?.string, let language = Language(rawValue: chosen) {
            return language
        }
        return Language.preferred(acceptLanguage: request.headers.first(name: .acceptLanguage))
    }
}

extension Request {
    private struct LanguageKey: StorageKey {
        typealias Value = Language
    }

    var language: Language {
        get { storage[LanguageKey.self] ?? LanguageMiddleware.language(of: self) }
        set { storage[LanguageKey.self] = newValue }
    }

    /// A text from the localization catalog in the reader's language.
    func t(_ key: String, _ arguments: String...) -> String {
        application.catalog.text(key, language, arguments)
    }
}

/// `#t("key")` or `#t("key", argument, …)` in templates: the text in the reader's language, escaped like any value.
struct LocalizedTextTag: LeafTag {
    func render(_ context: LeafContext) throws -> LeafData {
        guard let key = context.parameters.first?.string else {
            throw TemplateError(description: "#t needs a catalog key as its first parameter")
        }
        guard let request = context.request else {
            throw TemplateError(description: "#t is only available when rendering for a request")
        }
        let arguments = context.parameters.dropFirst().map { $0.string ?? "" }
        return .string(request.application.catalog.text(key, request.language, Array(arguments)))
    }
}

struct TemplateError: Error, CustomStringConvertible {
    let description: String
}
