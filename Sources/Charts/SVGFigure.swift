import Foundation

/// A grid of panels rendered as a standalone SVG document (opens in any browser).
public struct SVGFigure: Sendable {
    public var title: String
    public var panels: [Panel]
    public var columns: Int
    public var panelWidth: Double = 300
    public var panelHeight: Double = 230

    public init(title: String, panels: [Panel], columns: Int = 4) {
        self.title = title
        self.panels = panels
        self.columns = max(1, min(columns, panels.count))
    }

    /// The SVG text. Deterministic: the same figure gives the same bytes.
    public func render() -> String {
        let rows = (panels.count + columns - 1) / columns
        let header = 40.0
        let legendRows = legendLayout(width: Double(columns) * panelWidth).last.map { $0.row + 1 } ?? 0
        let legendHeight = 8.0 + 18.0 * Double(legendRows)
        let width = Double(columns) * panelWidth
        let height = header + Double(rows) * panelHeight + legendHeight
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(width))" height="\(fmt(height))" viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="Helvetica, Arial, sans-serif">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(fmt(width / 2))" y="26" font-size="17" text-anchor="middle">\(escape(title))</text>

        """
        for (index, panel) in panels.enumerated() {
            let x0 = Double(index % columns) * panelWidth
            let y0 = header + Double(index / columns) * panelHeight
            svg += render(panel, x0: x0, y0: y0)
        }
        svg += legend(y: header + Double(rows) * panelHeight + 4, width: width)
        svg += "</svg>\n"
        return svg
    }

    /// Legend entries (one per distinct label) laid out in rows that fit the figure width.
    private func legendLayout(width: Double) -> [(item: StepSeries, x: Double, row: Int)] {
        var seen: Set<String> = []
        var layout: [(item: StepSeries, x: Double, row: Int)] = []
        var x = 12.0, row = 0
        for series in panels.flatMap(\.series) where seen.insert(series.label).inserted {
            let advance = 36 + Double(series.label.count) * 6.2
            if x + advance > width - 12, x > 12 { x = 12; row += 1 }
            layout.append((series, x, row))
            x += advance
        }
        return layout
    }

    private func legend(y: Double, width: Double) -> String {
        var out = ""
        for (item, x, row) in legendLayout(width: width) {
            let top = y + 18 * Double(row)
            let dash = item.dashed ? " stroke-dasharray=\"5,3\"" : ""
            out += "<line x1=\"\(fmt(x))\" y1=\"\(fmt(top + 6))\" x2=\"\(fmt(x + 22))\" y2=\"\(fmt(top + 6))\" stroke=\"\(item.color)\" stroke-width=\"2\"\(dash)/>"
            out += "<text x=\"\(fmt(x + 26))\" y=\"\(fmt(top + 10))\" font-size=\"11\">\(escape(item.label))</text>\n"
        }
        return out
    }

    private func render(_ panel: Panel, x0: Double, y0: Double) -> String {
        let left = x0 + 52, right = x0 + panelWidth - 10, top = y0 + 22, bottom = y0 + panelHeight - 40
        let xs = panel.series.flatMap(\.edges).filter(\.isFinite)
        let xLow = xs.min() ?? 0, xHigh = max(xs.max() ?? 1, (xs.min() ?? 0) + 1e-9)
        let yRange = panel.yExtent()
        func px(_ x: Double) -> Double { left + (x - xLow) / (xHigh - xLow) * (right - left) }
        func py(_ v: Double) -> Double {
            let value = panel.logY ? log10(max(v, 1e-300)) : v
            let clamped = min(max(value, yRange.lowerBound), yRange.upperBound)
            return bottom - (clamped - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * (bottom - top)
        }
        var out = "<g>\n<rect x=\"\(fmt(left))\" y=\"\(fmt(top))\" width=\"\(fmt(right - left))\" height=\"\(fmt(bottom - top))\" fill=\"none\" stroke=\"#333\"/>\n"
        out += "<text x=\"\(fmt((left + right) / 2))\" y=\"\(fmt(y0 + 15))\" font-size=\"12\" text-anchor=\"middle\">\(escape(panel.title))</text>\n"
        out += "<text x=\"\(fmt((left + right) / 2))\" y=\"\(fmt(bottom + 30))\" font-size=\"11\" text-anchor=\"middle\">\(escape(panel.xLabel))</text>\n"
        out += "<text x=\"\(fmt(x0 + 12))\" y=\"\(fmt((top + bottom) / 2))\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 \(fmt(x0 + 12)) \(fmt((top + bottom) / 2)))\">\(escape(panel.yLabel))</text>\n"
        for tick in Ticks.linear(xLow, xHigh, count: 5) {
            out += "<line x1=\"\(fmt(px(tick)))\" y1=\"\(fmt(bottom))\" x2=\"\(fmt(px(tick)))\" y2=\"\(fmt(bottom + 4))\" stroke=\"#333\"/>"
            out += "<text x=\"\(fmt(px(tick)))\" y=\"\(fmt(bottom + 15))\" font-size=\"10\" text-anchor=\"middle\">\(Ticks.label(tick))</text>\n"
        }
        let yTicks = panel.logY ? Ticks.logarithmic(yRange.lowerBound, yRange.upperBound)
                                : Ticks.linear(yRange.lowerBound, yRange.upperBound, count: 5)
        for tick in yTicks {
            let y = panel.logY ? py(pow(10, tick)) : py(tick)
            out += "<line x1=\"\(fmt(left - 4))\" y1=\"\(fmt(y))\" x2=\"\(fmt(left))\" y2=\"\(fmt(y))\" stroke=\"#333\"/>"
            let text = panel.logY ? "1e\(Int(tick))" : Ticks.label(tick)
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 3))\" font-size=\"10\" text-anchor=\"end\">\(text)</text>\n"
        }
        if let reference = panel.reference {
            out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(py(reference)))\" x2=\"\(fmt(right))\" y2=\"\(fmt(py(reference)))\" stroke=\"#aaa\" stroke-width=\"0.8\"/>\n"
        }
        for series in panel.series {
            var points: [String] = []
            for bin in series.values.indices where series.values[bin].isFinite && (!panel.logY || series.values[bin] > 0) {
                let y = py(series.values[bin])
                points.append("\(fmt(px(series.edges[bin]))),\(fmt(y))")
                points.append("\(fmt(px(series.edges[bin + 1]))),\(fmt(y))")
            }
            guard !points.isEmpty else { continue }
            let dash = series.dashed ? " stroke-dasharray=\"5,3\"" : ""
            out += "<polyline fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"1.5\"\(dash) points=\"\(points.joined(separator: " "))\"/>\n"
        }
        return out + "</g>\n"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Fixed two-decimal formatting keeps SVG files small and deterministic.
func fmt(_ value: Double) -> String { String(format: "%.2f", value) }

/// Axis tick positions and labels.
enum Ticks {
    /// "Nice" ticks (1, 2, 5 × 10^k steps) inside [low, high]: the coarsest step with at most
    /// `count` intervals, refined to the next nice step while fewer than three ticks fall inside
    /// (a range like [0.955, 1.06] would otherwise be labelled at 1 and 1.05 only).
    static func linear(_ low: Double, _ high: Double, count: Int) -> [Double] {
        guard high > low else { return [low] }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let nice = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }
        var index = nice.firstIndex { $0 >= raw } ?? nice.count - 1
        var ticks = ticks(low, high, step: nice[index])
        while ticks.count < 3 && index > 0 {
            index -= 1
            ticks = Self.ticks(low, high, step: nice[index])
        }
        return ticks
    }

    private static func ticks(_ low: Double, _ high: Double, step: Double) -> [Double] {
        var ticks: [Double] = []
        var k = ceil(low / step)
        while k * step <= high + 1e-9 * step {
            let tick = k * step
            ticks.append(abs(tick) < 1e-12 * step ? 0 : tick)
            k += 1
        }
        return ticks
    }

    /// Integer decades inside [low, high] (both in log10 units).
    static func logarithmic(_ low: Double, _ high: Double) -> [Double] {
        let first = Int(ceil(low)), last = Int(floor(high))
        return first <= last ? (first...last).map(Double.init) : [low]
    }

    static func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) >= 1000 && abs(value) < 1e6 && value == value.rounded() { return String(format: "%.0f", value) }
        if abs(value) >= 1000 || abs(value) < 0.01 { return String(format: "%.3g", value) }
        return String(format: "%g", (value * 1e6).rounded() / 1e6)
    }
}
