@_exported import RefineryPluginABI

/// How a plugin makes its synthetic data sets (paper section 4.4).
public enum PluginKind: String, Sendable, CaseIterable {
    /// New weights for the nominal events (eq. 31).
    case reweight
    /// New observables from latent features (eq. 30).
    case calibrate
    /// An independent sample (two-point alternative, section 5.3).
    case alternative

    public var cValue: refinery_kind {
        switch self {
        case .reweight: return REFINERY_KIND_REWEIGHT
        case .calibrate: return REFINERY_KIND_CALIBRATE
        case .alternative: return REFINERY_KIND_ALTERNATIVE
        }
    }
}

/// What a configured plugin learns: nuisances, polynomial terms (eq. 49), base points V and
/// default learner settings (section 7.1).
public struct PluginSpec: Sendable, Equatable {
    public var nuisances: [String]
    /// Each term lists nuisance indices: [0] is ν₀, [0, 0] is ν₀², [0, 1] is ν₀ν₁.
    public var terms: [[Int]]
    public var basePoints: [[Double]]
    public var trees: Int
    public var learningRate: Double
    public var maxDepth: Int
    public var minNodeSize: Int

    public init(nuisances: [String], terms: [[Int]], basePoints: [[Double]], trees: Int = 300,
                learningRate: Double = 0.2, maxDepth: Int = 4, minNodeSize: Int = 50) {
        self.nuisances = nuisances
        self.terms = terms
        self.basePoints = basePoints
        self.trees = trees
        self.learningRate = learningRate
        self.maxDepth = maxDepth
        self.minNodeSize = minNodeSize
    }

    /// Linear terms only, one per nuisance.
    public static func linear(_ nuisances: [String], basePoints: [[Double]], minNodeSize: Int = 50) -> PluginSpec {
        PluginSpec(nuisances: nuisances, terms: nuisances.indices.map { [$0] }, basePoints: basePoints, minNodeSize: minNodeSize)
    }
}

/// A synthetic data set D(ν) as a plugin returns it (see `refinery_dataset`).
public struct SyntheticSample: Sendable {
    public var weights: [Double]
    /// Row-major N × x_width observables; nil for reweighting plugins.
    public var observables: [Double]?
    /// 1 where the event passes the (varied) selection; nil when all pass.
    public var passes: [UInt8]?

    public init(weights: [Double], observables: [Double]? = nil, passes: [UInt8]? = nil) {
        self.weights = weights
        self.observables = observables
        self.passes = passes
    }
}

/// An error a plugin reports to the host; `message` crosses the ABI as text.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    public var status: refinery_status
    public var message: String
    public init(_ message: String, status: refinery_status = REFINERY_ERROR_INTERNAL) {
        self.message = message
        self.status = status
    }
    public static func config(_ message: String) -> PluginError { PluginError(message, status: REFINERY_ERROR_CONFIG) }
    public static func input(_ message: String) -> PluginError { PluginError(message, status: REFINERY_ERROR_INPUT) }
    public var description: String { message }
}

/// A systematic effect as a Swift type. Conform, then export it with one line:
///
///     @_cdecl("refinery_plugin_entry")
///     public func refineryPluginEntry() -> UnsafeRawPointer { PluginExport.entry(MyPlugin.self) }
public protocol SystematicPlugin: AnyObject {
    static var name: String { get }
    static var version: String { get }
    static var summary: String { get }
    static var kind: PluginKind { get }
    /// JSON Schema of the configuration block (documentation for users and tools).
    static var configSchema: String { get }
    /// Nuisances, terms, base points and learner defaults for a configuration.
    static func spec(for config: PluginConfig) throws -> PluginSpec

    init(config: PluginConfig, host: PluginHost) throws
    /// D(ν) for one base point.
    func produce(nominal: NominalSample, nu: [Double]) throws -> SyntheticSample
}

extension SystematicPlugin {
    public static var configSchema: String { #"{"type": "object"}"# }
}
