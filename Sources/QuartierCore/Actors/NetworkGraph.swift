import Foundation

/// "Who connects whom": actors, organisations, committees and projects as a graph, laid out on the server
/// so that the page works without JavaScript and looks the same on every load.
public struct NetworkNode: Equatable, Sendable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case person, organisation, committee, project
    }

    public var id: String
    public var label: String
    public var kind: Kind
    public var href: String?

    public init(id: String, label: String, kind: Kind, href: String? = nil) {
        self.id = id
        self.label = label
        self.kind = kind
        self.href = href
    }
}

public struct NetworkEdge: Equatable, Sendable {
    public var from: String
    public var to: String
    public var label: String?

    public init(from: String, to: String, label: String? = nil) {
        self.from = from
        self.to = to
        self.label = label
    }
}

public struct NetworkLayout: Equatable, Sendable {
    public struct Point: Equatable, Sendable {
        public var x: Double
        public var y: Double

        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    public var positions: [String: Point]
    public var width: Double
    public var height: Double

    public init(positions: [String: Point], width: Double, height: Double) {
        self.positions = positions
        self.width = width
        self.height = height
    }

    /// Room kept free at the canvas edges for node shapes and the start of their labels.
    public static let margin = 40.0
    static let iterations = 120

    /// Deterministic: the same nodes and edges in any order give the same positions. Each connected component
    /// is laid out by Fruchterman–Reingold from seeded starting points (nodes sorted by id), then the
    /// components are packed side by side in rows, largest first, and scaled into the canvas inside the margin.
    public static func compute(nodes: [NetworkNode], edges: [NetworkEdge], width: Double = 960, height: Double = 640) -> NetworkLayout {
        let graph = Graph(nodes: nodes, edges: edges)
        guard !graph.ids.isEmpty else { return NetworkLayout(positions: [:], width: width, height: height) }

        var generator = SeededGenerator(seed: 0x5155_4152_5449_4552)
        // Each component in a square of side √n, so big components get more room than lone nodes.
        var boxes: [(members: [Int], x: [Double], y: [Double], side: Double)] = []
        for members in graph.components() {
            let (x, y) = forceLayout(members: members, graph: graph, generator: &generator)
            let side = Double(members.count).squareRoot()
            boxes.append((members, x.map { $0 * side }, y.map { $0 * side }, side))
        }

        // Shelf packing: fill rows up to a width that makes the whole roughly match the canvas's aspect ratio.
        let usableWidth = max(width - 2 * margin, 1), usableHeight = max(height - 2 * margin, 1)
        let totalArea = boxes.reduce(0) { $0 + $1.side * $1.side }
        let rowLimit = max((totalArea * usableWidth / usableHeight).squareRoot(), boxes.map(\.side).max()!)
        let gap = 0.5
        var offsets: [(x: Double, y: Double)] = []
        var cursorX = 0.0, cursorY = 0.0, rowHeight = 0.0, packedWidth = 0.0
        for box in boxes {
            if cursorX > 0, cursorX + box.side > rowLimit {
                cursorY += rowHeight + gap
                cursorX = 0
                rowHeight = 0
            }
            offsets.append((cursorX, cursorY))
            packedWidth = max(packedWidth, cursorX + box.side)
            cursorX += box.side + gap
            rowHeight = max(rowHeight, box.side)
        }
        let packedHeight = cursorY + rowHeight

        let scale = min(usableWidth / packedWidth, usableHeight / packedHeight)
        let originX = margin + (usableWidth - packedWidth * scale) / 2
        let originY = margin + (usableHeight - packedHeight * scale) / 2
        var positions: [String: Point] = [:]
        for (box, offset) in zip(boxes, offsets) {
            for (index, member) in box.members.enumerated() {
                positions[graph.ids[member]] = Point(
                    x: originX + (offset.x + box.x[index]) * scale,
                    y: originY + (offset.y + box.y[index]) * scale
                )
            }
        }
        return NetworkLayout(positions: positions, width: width, height: height)
    }

    /// Fruchterman–Reingold in the unit square, O(n²) per iteration; the result is stretched to fill [0, 1]².
    static func forceLayout(members: [Int], graph: Graph, generator: inout SeededGenerator) -> ([Double], [Double]) {
        let count = members.count
        guard count > 1 else { return ([0.5], [0.5]) }
        var local: [Int: Int] = [:]
        for (index, member) in members.enumerated() { local[member] = index }
        let links = graph.links.compactMap { link -> (Int, Int)? in
            guard let a = local[link.0], let b = local[link.1] else { return nil }
            return (a, b)
        }
        var x = (0..<count).map { _ in Double.random(in: 0..<1, using: &generator) }
        var y = (0..<count).map { _ in Double.random(in: 0..<1, using: &generator) }
        let k = (1.0 / Double(count)).squareRoot()
        let kSquared = k * k
        var dx = [Double](repeating: 0, count: count)
        var dy = [Double](repeating: 0, count: count)
        for iteration in 0..<iterations {
            for i in 0..<count { dx[i] = 0; dy[i] = 0 }
            for i in 0..<count {
                for j in (i + 1)..<count {
                    var ddx = x[i] - x[j], ddy = y[i] - y[j]
                    var distanceSquared = ddx * ddx + ddy * ddy
                    if distanceSquared < 1e-12 {
                        // Coinciding nodes are pushed apart in a fixed direction, keeping the result deterministic.
                        ddx = 1e-6; ddy = 0; distanceSquared = 1e-12
                    }
                    let factor = kSquared / distanceSquared
                    dx[i] += ddx * factor; dy[i] += ddy * factor
                    dx[j] -= ddx * factor; dy[j] -= ddy * factor
                }
            }
            for (a, b) in links {
                let ddx = x[a] - x[b], ddy = y[a] - y[b]
                let distance = (ddx * ddx + ddy * ddy).squareRoot()
                let factor = distance / k
                dx[a] -= ddx * factor; dy[a] -= ddy * factor
                dx[b] += ddx * factor; dy[b] += ddy * factor
            }
            let temperature = 0.1 * (1 - Double(iteration) / Double(iterations))
            for i in 0..<count {
                let length = (dx[i] * dx[i] + dy[i] * dy[i]).squareRoot()
                guard length > 0 else { continue }
                let step = min(length, temperature) / length
                x[i] = min(1, max(0, x[i] + dx[i] * step))
                y[i] = min(1, max(0, y[i] + dy[i] * step))
            }
        }
        return (stretched(x), stretched(y))
    }

    static func stretched(_ values: [Double]) -> [Double] {
        let low = values.min()!, high = values.max()!
        guard high - low > 1e-9 else { return values.map { _ in 0.5 } }
        return values.map { ($0 - low) / (high - low) }
    }
}

/// Nodes sorted by id with duplicates dropped, and undirected links without self-loops, duplicates or
/// unknown ends: the canonical form that makes the layout independent of input order.
struct Graph {
    var ids: [String]
    var nodes: [NetworkNode]
    var links: [(Int, Int)]
    var neighbours: [[Int]]

    init(nodes: [NetworkNode], edges: [NetworkEdge]) {
        var byID: [String: NetworkNode] = [:]
        for node in nodes where byID[node.id] == nil { byID[node.id] = node }
        ids = byID.keys.sorted()
        self.nodes = ids.map { byID[$0]! }
        var index: [String: Int] = [:]
        for (position, id) in ids.enumerated() { index[id] = position }
        var seen = Set<[Int]>()
        for edge in edges {
            guard let a = index[edge.from], let b = index[edge.to], a != b else { continue }
            seen.insert([min(a, b), max(a, b)])
        }
        links = seen.map { ($0[0], $0[1]) }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        neighbours = Array(repeating: [], count: ids.count)
        for (a, b) in links {
            neighbours[a].append(b)
            neighbours[b].append(a)
        }
    }

    /// Connected components, largest first, then by their smallest id; members in id order.
    func components() -> [[Int]] {
        var component = [Int](repeating: -1, count: ids.count)
        var result: [[Int]] = []
        for start in ids.indices where component[start] < 0 {
            var members: [Int] = []
            var stack = [start]
            component[start] = result.count
            while let node = stack.popLast() {
                members.append(node)
                for next in neighbours[node] where component[next] < 0 {
                    component[next] = result.count
                    stack.append(next)
                }
            }
            result.append(members.sorted())
        }
        return result.sorted { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
    }
}

/// A node and everyone it is directly linked to, for the accessible list beside the graph.
public struct NetworkBroker: Equatable, Sendable {
    public var node: NetworkNode
    public var neighbours: [NetworkNode]

    public init(node: NetworkNode, neighbours: [NetworkNode]) {
        self.node = node
        self.neighbours = neighbours
    }
}

public enum NetworkSVG {
    /// A standalone accessible SVG (role="img", title and description), without scripts or external resources.
    /// Shapes tell the kinds apart besides colour: circle person, square organisation, diamond committee,
    /// triangle project. `idPrefix` keeps the title and description ids unique when a page shows several graphs.
    public static func render(
        nodes: [NetworkNode], edges: [NetworkEdge], layout: NetworkLayout, title: String, summary: String,
        legend: [NetworkNode.Kind: String], idPrefix: String = "network"
    ) -> String {
        let graph = Graph(nodes: nodes, edges: edges)
        let prefix = escaped(idPrefix)
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(number(layout.width)) \(number(layout.height))" \
        width="100%" role="img" aria-labelledby="\(prefix)-title \(prefix)-desc" \
        font-family="system-ui, sans-serif" font-size="13">
        <title id="\(prefix)-title">\(escaped(title))</title>
        <desc id="\(prefix)-desc">\(escaped(summary))</desc>
        <rect width="100%" height="100%" fill="#ffffff"/>

        """
        svg += "<g stroke=\"\(edgeColour)\" stroke-width=\"1.5\">\n"
        for (a, b) in graph.links {
            guard let from = layout.positions[graph.ids[a]], let to = layout.positions[graph.ids[b]] else { continue }
            svg += "<line x1=\"\(number(from.x))\" y1=\"\(number(from.y))\" x2=\"\(number(to.x))\" y2=\"\(number(to.y))\"/>\n"
        }
        svg += "</g>\n<g>\n"
        for node in graph.nodes {
            guard let point = layout.positions[node.id] else { continue }
            var group = "<g>"
            if node.label.count > maxLabelLength { group += "<title>\(escaped(node.label))</title>" }
            group += shape(node.kind, x: point.x, y: point.y)
            // Labels to the left of nodes near the right edge, so they are not cut off.
            let leftSide = point.x > layout.width * 0.75
            group += "<text x=\"\(number(point.x + (leftSide ? -12 : 12)))\" y=\"\(number(point.y + 4))\""
                + (leftSide ? " text-anchor=\"end\"" : "")
                + " fill=\"\(textColour)\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">"
                + escaped(shortened(node.label)) + "</text></g>"
            if let href = node.href, isSafeLink(href) {
                group = "<a href=\"\(escaped(href))\">\(group)</a>"
            }
            svg += group + "\n"
        }
        svg += "</g>\n"
        let entries = NetworkNode.Kind.allCases.compactMap { kind in legend[kind].map { (kind, $0) } }
        if !entries.isEmpty {
            svg += "<g>\n"
            for (row, entry) in entries.enumerated() {
                let y = 16.0 + Double(row) * 20
                svg += shape(entry.0, x: 16, y: y)
                svg += "<text x=\"30\" y=\"\(number(y + 4))\" fill=\"\(textColour)\">\(escaped(entry.1))</text>\n"
            }
            svg += "</g>\n"
        }
        return svg + "</svg>\n"
    }

    /// Nodes ordered by the number of distinct neighbours (most connected first), then by label;
    /// neighbours ordered by label.
    public static func brokers(nodes: [NetworkNode], edges: [NetworkEdge]) -> [NetworkBroker] {
        let graph = Graph(nodes: nodes, edges: edges)
        let byLabel: (NetworkNode, NetworkNode) -> Bool = { left, right in
            switch left.label.compare(right.label, options: [.caseInsensitive, .diacriticInsensitive]) {
            case .orderedAscending: return true
            case .orderedDescending: return false
            case .orderedSame: return left.id < right.id
            }
        }
        return graph.nodes.indices
            .map { index in
                NetworkBroker(node: graph.nodes[index], neighbours: graph.neighbours[index].map { graph.nodes[$0] }.sorted(by: byLabel))
            }
            .sorted { left, right in
                left.neighbours.count != right.neighbours.count
                    ? left.neighbours.count > right.neighbours.count
                    : byLabel(left.node, right.node)
            }
    }

    // Each colour has at least 4.5:1 contrast on white, above the 3:1 that WCAG asks of graphics.
    static let edgeColour = "#6b7280"
    static let textColour = "#111827"
    static func colour(_ kind: NetworkNode.Kind) -> String {
        switch kind {
        case .person: "#1d4ed8"
        case .organisation: "#b45309"
        case .committee: "#047857"
        case .project: "#7c3aed"
        }
    }

    static func shape(_ kind: NetworkNode.Kind, x: Double, y: Double) -> String {
        let fill = "fill=\"\(colour(kind))\""
        switch kind {
        case .person:
            return "<circle cx=\"\(number(x))\" cy=\"\(number(y))\" r=\"8\" \(fill)/>"
        case .organisation:
            return "<rect x=\"\(number(x - 7))\" y=\"\(number(y - 7))\" width=\"14\" height=\"14\" \(fill)/>"
        case .committee:
            return "<polygon points=\"\(number(x)),\(number(y - 9)) \(number(x + 9)),\(number(y)) \(number(x)),\(number(y + 9)) \(number(x - 9)),\(number(y))\" \(fill)/>"
        case .project:
            return "<polygon points=\"\(number(x)),\(number(y - 9)) \(number(x + 9)),\(number(y + 7)) \(number(x - 9)),\(number(y + 7))\" \(fill)/>"
        }
    }

    static let maxLabelLength = 32

    static func shortened(_ label: String) -> String {
        label.count > maxLabelLength ? String(label.prefix(maxLabelLength - 1)) + "…" : label
    }

    /// Only site paths and web links: a `javascript:` link in a graph would run with the page's rights.
    static func isSafeLink(_ href: String) -> Bool {
        let lower = href.lowercased()
        return (href.hasPrefix("/") && !href.hasPrefix("//")) || href.hasPrefix("#")
            || lower.hasPrefix("https://") || lower.hasPrefix("http://")
    }

    /// XML text and attribute escaping; characters that XML 1.0 forbids are dropped so the file always parses.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20, scalar.value != 0xFFFE, scalar.value != 0xFFFF {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// One decimal is finer than a pixel and keeps the SVG small and byte-for-byte reproducible.
    static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
