import Foundation

/// One plot: axes, labels and step series, optionally with a horizontal reference line.
public struct Panel: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [StepSeries]
    public var logY: Bool
    /// A horizontal line (e.g. ratio = 1).
    public var reference: Double?
    /// Fixed y range; nil picks one from the data.
    public var yRange: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String, series: [StepSeries], logY: Bool = false,
                reference: Double? = nil, yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logY = logY
        self.reference = reference
        self.yRange = yRange
    }

    /// Data range on y, padded, honoring the log scale.
    func yExtent() -> ClosedRange<Double> {
        if let yRange { return yRange }
        let values = series.flatMap(\.values).filter { $0.isFinite && (!logY || $0 > 0) } + (reference.map { [$0] } ?? [])
        guard var low = values.min(), var high = values.max() else { return 0...1 }
        if logY {
            low = log10(low); high = log10(high)
            if high - low < 1e-9 { low -= 0.5; high += 0.5 }
            return low - 0.05 * (high - low) ... high + 0.15 * (high - low)
        }
        if high - low < 1e-12 { low -= 0.5; high += 0.5 }
        let pad = 0.08 * (high - low)
        return (low - pad) ... (high + 2 * pad)
    }
}
