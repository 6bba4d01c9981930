import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import QuartierCore

@Suite("Network view")
struct NetworkGraphTests {
    static let nodes = [
        NetworkNode(id: "p1", label: "Anna Kaya", kind: .person, href: "/akteure/personen/p1"),
        NetworkNode(id: "p2", label: "Ben Roth", kind: .person),
        NetworkNode(id: "p3", label: "Cem Arslan", kind: .person),
        NetworkNode(id: "o1", label: "Kita Sonnenschein", kind: .organisation),
        NetworkNode(id: "o2", label: "Mieterbeirat", kind: .organisation),
        NetworkNode(id: "c1", label: "Steuerungsgruppe", kind: .committee),
        NetworkNode(id: "x1", label: "Lonely & <Co>", kind: .project),
        NetworkNode(id: "x2", label: "Stadtteilfest", kind: .project),
        NetworkNode(id: "o3", label: "Café Mittendrin", kind: .organisation),
    ]
    static let edges = [
        NetworkEdge(from: "p1", to: "o1", label: "Leitung"),
        NetworkEdge(from: "p1", to: "c1"),
        NetworkEdge(from: "p2", to: "o2"),
        NetworkEdge(from: "p2", to: "c1"),
        NetworkEdge(from: "p3", to: "o2"),
        NetworkEdge(from: "c1", to: "p1"), // the same link again, the other way round
        NetworkEdge(from: "x2", to: "o3"),
        NetworkEdge(from: "p3", to: "unknown"),
    ]

    @Test("The same graph in any order gets exactly the same layout")
    func determinism() {
        let first = NetworkLayout.compute(nodes: Self.nodes, edges: Self.edges)
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<3 {
            let shuffled = NetworkLayout.compute(
                nodes: Self.nodes.shuffled(using: &generator),
                edges: Self.edges.shuffled(using: &generator)
            )
            #expect(shuffled == first)
        }
        #expect(first.positions.count == Self.nodes.count)
    }

    @Test("Every node lies inside the canvas margin, and no two nodes share a place")
    func insideCanvas() {
        let layout = NetworkLayout.compute(nodes: Self.nodes, edges: Self.edges, width: 600, height: 400)
        for point in layout.positions.values {
            #expect(point.x >= NetworkLayout.margin && point.x <= 600 - NetworkLayout.margin)
            #expect(point.y >= NetworkLayout.margin && point.y <= 400 - NetworkLayout.margin)
        }
        let points = Array(layout.positions.values)
        for i in points.indices {
            for j in points.indices where j > i {
                #expect(hypot(points[i].x - points[j].x, points[i].y - points[j].y) > 10)
            }
        }
    }

    @Test("Linked nodes end up closer together than unlinked ones")
    func linkedAreClose() {
        let layout = NetworkLayout.compute(nodes: Self.nodes, edges: Self.edges)
        func distance(_ a: String, _ b: String) -> Double {
            let p = layout.positions[a]!, q = layout.positions[b]!
            return hypot(p.x - q.x, p.y - q.y)
        }
        #expect(distance("x2", "o3") < distance("x2", "p1"))
        #expect(distance("p1", "o1") < distance("o1", "p3"))
    }

    /// How fast it is belongs to the benchmarks; here: a directory-sized graph gets a usable layout.
    @Test("Three hundred nodes all get distinct places inside the picture")
    func largeGraph() {
        let nodes = (0..<300).map { NetworkNode(id: "n\($0)", label: "Akteur \($0)", kind: $0 % 4 == 0 ? .organisation : .person) }
        let edges = (0..<300).flatMap { index in
            [NetworkEdge(from: "n\(index)", to: "n\((index / 4) * 4)"), NetworkEdge(from: "n\(index)", to: "n\((index * 7 + 3) % 300)")]
        }
        let layout = NetworkLayout.compute(nodes: nodes, edges: edges)
        #expect(layout.positions.count == 300)
        #expect(layout.positions.values.allSatisfy { (0...layout.width).contains($0.x) && (0...layout.height).contains($0.y) })
        let places = Set(layout.positions.values.map { "\(Int($0.x.rounded())),\(Int($0.y.rounded()))" })
        #expect(places.count > 290)
    }

    @Test("The SVG is accessible, escapes labels, links only safe targets and has no scripts")
    func svg() {
        var nodes = Self.nodes
        nodes.append(NetworkNode(id: "evil", label: "Böse\"><script>alert(1)</script>", kind: .person, href: "javascript:alert(1)"))
        let layout = NetworkLayout.compute(nodes: nodes, edges: Self.edges)
        let svg = NetworkSVG.render(
            nodes: nodes, edges: Self.edges, layout: layout,
            title: "Netzwerk <Stadtwald>", summary: "9 Akteure & 5 Verbindungen",
            legend: [.person: "Person", .organisation: "Organisation & Verein"]
        )
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 960.0 640.0\""))
        #expect(svg.contains("role=\"img\" aria-labelledby=\"network-title network-desc\""))
        #expect(svg.contains("<title id=\"network-title\">Netzwerk &lt;Stadtwald&gt;</title>"))
        #expect(svg.contains("<desc id=\"network-desc\">9 Akteure &amp; 5 Verbindungen</desc>"))
        #expect(svg.contains(">Lonely &amp; &lt;Co&gt;</text>"))
        #expect(svg.contains(">Organisation &amp; Verein</text>"))
        #expect(!svg.contains("<script"))
        #expect(!svg.contains("javascript:"))
        #expect(svg.contains("<a href=\"/akteure/personen/p1\">"))
        #expect(svg.components(separatedBy: "<a ").count == 2)
        #expect(svg.components(separatedBy: "<line ").count == 7) // six distinct links
        #expect(svg.components(separatedBy: "<circle ").count == 6) // four persons and the legend
        #expect(!svg.contains("xlink") && !svg.contains("url("))
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse())
    }

    @Test("Brokers: the most connected first, ties by label, each with its neighbours by label")
    func brokers() {
        let brokers = NetworkSVG.brokers(nodes: Self.nodes, edges: Self.edges)
        #expect(brokers.map(\.node.label) == [
            "Anna Kaya", "Ben Roth", "Mieterbeirat", "Steuerungsgruppe",
            "Café Mittendrin", "Cem Arslan", "Kita Sonnenschein", "Stadtteilfest",
            "Lonely & <Co>",
        ])
        #expect(brokers.first?.neighbours.map(\.label) == ["Kita Sonnenschein", "Steuerungsgruppe"])
        #expect(brokers.last?.node.label == "Lonely & <Co>")
        #expect(brokers.last?.neighbours.isEmpty == true)
    }
}
