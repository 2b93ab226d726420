import BoostedParametricTree
import Foundation

extension WorkspaceConfig {
    /// The `smeft:` section: the SMEFT surrogate R̂(x|θ) of eq. (67), learned by a Boosted
    /// Information Tree from the nominal sample's per-event coefficients (appendix A,
    /// `smeft.npy`) with section 7.1's settings unless overridden. `refinery train` trains it
    /// like a systematic, under the reserved name `smeft` (no systematic may take it).
    public struct SmeftSection: Codable, Equatable, Sendable {
        /// The surrogate's name: its folder `surrogates/smeft/`, `train --only smeft`, the store's
        /// surrogate rows. Reserved: a systematic with this name (ignoring case) is refused.
        public static let surrogateName = "smeft"

        /// The Wilson coefficients the surrogate learns; nil = every POI of the nominal sample
        /// (its manifest's `attributes.pois`), in the sample's order.
        public var pois: [String]?
        /// 2: the quadratic polynomial of eq. (67) (default); 1: the linear terms only (the
        /// quadratic coefficients are taken as 0).
        public var order: Int?
        /// BIT settings; every field optional, defaults of section 7.1.
        public var learner: SmeftLearner?

        public init(pois: [String]? = nil, order: Int? = nil, learner: SmeftLearner? = nil) {
            self.pois = pois
            self.order = order
            self.learner = learner
        }

        public var polynomialOrder: Int { order ?? 2 }

        enum CodingKeys: String, CodingKey, CaseIterable { case pois, order, learner }

        func validate(path: String, systematics: [SystematicEntry]) throws {
            func require(_ condition: Bool, _ field: String, _ problem: String) throws {
                if !condition { throw WorkspaceError.config(path: path, field: field, problem: problem) }
            }
            try require([1, 2].contains(polynomialOrder), "smeft.order",
                        "is \(polynomialOrder), expected 1 (linear) or 2 (quadratic, eq. 67)")
            if let pois {
                try require(!pois.isEmpty, "smeft.pois", "is empty; list at least one Wilson coefficient or leave the field out")
                var seen = Set<String>()
                for (i, poi) in pois.enumerated() {
                    try require(seen.insert(poi).inserted, "smeft.pois[\(i)]", "'\(poi)' is listed twice")
                }
            }
            try learner?.validate(at: "smeft.learner", path: path)
            for (index, entry) in systematics.enumerated() where entry.name.lowercased() == Self.surrogateName {
                throw WorkspaceError.config(path: path, field: "systematics[\(index)].name",
                    problem: "'\(entry.name)' is reserved for the SMEFT surrogate (the smeft: section, `refinery train --only \(Self.surrogateName)`); give the systematic another name")
            }
        }
    }

    /// BIT settings in refinery.yaml: the keys of `BITSettings.parameters` in snake case
    /// (`trees`, `learning_rate`, `max_depth`, `min_node_size`, `bins`).
    public struct SmeftLearner: Codable, Equatable, Sendable {
        public var values: [String: Double]

        public init(values: [String: Double] = [:]) { self.values = values }

        public static var allowedKeys: [String] { BITSettings.parameters.map { SettingKey.snake($0.name) } }

        /// Section 7.1's defaults overridden by these values and then by `trees` (demo, --trees).
        public func settings(trees: Int? = nil) throws -> BITSettings {
            func int(_ name: String) -> Int? { values[name].map { Int($0) } }
            let settings = BITSettings(trees: trees ?? int("trees"), learningRate: values["learningRate"], maxDepth: int("maxDepth"),
                                       minNodeSize: int("minNodeSize"), bins: int("bins"))
            try settings.validate()
            return settings
        }

        func validate(at prefix: String, path: String) throws {
            for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                guard let p = BITSettings.parameters.first(where: { $0.name == name }) else { continue }
                if !p.contains(value) || (p.isInteger && value != value.rounded()) {
                    throw WorkspaceError.config(path: path, field: "\(prefix).\(SettingKey.snake(name))",
                        problem: "is \(SettingKey.format(value)), expected \(p.isInteger ? "an integer " : "")in \(p.validRange) (\(p.description))")
                }
            }
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: SettingKey.self)
            values = [:]
            for key in container.allKeys {
                guard let name = SettingKey.camel(key.stringValue, known: BITSettings.parameters.map(\.name)) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "is not a BIT learner setting")
                }
                values[name] = try container.decode(Double.self, forKey: key)
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: SettingKey.self)
            for (name, value) in values.sorted(by: { $0.key < $1.key }) { try container.encode(value, forKey: SettingKey(SettingKey.snake(name))) }
        }
    }
}
