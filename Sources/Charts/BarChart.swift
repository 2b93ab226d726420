import Foundation

/// A horizontal grouped bar chart as a standalone SVG document: one block of bars per group
/// (e.g. per POI), one bar per item (e.g. per systematic frozen in turn), the value written
/// at the bar's end. Deterministic: the same chart gives the same bytes.
public struct BarChart: Sendable {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double
        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    public struct Group: Sendable, Equatable {
        public var label: String
        public var bars: [Bar]
        public init(label: String, bars: [Bar]) {
            self.label = label
            self.bars = bars
        }
    }

    public var title: String
    public var xLabel: String
    public var groups: [Group]
    /// printf format of the value labels.
    public var valueFormat: String

    public init(title: String, xLabel: String, groups: [Group], valueFormat: String = "%.3f") {
        self.title = title
        self.xLabel = xLabel
        self.groups = groups
        self.valueFormat = valueFormat
    }

    public func render() -> String {
        let barHeight = 16.0, gap = 4.0, groupGap = 22.0, header = 48.0, footer = 44.0
        let labelWidth = 12 + 7.0 * Double(groups.flatMap(\.bars).map(\.label.count).max() ?? 4)
        let groupLabelWidth = 12 + 8.0 * Double(groups.map(\.label.count).max() ?? 4)
        let plotWidth = 460.0, valueWidth = 70.0
        let left = groupLabelWidth + labelWidth
        let width = left + plotWidth + valueWidth
        let rows = groups.reduce(0.0) { $0 + Double($1.bars.count) * (barHeight + gap) + groupGap }
        let height = header + rows + footer
        let finite = groups.flatMap(\.bars).map(\.value).filter(\.isFinite)
        let high = max(finite.max() ?? 1, 0), low = min(finite.min() ?? 0, 0)
        let span = high - low > 0 ? high - low : 1
        func px(_ v: Double) -> Double { left + (v - low) / span * plotWidth }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(width))" height="\(fmt(height))" viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="Helvetica, Arial, sans-serif">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(fmt(width / 2))" y="26" font-size="16" text-anchor="middle">\(escape(title))</text>

        """
        var y = header
        for (g, group) in groups.enumerated() {
            let blockHeight = Double(group.bars.count) * (barHeight + gap)
            svg += "<text x=\"8\" y=\"\(fmt(y + blockHeight / 2 + 4))\" font-size=\"13\" font-weight=\"bold\">\(escape(group.label))</text>\n"
            for (b, bar) in group.bars.enumerated() {
                let top = y + Double(b) * (barHeight + gap)
                svg += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(top + barHeight - 4))\" font-size=\"11\" text-anchor=\"end\">\(escape(bar.label))</text>"
                if bar.value.isFinite {
                    let x0 = px(min(0, bar.value)), x1 = px(max(0, bar.value))
                    svg += "<rect x=\"\(fmt(x0))\" y=\"\(fmt(top))\" width=\"\(fmt(max(x1 - x0, 0.5)))\" height=\"\(fmt(barHeight))\" fill=\"\(Palette.color(b + 1))\"/>"
                    svg += "<text x=\"\(fmt(x1 + 4))\" y=\"\(fmt(top + barHeight - 4))\" font-size=\"11\">\(String(format: valueFormat, bar.value))</text>\n"
                } else {
                    svg += "<text x=\"\(fmt(px(0) + 4))\" y=\"\(fmt(top + barHeight - 4))\" font-size=\"11\">n/a</text>\n"
                }
            }
            y += blockHeight + groupGap
            if g < groups.count - 1 {
                svg += "<line x1=\"8\" y1=\"\(fmt(y - groupGap / 2))\" x2=\"\(fmt(width - 8))\" y2=\"\(fmt(y - groupGap / 2))\" stroke=\"#dddddd\"/>\n"
            }
        }
        let axisY = y - groupGap + 8
        svg += "<line x1=\"\(fmt(px(low)))\" y1=\"\(fmt(axisY))\" x2=\"\(fmt(px(high)))\" y2=\"\(fmt(axisY))\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(fmt(px(0)))\" y1=\"\(fmt(header - 4))\" x2=\"\(fmt(px(0)))\" y2=\"\(fmt(axisY))\" stroke=\"black\"/>\n"
        for tick in Ticks.linear(low, high, count: 5) {
            svg += "<line x1=\"\(fmt(px(tick)))\" y1=\"\(fmt(axisY))\" x2=\"\(fmt(px(tick)))\" y2=\"\(fmt(axisY + 4))\" stroke=\"black\"/>"
            svg += "<text x=\"\(fmt(px(tick)))\" y=\"\(fmt(axisY + 16))\" font-size=\"11\" text-anchor=\"middle\">\(Ticks.label(tick))</text>\n"
        }
        svg += "<text x=\"\(fmt(left + plotWidth / 2))\" y=\"\(fmt(axisY + 34))\" font-size=\"12\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg += "</svg>\n"
        return svg
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
