import QuartierCore
import Vapor

/// The pager under every list.
struct PaginationContext: Encodable {
    let page: Int
    let pageCount: Int
    let total: Int
    let previousURL: String?
    let nextURL: String?
    let summary: String

    /// `totalIsAtLeast`: the list counted only up to `window.total`, so there may be more entries and pages.
    init(_ window: PageWindow, baseURL: String, req: Request, query: [String: String] = [:], totalIsAtLeast: Bool = false) {
        func link(_ page: Int) -> String {
            var items = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            items.append(URLQueryItem(name: "seite", value: String(page)))
            var components = URLComponents()
            components.queryItems = items
            return baseURL + "?" + (components.percentEncodedQuery ?? "")
        }
        page = window.page
        pageCount = window.pageCount
        total = window.total
        previousURL = window.hasPrevious ? link(window.page - 1) : nil
        nextURL = window.hasNext ? link(window.page + 1) : nil
        summary = totalIsAtLeast
            ? req.t("pagination.summary_at_least", String(window.page), String(window.total))
            : req.t("pagination.summary", String(window.page), String(window.pageCount), String(window.total))
    }
}
