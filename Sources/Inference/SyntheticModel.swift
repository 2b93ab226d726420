import EventData
import Foundation

/// Seeded synthetic per-event coefficients with the structure of eq. (82) — five POIs and the
/// nine nuisances (scale ν_R, ν_F; POW; JES; LF; HF; ℓ; lumi; norm) — for benchmarks and
/// tests of the engine. Not physics: shapes are plausible (SMEFT effects growing with an
/// energy-like variable, percent-level systematic slopes), the numbers are made up.
///
/// SMEFT coefficients come from amplitude vectors, R̂ = (1 + θ·a)² + (θ·b)² as in
/// TopPairSimulation's SMEFT.swift, so R̂ > 0 for every θ and scans never hit R ≤ 0.
public struct SyntheticModel: Sendable {
    public var poiNames: [String]
    public var weights: [Double]
    public var smeft: [Double]
    public var factors: [SystematicFactor]
    public var logNormal: [LogNormalFactor]
    public var floating: Set<String>
    public var luminosity: Double

    /// - Parameters: events N; `pois` ≤ 5; `systematics` false gives a SMEFT-only model.
    public init(events n: Int, pois: Int = 5, systematics: Bool = true, seed: UInt64 = 1) {
        var rng = SeededGenerator(seed: seed)
        let p = pois
        poiNames = Array(["ctGRe", "ctGIm", "cQj18", "cQj38", "ctj8"].prefix(p))
        luminosity = 137 // fb⁻¹, section 7.1
        weights = (0..<n).map { _ in 310.0 / Double(n) * (0.5 + rng.uniform()) } // σ ≈ 0.31 pb
        let q = p * (p + 1) / 2
        var smeft = [Double](repeating: 0, count: n * (p + q))
        var energy = [Double](repeating: 0, count: n), angle = [Double](repeating: 0, count: n)
        for i in 0..<n {
            energy[i] = -log(max(rng.uniform(), 1e-12))  // m(tt̄)-like, falling
            angle[i] = 2 * rng.uniform() - 1
            let e = energy[i], c = angle[i]
            let a = [0.25 + 0.05 * e, 0.02 * c, 0.08 * e * (1 + 0.3 * c), 0.06 * e * (1 - 0.4 * c), 0.05 * e * c].prefix(p)
                .map { $0 * (1 + 0.2 * rng.normal()) }
            let b = [0.01 * c, 0.15 * c * (1 + 0.5 * e), 0.01, 0.015 * c, 0.02].prefix(p).map { $0 * (1 + 0.2 * rng.normal()) }
            var k = p
            for m in 0..<p {
                smeft[i * (p + q) + m] = 2 * a[m]
                for l in m..<p {
                    smeft[i * (p + q) + k] = (a[m] * a[l] + b[m] * b[l]) * (m == l ? 1 : 2)
                    k += 1
                }
            }
        }
        self.smeft = smeft
        factors = []
        logNormal = []
        floating = []
        guard systematics else { return }
        func factor(_ name: String, _ nuisances: [String], _ terms: [[Int]], _ coefficient: (Int, Int) -> Double) -> SystematicFactor {
            var delta = [Double](repeating: 0, count: n * terms.count)
            for i in 0..<n { for t in 0..<terms.count { delta[i * terms.count + t] = coefficient(i, t) } }
            return SystematicFactor(name: name, nuisances: nuisances, terms: terms.map(NuisanceTerm.init), delta: delta)
        }
        factors = [
            factor("scale", ["nu_R", "nu_F"], [[0], [1], [0, 0], [0, 1], [1, 1]]) { i, t in
                [0.08 + 0.02 * energy[i], 0.03 - 0.01 * energy[i], 0.004, -0.002, 0.003][t] },
            factor("POW", ["nu_POW"], [[0], [0, 0]]) { i, t in [0.03 * angle[i] + 0.02 * (energy[i] - 1), -0.002][t] },
            factor("JES", ["nu_JES"], [[0], [0, 0]]) { i, t in [0.02 * (energy[i] - 1), 0.001 * energy[i]][t] },
            factor("LF", ["nu_LF"], [[0]]) { i, _ in 0.004 + 0.002 * angle[i] },
            factor("HF", ["nu_HF"], [[0]]) { i, _ in 0.02 - 0.005 * energy[i] },
            factor("lepton", ["nu_l"], [[0]]) { i, _ in 0.01 + 0.004 * abs(angle[i]) },
        ]
        logNormal = [LogNormalFactor(name: "lumi", nuisance: "nu_lumi", alpha: 1.05),
                     LogNormalFactor(name: "norm", nuisance: "nu_norm", alpha: 1.15)]
    }

    public func model(threadsSource: String = "synthetic") throws -> AsimovModel {
        try AsimovModel(weights: weights, poiNames: poiNames, smeft: smeft, factors: factors, logNormal: logNormal,
                        floating: floating, luminosity: luminosity, source: threadsSource)
    }

    /// Writes the arrays and `spec.json` into `folder` (the SPEC of `refinery asimov`).
    public func writeSpec(to folder: URL) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let n = weights.count, c = smeft.count / max(n, 1)
        try NpyFile.write(weights, shape: [n], to: folder.appendingPathComponent("w.npy"))
        try NpyFile.write(smeft, shape: [n, c], to: folder.appendingPathComponent("smeft.npy"))
        var specFactors: [AsimovSpec.Factor] = []
        for f in factors {
            let file = "delta_\(f.name).npy"
            try NpyFile.write(f.delta, shape: [n, f.terms.count], to: folder.appendingPathComponent(file))
            specFactors.append(.init(name: f.name, nuisances: f.nuisances,
                                     terms: f.terms.map { $0.parameters.map { f.nuisances[$0] } }, delta: file))
        }
        let spec = AsimovSpec(luminosity: luminosity, weights: "w.npy", pois: poiNames, smeft: "smeft.npy", factors: specFactors,
                              logNormal: logNormal.map { .init(name: $0.name, nuisance: $0.nuisance, alpha: $0.alpha) },
                              floating: floating.sorted())
        let url = folder.appendingPathComponent("spec.json")
        try spec.write(to: url)
        return url
    }
}

/// SplitMix64 with Box–Muller normals: seeded, so fixtures and benchmarks are reproducible.
public struct SeededGenerator: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    public mutating func normal() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
