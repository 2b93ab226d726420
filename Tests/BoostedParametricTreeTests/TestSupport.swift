import Foundation
import BoostedParametricTree

/// SplitMix64: a tiny seeded generator so every test sample is reproducible.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }
}

/// The analytic toy of eq. (C.33): dσ(x|ν) ∝ exp(0.25 (ν₁ sin x + ν₂ cos(x/2))²), x ∈ [−π, π].
enum AnalyticToy {
    static let basePoints: [[Double]] = [[0.5, 0], [0, 0.5], [1, 0], [0, 1], [0.5, 0.5]]
    static let termNames: [[String]] = [["nu1"], ["nu2"], ["nu1", "nu1"], ["nu2", "nu2"], ["nu1", "nu2"]]

    static func problem() throws -> ParametricProblem {
        try ParametricProblem(parameterNames: ["nu1", "nu2"], termNames: termNames, basePoints: basePoints)
    }

    /// log dσ(x|ν)/dσ(x|0): the true log-DCR (N is ν-independent in eq. C.33).
    static func logRatio(_ x: Double, _ nu: [Double]) -> Double {
        let a = nu[0] * sin(x) + nu[1] * cos(0.5 * x)
        return 0.25 * a * a
    }

    /// ∫dσ(x|ν)/∫dσ(x|0) by Simpson's rule.
    static func crossSectionRatio(_ nu: [Double]) -> Double {
        let n = 2000
        let h = 2 * Double.pi / Double(n)
        var s = 0.0
        for i in 0...n {
            let x = -Double.pi + Double(i) * h
            let w: Double = (i == 0 || i == n) ? 1 : (i % 2 == 1 ? 4 : 2)
            s += w * exp(logRatio(x, nu))
        }
        return s * h / 3 / (2 * Double.pi)
    }

    static func uniformSample(_ n: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in rng.uniform(-Double.pi, Double.pi) }
    }

    /// Accept–reject sample of dσ(x|ν).
    static func sample(_ n: Int, nu: [Double], seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        let bound = exp(0.25 * (abs(nu[0]) + abs(nu[1])) * (abs(nu[0]) + abs(nu[1])))
        var out: [Double] = []
        out.reserveCapacity(n)
        while out.count < n {
            let x = rng.uniform(-Double.pi, Double.pi)
            if rng.uniform() * bound < exp(logRatio(x, nu)) { out.append(x) }
        }
        return out
    }

    /// Nominal uniform sample, base points as exactly reweighted nominal (eq. 31).
    static func reweightedData(events n: Int, seed: UInt64) throws -> BPTTrainingData {
        let x = uniformSample(n, seed: seed)
        let inputs: [BasePointInput] = basePoints.map { nu in .reweighted(weights: x.map { exp(logRatio($0, nu)) }) }
        return try BPTTrainingData(nominalX: x, featureCount: 1, basePoints: inputs)
    }

    /// Independent samples per base point; weights carry σ(ν)/σ(0) so that each sample's total
    /// relative to the nominal's is the cross-section ratio.
    static func independentData(events n: Int, seed: UInt64) throws -> BPTTrainingData {
        let x = uniformSample(n, seed: seed)
        let inputs: [BasePointInput] = basePoints.enumerated().map { i, nu in
            let xs = sample(n, nu: nu, seed: seed &+ UInt64(i + 1) &* 7919)
            return .sample(x: xs, weights: [Double](repeating: crossSectionRatio(nu), count: n))
        }
        return try BPTTrainingData(nominalX: x, featureCount: 1, basePoints: inputs)
    }
}

extension SplitMix64 {
    /// Standard normal by Box–Muller (one of the pair; simple and reproducible).
    mutating func normal() -> Double {
        let u1 = max(uniform(), 0x1p-60), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// The two-point toy of issue 15: nominal x ~ N(0, 1) in every feature; an independent
/// alternative sample whose first two features are shifted and rescaled,
/// x₀ ~ N(0.1, 1.05²), x₁ ~ N(−0.05, 0.95²), and whose rate is 1.073 times the nominal's (every
/// alternative event weighs 1.073, the samples have equal size): the true rate change is
/// +7.30%. Further features are pure noise, identical in both samples (like the many
/// observables of a real x that a systematic does not change).
enum TwoPointToy {
    static let trueRate = 1.073

    static func nominal(_ n: Int, features nf: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        return (0..<(n * nf)).map { _ in rng.normal() }
    }

    static func alternative(_ n: Int, features nf: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        var x = [Double](repeating: 0, count: n * nf)
        for i in 0..<n {
            for f in 0..<nf {
                let z = rng.normal()
                x[i * nf + f] = f == 0 ? 0.1 + 1.05 * z : (f == 1 ? -0.05 + 0.95 * z : z)
            }
        }
        return x
    }

    /// log of the true DCR dσ_alt/dσ_nom at one event (features beyond the first two cancel).
    static func logRatio(_ x: UnsafePointer<Double>) -> Double {
        func logNormal(_ v: Double, _ mu: Double, _ s: Double) -> Double {
            -0.5 * ((v - mu) / s) * ((v - mu) / s) - log(s)
        }
        return log(trueRate) + logNormal(x[0], 0.1, 1.05) + logNormal(x[1], -0.05, 0.95)
            - logNormal(x[0], 0, 1) - logNormal(x[1], 0, 1)
    }

    static func problem() throws -> ParametricProblem {
        try ParametricProblem(parameterNames: ["pow"], termNames: [["pow"]], basePoints: [[1]])
    }

    static func data(events n: Int, features nf: Int, seed: UInt64) throws -> BPTTrainingData {
        let x0 = nominal(n, features: nf, seed: seed)
        let x1 = alternative(n, features: nf, seed: seed &+ 0x5EED)
        return try BPTTrainingData(nominalX: x0, featureCount: nf,
                                   basePoints: [.sample(x: x1, weights: [Double](repeating: trueRate, count: n))])
    }
}
