import NIOConcurrencyHelpers
import Vapor

/// Keeps rendered public pages for a few seconds, per path, interface and content language, for visitors without an account.
/// Residents see an edit at once on the instance where it was made (the cache is cleared there) and within
/// the lifetime on other instances.
final class PageCache: Sendable {
    private struct Entry {
        let body: ByteBuffer
        let headers: HTTPHeaders
        let until: Date
    }

    let lifetime: TimeInterval
    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    init(lifetime: TimeInterval) {
        self.lifetime = lifetime
    }

    func respond(_ request: Request, render: () async throws -> Response) async throws -> Response {
        guard lifetime > 0, request.currentUser == nil, request.url.query == nil else { return try await render() }
        let key = request.url.path + "|" + request.language.rawValue + "|" + request.contentLanguage.rawValue
        if let entry = entries.withLockedValue({ $0[key] }), entry.until > Date() {
            return Response(status: .ok, headers: entry.headers, body: .init(buffer: entry.body))
        }
        let response = try await render()
        if response.status == .ok, response.cookies.all.isEmpty, let body = response.body.buffer {
            let entry = Entry(body: body, headers: response.headers, until: Date().addingTimeInterval(lifetime))
            entries.withLockedValue { $0[key] = entry }
        }
        return response
    }

    func clear() {
        entries.withLockedValue { $0.removeAll() }
    }
}

extension Application {
    private struct PageCacheKey: StorageKey {
        typealias Value = PageCache
    }

    var pageCache: PageCache {
        get { storage[PageCacheKey.self] ?? PageCache(lifetime: 0) }
        set { storage[PageCacheKey.self] = newValue }
    }
}
