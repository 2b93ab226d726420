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
        trees = Int(spec.trees)
        learningRate = spec.learning_rate
        maxDepth = Int(spec.max_depth)
        minNodeSize = Int(spec.min_node_size)
    }
}
