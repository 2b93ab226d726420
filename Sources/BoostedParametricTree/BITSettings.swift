import Foundation

/// Hyper-parameters of the Boosted Information Tree that learns the SMEFT surrogate
/// R̂(x|θ) (eq. 67; section 7.1: B = 300 trees of depth 4, η = 0.2, at least 50 events per node).
///
/// Declared once in ``parameters`` (default, valid range, description), like ``BPTSettings``.
public struct BITSettings: Codable, Sendable, Equatable {
    /// Number of boosting iterations B.
    public var trees: Int
    /// Learning rate η: the fraction of each tree's leaf values added to the model.
    public var learningRate: Double
    /// Maximum depth of each tree (root = depth 0; depth d gives ≤ 2^d leaves).
    public var maxDepth: Int
    /// Minimum number of events in every node.
    public var minNodeSize: Int
    /// Maximum number of quantile bins per feature.
    public var bins: Int

    public typealias Parameter = BPTSettings.Parameter

    public static let parameters: [Parameter] = [
        Parameter(name: "trees", defaultValue: 300, minimum: 1, maximum: 100_000, minimumInclusive: true,
                  isInteger: true, description: "Number of boosting iterations B (trees)."),
        Parameter(name: "learningRate", defaultValue: 0.2, minimum: 0, maximum: 1, minimumInclusive: false,
                  isInteger: false, description: "Learning rate η: fraction of each tree's leaf values added."),
        Parameter(name: "maxDepth", defaultValue: 4, minimum: 1, maximum: 30, minimumInclusive: true,
                  isInteger: true, description: "Maximum depth of each tree."),
        Parameter(name: "minNodeSize", defaultValue: 50, minimum: 1, maximum: 1_000_000_000, minimumInclusive: true,
                  isInteger: true, description: "Minimum number of events in every node (section 7.1: 50)."),
        Parameter(name: "bins", defaultValue: 255, minimum: 2, maximum: 256, minimumInclusive: true,
                  isInteger: true, description: "Maximum number of quantile bins per feature."),
    ]

    private static func defaultValue(_ name: String) -> Double {
        guard let p = parameters.first(where: { $0.name == name }) else { preconditionFailure("undeclared \(name)") }
        return p.defaultValue
    }

    /// Settings with every hyper-parameter at its declared default unless given.
    public init(trees: Int? = nil, learningRate: Double? = nil, maxDepth: Int? = nil, minNodeSize: Int? = nil,
                bins: Int? = nil) {
        self.trees = trees ?? Int(Self.defaultValue("trees"))
        self.learningRate = learningRate ?? Self.defaultValue("learningRate")
        self.maxDepth = maxDepth ?? Int(Self.defaultValue("maxDepth"))
        self.minNodeSize = minNodeSize ?? Int(Self.defaultValue("minNodeSize"))
        self.bins = bins ?? Int(Self.defaultValue("bins"))
    }

    /// The current value of a hyper-parameter by its table name.
    public func value(of name: String) -> Double? {
        switch name {
        case "trees": return Double(trees)
        case "learningRate": return learningRate
        case "maxDepth": return Double(maxDepth)
        case "minNodeSize": return Double(minNodeSize)
        case "bins": return Double(bins)
        default: return nil
        }
    }

    /// Throws ``BPTError/invalidSetting(name:value:validRange:)`` for the first value outside
    /// its declared range.
    public func validate() throws {
        for p in Self.parameters {
            let v = value(of: p.name)!
            if !p.contains(v) {
                throw BPTError.invalidSetting(name: p.name, value: formatNumber(v), validRange: p.validRange)
            }
        }
    }
}
