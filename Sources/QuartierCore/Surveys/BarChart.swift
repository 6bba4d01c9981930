import Foundation

/// A horizontal bar chart as SVG, drawn on the server from the same rows the table beside it shows, so that it
/// needs no JavaScript and prints as it looks. Labels are escaped; the chart is complete without colour (values
/// are written at each bar).
public enum BarChart {
    public struct Bar: Equatable, Sendable {
        public var label: String
        public var value: Int
        public var valueText: String

        public init(label: String, value: Int, valueText: String) {
            self.label = label
            self.value = value
            self.valueText = valueText
        }
    }

    public static let width = 640
    public static let barHeight = 22
    public static let gap = 8
    public static let labelWidth = 220
    public static let valueWidth = 110

    /// The length in pixels of a bar with `value` when the largest is `maximum`.
    public static func barLength(_ value: Int, maximum: Int) -> Int {
        guard maximum > 0, value > 0 else { return 0 }
        let room = width - labelWidth - valueWidth
        return max(1, Int((Double(value) / Double(maximum) * Double(room)).rounded()))
    }

    public static func svg(title: String, bars: [Bar]) -> String {
        let height = max(1, bars.count) * (barHeight + gap) + gap
        let maximum = bars.map(\.value).max() ?? 0
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\">"
        svg += "<title>\(escape(title))</title>"
        svg += "<style>text{font:14px sans-serif;fill:#1a1a1a}rect{fill:#1d5f8a}</style>"
        for (index, bar) in bars.enumerated() {
            let top = gap + index * (barHeight + gap)
            let middle = top + barHeight / 2 + 5
            let length = barLength(bar.value, maximum: maximum)
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(middle)\" text-anchor=\"end\">\(escape(truncated(bar.label)))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(top)\" width=\"\(length)\" height=\"\(barHeight)\"/>"
            svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(middle)\">\(escape(bar.valueText))</text>"
        }
        return svg + "</svg>"
    }

    /// The chart as a `data:` address for an `<img>`, which the page's content security policy allows.
    public static func dataURL(title: String, bars: [Bar]) -> String {
        "data:image/svg+xml;base64," + Data(svg(title: title, bars: bars).utf8).base64EncodedString()
    }

    static func truncated(_ label: String) -> String {
        label.count > 28 ? String(label.prefix(27)) + "…" : label
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
