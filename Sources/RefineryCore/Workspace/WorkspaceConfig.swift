import BoostedParametricTree
import Foundation

/// The workspace configuration file `refinery.yaml`, schema version 1.
///
/// Human-edited and versioned: `schema` must be present and equal to a version this build
/// reads; unknown fields are refused with a suggestion, so a typo never silently falls back
/// to a default. The full reference is docs/workspace-config.md.
public struct WorkspaceConfig: Codable, Equatable, Sendable {
    public static let fileName = "refinery.yaml"
    public static let currentSchema = 1

    public var schema: Int
    public var name: String
    public var description: String?
    public var simulation: SimulationSection
    public var learner: LearnerSection
    public var systematics: [SystematicEntry]
    public var demo: DemoSection
    /// The held-out split of every sample a surrogate learns from, used when its learner
    /// settings ask for held-out events (early stopping, held-out normalization; docs/closure.md).
    public var heldOut: HeldOutSection?
    /// What `refinery submit` asks Slurm for (docs/cluster.md).
    public var cluster: ClusterSection?
    /// The SMEFT surrogate R̂(x|θ) (eq. 67; `SmeftSection.swift`); nil = none is trained.
    public var smeft: SmeftSection?
    /// The likelihood model of eq. (82) for `refinery limits` (`ModelSection.swift`).
    public var model: ModelSection?
    /// The classifier two-sample test of `refinery validate` (docs/validation.md).
    public var validation: ValidationSection?

    public struct HeldOutSection: Codable, Equatable, Sendable {
        /// Fraction of each sample's events held out (0 < f < 1).
        public var fraction: Double
        /// The split's seed: event i is held out iff the seed's i-th variate is below `fraction`.
        public var seed: UInt64

        enum CodingKeys: String, CodingKey, CaseIterable { case fraction, seed }
    }

    /// The split used when `held_out` is not given: half the events, a fixed seed.
    public var heldOutSplit: HeldOutSplit {
        (try? HeldOutSplit(fraction: heldOut?.fraction ?? 0.5, seed: heldOut?.seed ?? 1)) ?? (try! HeldOutSplit(fraction: 0.5, seed: 1))
    }

    /// The validation settings in force (defaults when the section is absent).
    public var validationSettings: ValidationSection { validation ?? ValidationSection() }

    /// Sample sizes and seeds for `refinery simulate`.
    public struct SimulationSection: Codable, Equatable, Sendable {
        /// Nominal fiducial events (the paper: 1 200 000).
        public var nominalEvents: Int
        /// Fiducial events wanted in the alternative-generator sample.
        public var alternativeEvents: Int
        /// The master seed; each sample derives its own stream from it.
        public var seed: UInt64
        /// Fiducial cross-section the nominal sample is normalized to, in pb (section 7.1).
        public var crossSectionPb: Double

        enum CodingKeys: String, CodingKey, CaseIterable {
            case nominalEvents = "nominal_events", alternativeEvents = "alternative_events", seed
            case crossSectionPb = "cross_section_pb"
        }
    }

    /// Learner settings for every systematic (section 7.1). Each field is optional: a field
    /// set here overrides the plugin's default; a per-systematic `learner` block overrides
    /// this. Left out, `min_node_size` comes from the plugin (50 when x is unchanged, 500 when
    /// x varies).
    public typealias LearnerSection = LearnerOverride

    /// One systematic effect: the plugin that makes its synthetic data sets and its settings.
    public struct SystematicEntry: Codable, Equatable, Sendable {
        public var name: String
        public var plugin: String
        public var config: [String: ConfigValue]?
        public var learner: LearnerOverride?

        enum CodingKeys: String, CodingKey, CaseIterable { case name, plugin, config, learner }
    }

    /// Settings `refinery demo` uses so the end-to-end job finishes in a couple of minutes.
    public struct DemoSection: Codable, Equatable, Sendable {
        public var nominalEvents: Int
        public var alternativeEvents: Int
        public var trees: Int

        enum CodingKeys: String, CodingKey, CaseIterable {
            case nominalEvents = "nominal_events", alternativeEvents = "alternative_events", trees
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, name, description, simulation, learner, systematics, demo, heldOut = "held_out", cluster, smeft, model, validation
    }
}

/// A scalar, list or table value in a plugin's configuration block.
public indirect enum ConfigValue: Codable, Equatable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case list([ConfigValue])
    case table([String: ConfigValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([ConfigValue].self) { self = .list(value) }
        else { self = .table(try container.decode([String: ConfigValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .number(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .bool(value): try container.encode(value)
        case let .list(value): try container.encode(value)
        case let .table(value): try container.encode(value)
        }
    }
}
