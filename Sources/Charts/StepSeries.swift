/// One histogram-like line: values per bin between `edges`, drawn as steps.
public struct StepSeries: Sendable {
    public var label: String
    public var color: String
    public var dashed: Bool
    public var edges: [Double]
    public var values: [Double]

    public init(label: String, color: String, dashed: Bool = false, edges: [Double], values: [Double]) {
        precondition(edges.count == values.count + 1, "a step series needs one more edge than values")
        self.label = label
        self.color = color
        self.dashed = dashed
        self.edges = edges
        self.values = values
    }
}

/// A set of distinguishable colours (Okabe–Ito, readable by colour-blind viewers).
public enum Palette {
    public static let colors = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#F0E442", "#999999"]
    public static func color(_ index: Int) -> String { colors[index % colors.count] }
}
