import Foundation
import RefineryPluginABI

/// Reading a plugin's C `refinery_spec`: every count and index is checked before use, so a
/// plugin cannot make the host read out of bounds.
extension SystematicSpec {
    init(_ spec: refinery_spec, plugin: String, path: String) throws {
        func fail(_ message: String) -> PluginHostError {
            .pluginFailed(plugin: plugin, path: path, basePoint: nil, message: "invalid spec: \(message)")
        }
        let nNuisances = Int(spec.nuisance_count), nTerms = Int(spec.term_count), nPoints = Int(spec.base_point_count)
        guard nNuisances > 0, nTerms > 0, nPoints > 0 else {
            throw fail("needs at least one nuisance, term and base point (got \(nNuisances), \(nTerms), \(nPoints))")
        }
        for (what, count, limit) in [("nuisances", nNuisances, Limits.nuisances), ("terms", nTerms, Limits.terms),
                                     ("base points", nPoints, Limits.basePoints)] where count > limit {
            throw fail("declares \(count) \(what); the host accepts at most \(limit)")
        }
        guard let names = spec.nuisance_names, let degrees = spec.term_degrees, let parameters = spec.term_parameters,
              let points = spec.base_points else { throw fail("null arrays") }
        nuisances = (0..<nNuisances).map { names[$0].map { String(cString: $0) } ?? "nu\($0)" }
        var offset = 0
        var terms: [[Int]] = []
        for t in 0..<nTerms {
            let degree = Int(degrees[t])
            guard degree >= 1, degree <= 8 else { throw fail("term \(t) has degree \(degree)") }
            let term = (0..<degree).map { Int(parameters[offset + $0]) }
            guard term.allSatisfy({ $0 >= 0 && $0 < nNuisances }) else { throw fail("term \(t) names nuisance indices \(term)") }
            terms.append(term.sorted())
            offset += degree
        }
        self.terms = terms
        basePoints = (0..<nPoints).map { p in (0..<nNuisances).map { points[p * nNuisances + $0] } }
        for (p, point) in basePoints.enumerated() {
            if let i = point.firstIndex(where: { !$0.isFinite || abs($0) > Limits.coordinate }) {
                throw fail("base point \(p) has \(nuisances[i]) = \(point[i]); coordinates must be finite and at most \(Limits.coordinate) in size")
            }
        }
        guard spec.learning_rate.isFinite, spec.learning_rate > 0, spec.learning_rate <= 1 else {
            throw fail("default learning rate \(spec.learning_rate) is not in (0, 1]")
        }
        for (what, value, range) in [("trees", Int(spec.trees), Limits.trees), ("max_depth", Int(spec.max_depth), Limits.depth),
                                     ("min_node_size", Int(spec.min_node_size), Limits.minNodeSize)] where !range.contains(value) {
            throw fail("default \(what) \(value) is not in \(range.lowerBound)...\(range.upperBound)")
        }
        trees = Int(spec.trees)
        learningRate = spec.learning_rate
        maxDepth = Int(spec.max_depth)
        minNodeSize = Int(spec.min_node_size)
    }

    /// What the host accepts from a plugin's spec (issue 11, bounded parsing): far beyond any
    /// systematic of the paper (at most 2 nuisances, 5 terms, 8 base points; B = 300), small
    /// enough that no description can make the host allocate or loop without bound.
    public enum Limits {
        public static let nuisances = 64
        public static let terms = 1024
        public static let basePoints = 4096
        public static let coordinate = 1e6
        public static let trees: ClosedRange<Int> = 1...100_000
        public static let depth: ClosedRange<Int> = 1...64
        public static let minNodeSize: ClosedRange<Int> = 1...1_000_000_000
    }
}
