import Foundation

/// Figure 11 as SVG: a panel per POI pair, 68% CL dashed and 95% CL solid, nuisances frozen
/// (blue) and profiled (black), the SM point marked, POI names on the axes.
public enum ContourFigure {
    static let colors: [NuisanceMode: String] = [.frozen: "#1f5fbf", .profiled: "#000000"]

    public static func svg(_ contours: [ContourResult], columns: Int = 4, panel: Double = 260) -> String {
        var pairs: [[String]] = []
        for c in contours where !pairs.contains(c.pois) { pairs.append(c.pois) }
        let cols = max(1, min(columns, pairs.count)), rows = (pairs.count + cols - 1) / cols
        let margin = 48.0
        let cell = panel + margin
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Double(cols) * cell + 20)" height="\(Double(rows) * cell + 50)" font-family="sans-serif" font-size="11">
        <text x="10" y="18" font-size="13">Asimov expected exclusion: 68% CL dashed, 95% CL solid; blue nuisances frozen, black profiled</text>\n
        """
        for (index, pair) in pairs.enumerated() {
            let ox = 10 + margin + Double(index % cols) * cell, oy = 30 + Double(index / cols) * cell
            let mine = contours.filter { $0.pois == pair }
            let xs: [Double] = mine.flatMap { c in c.points.map { $0[0] } } + [0.0]
            let ys: [Double] = mine.flatMap { c in c.points.map { $0[1] } } + [0.0]
            let (x0, x1) = padded(xs.min()!, xs.max()!)
            let (y0, y1) = padded(ys.min()!, ys.max()!)
            func px(_ v: Double) -> Double { ox + (v - x0) / (x1 - x0) * panel }
            func py(_ v: Double) -> Double { oy + panel - (v - y0) / (y1 - y0) * panel }
            s += "<rect x=\"\(ox)\" y=\"\(oy)\" width=\"\(panel)\" height=\"\(panel)\" fill=\"none\" stroke=\"#888\"/>\n"
            for c in mine {
                let path = c.points.map { String(format: "%.2f,%.2f", px($0[0]), py($0[1])) }.joined(separator: " ")
                let dash = c.level < 3 ? " stroke-dasharray=\"5,3\"" : ""
                s += "<polygon points=\"\(path)\" fill=\"none\" stroke=\"\(colors[c.nuisances]!)\" stroke-width=\"1.4\"\(dash)/>\n"
            }
            s += "<circle cx=\"\(px(0))\" cy=\"\(py(0))\" r=\"3\" fill=\"#d00\"/>\n"
            s += "<text x=\"\(ox + panel / 2)\" y=\"\(oy + panel + 30)\" text-anchor=\"middle\">\(pair[0])</text>\n"
            s += "<text x=\"\(ox - 34)\" y=\"\(oy + panel / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 \(ox - 34) \(oy + panel / 2))\">\(pair[1])</text>\n"
            for (v, label) in [(x0, x0), (x1, x1)] {
                s += "<text x=\"\(px(v))\" y=\"\(oy + panel + 13)\" text-anchor=\"middle\">\(String(format: "%.3g", label))</text>\n"
            }
            for v in [y0, y1] {
                s += "<text x=\"\(ox - 4)\" y=\"\(py(v) + 4)\" text-anchor=\"end\">\(String(format: "%.3g", v))</text>\n"
            }
        }
        return s + "</svg>\n"
    }

    static func padded(_ lo: Double, _ hi: Double) -> (Double, Double) {
        let span = max(hi - lo, 1e-12)
        return (lo - 0.08 * span, hi + 0.08 * span)
    }
}
