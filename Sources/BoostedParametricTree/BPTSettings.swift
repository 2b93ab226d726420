import Foundation

/// Hyper-parameters of the BPT (Algorithm 1, section 5.4).
///
/// Each hyper-parameter is declared once, in ``parameters``, with its default, valid range and
/// description; the stored-property defaults, ``validate()``, CLI help and docs all derive from
/// that table.
public struct BPTSettings: Codable, Sendable, Equatable {
    /// Number of boosting iterations B.
    public var trees: Int
    /// Universal learning rate η of eqs. (57)/(C.4).
    public var learningRate: Double
    /// Maximum depth of each CART tree (root = depth 0; depth d gives ≤ 2^d leaves). The paper's
    /// reference implementation counts differently: its `max_depth = 4` grows depth-3 trees
    /// (≤ 8 leaves), i.e. `maxDepth = 3` here; Refinery's 4 grows depth-4 trees (≤ 16 leaves).
    public var maxDepth: Int
    /// Minimum number of events of *each* sample (nominal and every base point with its own
    /// events) in every node (section 7.1).
    public var minNodeSize: Int
    /// Maximum number of quantile bins per feature (bin codes are `UInt8`).
    public var bins: Int
    /// Early stopping on the held-out loss of eq. (C.31): 0 (default) grows all `trees`;
    /// p > 0 stops once p trees in a row have not lowered the held-out loss and keeps the number
    /// of trees that minimizes it. Needs held-out data.
    public var earlyStoppingPatience: Int
    /// Whether each base point's overall rate is fixed from held-out events (off by default):
    /// a root-level eq. (C.29) term, the partition-independent log σ(ν)/σ(0) of eq. (C.25),
    /// chosen so that the surrogate's rate over the held-out nominal events equals the samples'
    /// rate. Needs held-out data. See ``BPTTrainer/train(_:heldOut:progress:)``.
    public var heldOutNormalization: Bool

    /// One hyper-parameter: name (as in the JSON model file and on the command line), default,
    /// valid range and description.
    public struct Parameter: Sendable, Equatable {
        public let name: String
        public let defaultValue: Double
        public let minimum: Double
        public let maximum: Double
        /// Whether the minimum itself is allowed (the learning rate excludes 0).
        public let minimumInclusive: Bool
        public let isInteger: Bool
        public let description: String

        /// The valid range in interval notation, e.g. "(0, 1]" or "[1, 64]".
        public var validRange: String {
            (minimumInclusive ? "[" : "(") + formatNumber(minimum) + ", " + formatNumber(maximum) + "]"
        }

        public func contains(_ value: Double) -> Bool {
            guard value.isFinite, value <= maximum else { return false }
            if isInteger && value != value.rounded() { return false }
            return minimumInclusive ? value >= minimum : value > minimum
        }
    }

    /// The single declaration of every hyper-parameter (LightGBM `config.h` style).
    public static let parameters: [Parameter] = [
        Parameter(name: "trees", defaultValue: 300, minimum: 1, maximum: 100_000, minimumInclusive: true,
                  isInteger: true, description: "Number of boosting iterations B (trees)."),
        Parameter(name: "learningRate", defaultValue: 0.2, minimum: 0, maximum: 1, minimumInclusive: false,
                  isInteger: false, description: "Learning rate η: fraction of each tree's fit added (eq. 57)."),
        Parameter(name: "maxDepth", defaultValue: 4, minimum: 1, maximum: 30, minimumInclusive: true,
                  isInteger: true,
                  description: "Maximum depth of each tree, root = depth 0 (4: up to 16 leaves). The paper's reference "
                    + "implementation's max_depth = 4 grows depth-3 trees (8 leaves), i.e. 3 here."),
        Parameter(name: "minNodeSize", defaultValue: 50, minimum: 1, maximum: 1_000_000_000, minimumInclusive: true,
                  isInteger: true,
                  description: "Minimum number of events of each sample in every node (50 for reweighting, 500 when x changes)."),
        Parameter(name: "bins", defaultValue: 255, minimum: 2, maximum: 256, minimumInclusive: true,
                  isInteger: true, description: "Maximum number of quantile bins per feature."),
        Parameter(name: "earlyStoppingPatience", defaultValue: 0, minimum: 0, maximum: 100_000, minimumInclusive: true,
                  isInteger: true,
                  description: "Early stopping: stop after this many trees without a lower held-out loss (eq. C.31) and "
                    + "keep the trees that minimize it; 0 = off. Needs held-out events."),
        Parameter(name: "heldOutNormalization", defaultValue: 0, minimum: 0, maximum: 1, minimumInclusive: true,
                  isInteger: true,
                  description: "1: fix each base point's overall rate from held-out events (root-level eq. C.29 term, "
                    + "the log σ(ν) of eq. C.25); 0 = off. Needs held-out events."),
    ]

    /// Looks a hyper-parameter up by name in ``parameters``.
    public static func parameter(named name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }

    private static func defaultValue(_ name: String) -> Double {
        guard let p = parameter(named: name) else { preconditionFailure("undeclared setting \(name)") }
        return p.defaultValue
    }

    /// Settings with every hyper-parameter at its declared default unless given.
    public init(trees: Int? = nil, learningRate: Double? = nil, maxDepth: Int? = nil,
                minNodeSize: Int? = nil, bins: Int? = nil, earlyStoppingPatience: Int? = nil,
                heldOutNormalization: Bool? = nil) {
        self.trees = trees ?? Int(Self.defaultValue("trees"))
        self.learningRate = learningRate ?? Self.defaultValue("learningRate")
        self.maxDepth = maxDepth ?? Int(Self.defaultValue("maxDepth"))
        self.minNodeSize = minNodeSize ?? Int(Self.defaultValue("minNodeSize"))
        self.bins = bins ?? Int(Self.defaultValue("bins"))
        self.earlyStoppingPatience = earlyStoppingPatience ?? Int(Self.defaultValue("earlyStoppingPatience"))
        self.heldOutNormalization = heldOutNormalization ?? (Self.defaultValue("heldOutNormalization") != 0)
    }

    /// Whether training needs held-out events (early stopping or the held-out normalization).
    public var needsHeldOutData: Bool { earlyStoppingPatience > 0 || heldOutNormalization }

    /// The current value of a hyper-parameter by its table name.
    public func value(of name: String) -> Double? {
        switch name {
        case "trees": return Double(trees)
        case "learningRate": return learningRate
        case "maxDepth": return Double(maxDepth)
        case "minNodeSize": return Double(minNodeSize)
        case "bins": return Double(bins)
        case "earlyStoppingPatience": return Double(earlyStoppingPatience)
        case "heldOutNormalization": return heldOutNormalization ? 1 : 0
        default: return nil
        }
    }

    /// Sets a hyper-parameter by its table name (e.g. from a command-line option), validating it.
    public mutating func set(_ name: String, to value: Double) throws {
        guard let p = Self.parameter(named: name) else {
            throw BPTError.invalidSetting(name: name, value: formatNumber(value),
                                          validRange: "one of " + Self.parameters.map(\.name).joined(separator: ", "))
        }
        guard p.contains(value) else {
            throw BPTError.invalidSetting(name: name, value: formatNumber(value), validRange: p.validRange)
        }
        switch name {
        case "trees": trees = Int(value)
        case "learningRate": learningRate = value
        case "maxDepth": maxDepth = Int(value)
        case "minNodeSize": minNodeSize = Int(value)
        case "earlyStoppingPatience": earlyStoppingPatience = Int(value)
        case "heldOutNormalization": heldOutNormalization = value != 0
        default: bins = Int(value)
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

extension BPTSettings {
    private enum CodingKeys: String, CodingKey {
        case trees, learningRate, maxDepth, minNodeSize, bins, earlyStoppingPatience, heldOutNormalization
    }

    /// The held-out options are written only when they are on, so that default settings encode
    /// (in model files and identity keys) exactly as before these options existed.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(trees, forKey: .trees)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(maxDepth, forKey: .maxDepth)
        try c.encode(minNodeSize, forKey: .minNodeSize)
        try c.encode(bins, forKey: .bins)
        if earlyStoppingPatience != 0 { try c.encode(earlyStoppingPatience, forKey: .earlyStoppingPatience) }
        if heldOutNormalization { try c.encode(heldOutNormalization, forKey: .heldOutNormalization) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(trees: try c.decode(Int.self, forKey: .trees),
                  learningRate: try c.decode(Double.self, forKey: .learningRate),
                  maxDepth: try c.decode(Int.self, forKey: .maxDepth),
                  minNodeSize: try c.decode(Int.self, forKey: .minNodeSize),
                  bins: try c.decode(Int.self, forKey: .bins),
                  earlyStoppingPatience: try c.decodeIfPresent(Int.self, forKey: .earlyStoppingPatience),
                  heldOutNormalization: try c.decodeIfPresent(Bool.self, forKey: .heldOutNormalization))
    }
}
