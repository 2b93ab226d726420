import Foundation

/// The per-node loss of eq. (C.31) and the leaf coefficients of eq. (C.29), evaluated from a
/// node's slot sums (σ_{j0}, σ_{jν} of eq. C.18, and the per-group event counts).
///
/// With r_ν = log(σ_ν/σ₀) and the hat matrix H = P V⁻¹ Pᵀ, the fitted node prediction at every
/// base point is t_ν = ν_A Δ_A = (H r)_ν, and the loss is
/// Σ_ν σ₀ Soft⁺(t_ν) + σ_ν Soft⁺(−t_ν) = Σ_ν (σ₀ + σ_ν) Soft⁺(t_ν) − σ_ν t_ν,
/// using Soft⁺(−t) = Soft⁺(t) − t so that one stable softplus per base point suffices.
struct NodeObjective: Sendable {
    let basePointCount: Int
    let termCount: Int
    /// Histogram slot of each base point's weight channel (slot 0 is the nominal).
    let slotOfBasePoint: [Int]
    /// Slots of all weight channels (nominal and base points) and of all event counts.
    let weightSlots: [Int]
    let countSlots: [Int]
    let minNodeSize: Double
    let design: DesignMatrix

    /// Whether a node with these sums may exist: every channel's summed weight is positive (so
    /// the logarithms of eq. C.29 are defined) and every sample has at least `minNodeSize`
    /// events in it (section 7.1).
    @inline(__always)
    static func isValid(_ sums: UnsafePointer<Double>, weightSlots: UnsafePointer<Int>, weightCount: Int,
                        countSlots: UnsafePointer<Int>, countCount: Int, minNodeSize: Double) -> Bool {
        for c in 0..<countCount where sums[countSlots[c]] < minNodeSize { return false }
        for c in 0..<weightCount where !(sums[weightSlots[c]] > 0) { return false }
        return true
    }

    /// Numerically stable log(1 + eᵗ).
    @inline(__always)
    static func softplus(_ t: Double) -> Double {
        t > 0 ? t + log1p(exp(-t)) : log1p(exp(t))
    }

    /// Loss of eq. (C.31) for one node. `hat` is H (N_V × N_V row-major), `channels` maps base
    /// points to slots, `ratio` is scratch for N_V values.
    @inline(__always)
    static func loss(_ sums: UnsafePointer<Double>, basePointCount nv: Int, hat: UnsafePointer<Double>,
                     channels: UnsafePointer<Int>, ratio: UnsafeMutablePointer<Double>) -> Double {
        let s0 = sums[0]
        for v in 0..<nv { ratio[v] = log(sums[channels[v]] / s0) }
        var total = 0.0
        for v in 0..<nv {
            var t = 0.0
            let row = hat + v * nv
            for u in 0..<nv { t += row[u] * ratio[u] }
            let sv = sums[channels[v]]
            total += (s0 + sv) * softplus(t) - sv * t
        }
        return total
    }

    /// Loss of a node with these sums (must be valid).
    func loss(_ sums: UnsafePointer<Double>) -> Double {
        design.hat.withUnsafeBufferPointer { hat in
            slotOfBasePoint.withUnsafeBufferPointer { channels in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: basePointCount) { ratio in
                    Self.loss(sums, basePointCount: basePointCount, hat: hat.baseAddress!,
                              channels: channels.baseAddress!, ratio: ratio.baseAddress!)
                }
            }
        }
    }

    /// Leaf coefficients Δ_{A,j} = V⁻¹_{AB} Σ_ν ν_B log(σ_{jν}/σ_{j0}) (eq. C.29).
    func coefficients(_ sums: UnsafePointer<Double>) -> [Double] {
        let ratios = (0..<basePointCount).map { log(sums[slotOfBasePoint[$0]] / sums[0]) }
        return (0..<termCount).map { a in
            var s = 0.0
            for v in 0..<basePointCount { s += design.solver[a * basePointCount + v] * ratios[v] }
            return s
        }
    }

    /// t_ν = ν_A Δ_A for every base point (eq. C.26 evaluated at the base points).
    func predictions(coefficients delta: [Double]) -> [Double] {
        (0..<basePointCount).map { v in
            var t = 0.0
            for a in 0..<termCount { t += design.coordinates[v * termCount + a] * delta[a] }
            return t
        }
    }
}
