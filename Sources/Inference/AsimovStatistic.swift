import Foundation

/// The Asimov test statistic of eq. (94) before profiling,
///
///     u(θ,ν) = 2 L₀ Σ_i w_i (λR_i − 1 − log λR_i) + Σ_k∈constrained ν_k²,   λ = L(ν)/L₀,
///
/// with its analytic gradient and Hessian over any subset of the parameters, all from one pass
/// over the events. u(0,0) = 0 and u ≥ 0 (each summand is e^g − 1 − g ≥ 0 for positive w).
///
/// With g_i = log(λR_i) = Σ log α·ν + log R̂_i(θ) + Σ_A ν^A Δ_A,i and e_i = e^g_i − 1:
/// ∂u/∂p = 2L₀ Σ w e ∂g/∂p and ∂²u/∂p∂q = 2L₀ Σ w [(1+e) ∂g∂g + e ∂²g]. The ∂²g parts are linear in
/// the per-event coefficients (Δ_A, r_mn/R̂), so they reduce to per-coefficient sums; only the
/// outer product (1+e)∂g∂gᵀ needs per-event work. In the θθ block (1+e)GG + e(R̂_ab/R̂ − GG)
/// collapses to GG + e R̂_ab/R̂.
public final class AsimovStatistic: @unchecked Sendable {
    public enum Order: Int, Sendable { case value = 0, gradient = 1, hessian = 2 }

    /// u, and over the `active` parameters (in the order given) its gradient and Hessian
    /// (row-major, symmetric); the first event where R ≤ 0, if any (then u = +inf).
    public struct Evaluation: Sendable {
        public var value: Double
        public var gradient: [Double]
        public var hessian: [Double]
        public var badEvent: Int?
        /// The parameter vector evaluated.
        public var point: [Double] = []
    }

    public let model: AsimovModel
    public let threads: Int
    /// Number of event passes so far (for benchmarks and convergence reports).
    public private(set) var passes = 0
    /// Of those, the passes that also summed the Hessian.
    public private(set) var hessianPasses = 0

    public init(model: AsimovModel, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.model = model
        self.threads = max(1, threads)
    }

    /// u(θ,ν) at the full parameter vector `x`.
    public func value(at x: [Double]) -> Double { evaluate(x, active: [], order: .value).value }

    public func evaluate(_ x: [Double], active: [Int], order: Order) -> Evaluation {
        precondition(x.count == model.parameterCount, "parameter vector has \(x.count) entries, model has \(model.parameterCount)")
        precondition(active == active.sorted(), "active parameters must be sorted")
        passes += 1
        if order == .hessian { hessianPasses += 1 }
        let m = model
        let p = m.poiCount, q = m.quadraticCount, nt = m.globalTerms.count
        let shapeRange = p..<(p + m.shapeNuisanceCount)
        let activePOI = active.filter { $0 < p }
        let activeShape = active.filter { shapeRange.contains($0) }
        let activeLN = active.filter { $0 >= shapeRange.upperBound }
        let nPA = activePOI.count, nSA = activeShape.count, d = active.count

        // Per-evaluation constants: θ products, term values ν^A and their derivatives.
        var thth = [Double](repeating: 0, count: q)
        var pairCol = [Int](repeating: 0, count: p * p)   // row column of r_{min(a,n),max(a,n)}
        var thetaPrime = [Double](repeating: 0, count: p * p) // θ_n, doubled on the diagonal
        var k = 0
        for a in 0..<p { for b in a..<p { thth[k] = x[a] * x[b]; pairCol[a * p + b] = 1 + p + k; pairCol[b * p + a] = 1 + p + k; k += 1 } }
        for a in 0..<p { for n in 0..<p { thetaPrime[a * p + n] = x[n] * (a == n ? 2 : 1) } }
        var tval = [Double](repeating: 1, count: nt)
        var dt = [Double](repeating: 0, count: nt * nSA)
        var d2t = [Double](repeating: 0, count: nt * nSA * nSA)
        for (a, term) in m.globalTerms.enumerated() {
            for i in term { tval[a] *= x[i] }
            guard order != .value else { continue }
            for (j, pj) in activeShape.enumerated() where term.contains(pj) {
                dt[a * nSA + j] = Self.product(term, removing: [pj], x)
                guard order == .hessian else { continue }
                for (l, pl) in activeShape.enumerated() {
                    var rest = term
                    rest.remove(at: rest.firstIndex(of: pj)!)
                    guard rest.contains(pl) else { continue }
                    d2t[(a * nSA + j) * nSA + l] = Double(term.filter { $0 == pj }.count) * Self.product(rest, removing: [pl], x)
                }
            }
        }
        var dtEntries: [(Int, Int, Double)] = []
        for a in 0..<nt { for j in 0..<nSA where dt[a * nSA + j] != 0 { dtEntries.append((a, j, dt[a * nSA + j])) } }
        var lnConst = 0.0
        for (i, la) in m.logAlpha { lnConst += x[i] * la }
        let laActive = activeLN.map { m.logAlpha[$0]! }

        // Slot layout: value, Σwe, S_A[nt], A_m = Σ w e r_m/R̂ [p + q], Sq[q], packed upper-triangle H[d(d+1)/2], bad count.
        let hw = d * (d + 1) / 2
        let oSA = 2, oAM = oSA + nt, oSq = oAM + p + q, oH = oSq + q, oBad = oH + hw
        let width = oBad + 1
        let kernel = Kernel(model: m, x: x, activePOI: activePOI, nSA: nSA, laActive: laActive, thth: thth, tval: tval,
                            pairCol: pairCol, thetaPrime: thetaPrime, dtEntries: dtEntries, lnConst: lnConst)
        defer { kernel.deallocate() }
        let totals: [Double] = m.rows.withUnsafeBufferPointer { rowsBuffer in
            let rows = rowsBuffer.baseAddress!
            return ChunkedSum(threads: threads).run(events: m.eventCount, width: width) { range, slot in
                kernel.accumulate(rows: rows, range: range, order: order, into: slot,
                                  offsets: (sa: oSA, am: oAM, sq: oSq, h: oH, bad: oBad))
            }
        }
        if totals[oBad] > 0 {
            return Evaluation(value: .infinity, gradient: [], hessian: [], badEvent: firstBadEvent(x), point: x)
        }
        let scale = 2 * m.luminosity
        var u = scale * totals[0]
        for i in 0..<m.parameterCount where m.constrained[i] { u += x[i] * x[i] }
        var grad = [Double](repeating: 0, count: order == .value ? 0 : d)
        var hess = [Double](repeating: 0, count: order == .hessian ? d * d : 0)
        if order != .value {
            // Chain rule through the monomials: ∂θ^m/∂θ_a is 1 for θ_a and θ'_an for θ_aθ_n.
            for (ai, a) in activePOI.enumerated() {
                var s = totals[oAM + a]
                for n in 0..<p { s += totals[oAM + pairCol[a * p + n] - 1] * thetaPrime[a * p + n] }
                grad[ai] = scale * s
            }
            for j in 0..<nSA {
                var s = 0.0
                for a in 0..<nt { s += totals[oSA + a] * dt[a * nSA + j] }
                grad[nPA + j] = scale * s
            }
            for (j, la) in laActive.enumerated() { grad[nPA + nSA + j] = scale * totals[1] * la }
            for (ai, i) in active.enumerated() where m.constrained[i] { grad[ai] += 2 * x[i] }
        }
        if order == .hessian {
            var packed = oH
            for a in 0..<d { for b in a..<d { hess[a * d + b] = scale * totals[packed]; hess[b * d + a] = hess[a * d + b]; packed += 1 } }
            for (ai, a) in activePOI.enumerated() {
                for (bi, b) in activePOI.enumerated() {
                    hess[ai * d + bi] += scale * totals[oSq + pairCol[a * p + b] - 1 - p] * (a == b ? 2 : 1)
                }
            }
            for j in 0..<nSA {
                for l in 0..<nSA {
                    var s = 0.0
                    for a in 0..<nt { s += totals[oSA + a] * d2t[(a * nSA + j) * nSA + l] }
                    hess[(nPA + j) * d + nPA + l] += scale * s
                }
            }
            for (ai, i) in active.enumerated() where m.constrained[i] { hess[ai * d + ai] += 2 }
        }
        return Evaluation(value: u, gradient: grad, hessian: hess, badEvent: nil, point: x)
    }

    /// Product of x over `term` with one occurrence of each of `removing` taken out, times the
    /// multiplicity of the first removed index (d/dν_j of ν_j^k is k ν_j^(k−1)).
    static func product(_ term: [Int], removing: [Int], _ x: [Double]) -> Double {
        var rest = term
        var factor = 1.0
        for r in removing {
            factor *= Double(rest.filter { $0 == r }.count)
            rest.remove(at: rest.firstIndex(of: r)!)
        }
        for i in rest { factor *= x[i] }
        return factor
    }

    /// R̂(x_i|θ) of event i at `x` (eq. A.1 over w₀).
    public func rate(event i: Int, at x: [Double]) -> Double {
        let p = model.poiCount
        var rhat = 1.0
        var k = 0
        for a in 0..<p { rhat += x[a] * model.rows[i * model.stride + 1 + a] }
        for a in 0..<p { for b in a..<p { rhat += x[a] * x[b] * model.rows[i * model.stride + 1 + p + k]; k += 1 } }
        return rhat
    }

    /// The first event with R̂ ≤ 0 at `x` (sequential; only called after a pass found one).
    func firstBadEvent(_ x: [Double]) -> Int? {
        (0..<model.eventCount).first { !(rate(event: $0, at: x) > 0) }
    }
}
