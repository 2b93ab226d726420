import EventData
import Foundation

extension WorkspaceConfig {
    /// A workspace that declares a likelihood (a `smeft:` or `model:` section) trains every
    /// surrogate on the training part of its held-out split, so that `refinery limits` sums
    /// over events no surrogate saw (an overfitted surrogate biases the limits, docs/closure.md).
    public var declaresLikelihood: Bool { smeft != nil || model != nil }

    /// The `model:` section: the likelihood model of eq. (82) that `refinery limits` builds,
    /// R(x|θ,ν) = α_norm^ν_norm R̂(x|θ) Π_k Ŝ_k(x|ν_k), L(ν) = L₀ α_lumi^ν_lumi (eqs. 9, 64, 81;
    /// section 7.1–7.2). Every field is optional; left out, the paper's values are used.
    /// Adding or removing a systematic here changes the model without retraining any surrogate
    /// (section 6.4).
    public struct ModelSection: Codable, Equatable, Sendable {
        /// The POIs θ (a subset of the SMEFT surrogate's); nil = all of them.
        public var pois: [String]?
        /// L₀ in fb⁻¹ (section 7.1: 137).
        public var luminosityFb: Double?
        /// α_lumi of the log-normal luminosity factor (1.05).
        public var alphaLumi: Double?
        /// α_norm of the log-normal normalization factor (1.15).
        public var alphaNorm: Double?
        /// The systematics whose surrogates Ŝ_k enter; nil = every systematic of the workspace.
        public var systematics: [String]?
        /// Nuisances without the Gaussian constraint of eq. (9).
        public var floating: [String]?
        /// The POI pairs of figure 11 (`a:b`); nil = all pairs. `--pairs` overrides it.
        public var pairs: [String]?

        public init() {}

        public static let defaultLuminosityFb = 137.0
        public static let defaultAlphaLumi = 1.05
        public static let defaultAlphaNorm = 1.15
        /// The nuisances of the two log-normal factors.
        public static let lumiNuisance = "nu_lumi"
        public static let normNuisance = "nu_norm"

        public var luminosity: Double { luminosityFb ?? Self.defaultLuminosityFb }
        public var lumiAlpha: Double { alphaLumi ?? Self.defaultAlphaLumi }
        public var normAlpha: Double { alphaNorm ?? Self.defaultAlphaNorm }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case pois, luminosityFb = "luminosity_fb", alphaLumi = "alpha_lumi", alphaNorm = "alpha_norm", systematics, floating, pairs
        }

        /// Checks what the file alone can tell: values in range, names listed once, systematics
        /// that the workspace declares, POIs the SMEFT surrogate learns.
        func validate(path: String, systematicNames: [String], smeft: SmeftSection?) throws {
            func require(_ condition: Bool, _ field: String, _ problem: String) throws {
                if !condition { throw WorkspaceError.config(path: path, field: field, problem: problem) }
            }
            try require(luminosity > 0 && luminosity.isFinite, "model.luminosity_fb", "is \(luminosity), expected a positive luminosity in fb⁻¹ (section 7.1: 137)")
            try require(lumiAlpha > 0 && lumiAlpha.isFinite, "model.alpha_lumi", "is \(lumiAlpha), expected a positive factor (section 7.2: 1.05)")
            try require(normAlpha > 0 && normAlpha.isFinite, "model.alpha_norm", "is \(normAlpha), expected a positive factor (section 7.2: 1.15)")
            if let pois {
                try require(!pois.isEmpty, "model.pois", "is empty; list at least one POI or leave the field out")
                var seen = Set<String>()
                for (i, poi) in pois.enumerated() {
                    try require(seen.insert(poi).inserted, "model.pois[\(i)]", "'\(poi)' is listed twice")
                    if let known = smeft?.pois {
                        try require(known.contains(poi), "model.pois[\(i)]",
                                    "'\(poi)' is not a POI of the SMEFT surrogate (smeft.pois: \(known.joined(separator: ", "))).\(Self.hint(poi, known))")
                    }
                }
            }
            var seen = Set<String>()
            for (i, name) in (systematics ?? []).enumerated() {
                try require(systematicNames.contains(name), "model.systematics[\(i)]",
                            "'\(name)' is not a systematic of this workspace (systematics: \(systematicNames.joined(separator: ", "))).\(Self.hint(name, systematicNames))")
                try require(seen.insert(name).inserted, "model.systematics[\(i)]", "'\(name)' is listed twice")
            }
            var floatingSeen = Set<String>()
            for (i, name) in (floating ?? []).enumerated() {
                try require(floatingSeen.insert(name).inserted, "model.floating[\(i)]", "nuisance '\(name)' is declared twice")
            }
            for (i, pair) in (pairs ?? []).enumerated() {
                let parts = pair.split(separator: ":", omittingEmptySubsequences: false)
                try require(parts.count == 2 && parts[0] != parts[1] && !parts[0].isEmpty && !parts[1].isEmpty, "model.pairs[\(i)]",
                            "'\(pair)' is not a pair of two different POIs written a:b (e.g. ctGRe:ctGIm)")
                if let pois {
                    for name in parts.map(String.init) where !pois.contains(name) {
                        throw WorkspaceError.config(path: path, field: "model.pairs[\(i)]",
                                                    problem: "names '\(name)', which is not in model.pois (\(pois.joined(separator: ", "))).\(Self.hint(name, pois))")
                    }
                }
            }
        }

        static func hint(_ name: String, _ known: [String]) -> String {
            Suggestion.closest(to: name, in: known).map { " Did you mean '\($0)'?" } ?? ""
        }
    }
}
