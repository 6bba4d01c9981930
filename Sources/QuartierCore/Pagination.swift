/// Which slice of a list a page shows. Every list in Quartier is paginated.
public struct PageWindow: Equatable, Sendable {
    public var page: Int
    public var perPage: Int
    public var total: Int

    public init(page: Int?, perPage: Int, total: Int) {
        self.perPage = max(1, perPage)
        self.total = max(0, total)
        let last = max(1, (self.total + self.perPage - 1) / self.perPage)
        self.page = min(max(1, page ?? 1), last)
    }

    public var pageCount: Int { max(1, (total + perPage - 1) / perPage) }
    public var offset: Int { (page - 1) * perPage }
    public var hasPrevious: Bool { page > 1 }
    public var hasNext: Bool { page < pageCount }
}
