import Foundation

/// The per-event loop of eq. (94) and its derivatives over one chunk of packed rows.
///
/// Every per-evaluation constant (θ, θ_aθ_b, the term values ν^A and their sparse derivatives)
/// lives in one raw block, so the loop touches no Swift array: no bounds or uniqueness checks,
/// no retain/release, and the chunk's sums stay in a local buffer that does not alias the
/// rows. Each chunk is summed in event order, so `ChunkedSum`'s thread-count independence
/// holds bit for bit. The Hessian is accumulated as the packed upper triangle, row after row,
/// over fixed batches of events (`flush`).
///
/// What one event costs, and why the loop is shaped so:
/// - λR̂Ŝ and log(λR̂Ŝ) come from one `exp` and one `log` (R̂ e^T − 1 and log R̂ + T) rather than
///   `expm1(log1p(R̂ − 1) + T)`: the two cheaper calls are about two thirds of the time of the
///   accurate-near-zero ones, and the rounding they add to a summand, ~10⁻¹⁶ absolute, is far
///   below what any figure of u is quoted to (the event sum of eq. 94 is formed by subtracting
///   O(1) numbers anyway). With every nuisance at 0 (frozen scans) Ŝ = λ = 1 and no `exp` is
///   needed at all: e = R̂ − 1, exact for the rounded R̂.
/// - The dot products R̂ − 1 = Σ_m θ_m r_m and T = Σ_A ν^A Δ_A are summed in four interleaved
///   partial sums: a single running sum is a chain of dependent additions (4 cycles each),
///   which dominated the loop; the order is fixed, so the result is the same on every run.
/// - The θ gradient needs no per-event derivative: ∂u/∂θ_a = 2L₀ Σ_m (∂θ^m/∂θ_a) Σ_i w e r_m/R̂,
///   so the pass sums the c numbers Σ w e r_m/R̂ (contiguous, one multiply-add each) and the
///   chain rule through the monomials θ^m is applied once per pass.
struct Kernel: @unchecked Sendable {
    let p: Int, q: Int, c: Int, nt: Int, stride: Int
    let nPA: Int, nSA: Int, d: Int
    let lnConst: Double
    /// Whether any term value or log α·ν is non-zero (Ŝ or λ differ from 1 for some event).
    let shifted: Bool
    /// x[0..<p], thth[q], tval[nt], thetaPrime[p·p], laActive[nLA], dt values[nDt].
    let reals: UnsafeMutablePointer<Double>
    /// activePOI[nPA], pairCol[p·p], dt term[nDt], dt slot[nDt].
    let ints: UnsafeMutablePointer<Int>
    let oX: Int, oThth: Int, oTval: Int, oTp: Int, oLA: Int, oDtV: Int
    let iPOI: Int, iPair: Int, iDtA: Int, iDtJ: Int
    let nLA: Int, nDt: Int

    init(model m: AsimovModel, x: [Double], activePOI: [Int], nSA: Int, laActive: [Double], thth: [Double], tval: [Double],
         pairCol: [Int], thetaPrime: [Double], dtEntries: [(Int, Int, Double)], lnConst: Double) {
        p = m.poiCount; q = m.quadraticCount; c = p + q; nt = m.globalTerms.count; stride = m.stride
        nPA = activePOI.count; self.nSA = nSA; nLA = laActive.count; d = nPA + nSA + nLA
        nDt = dtEntries.count
        self.lnConst = lnConst
        shifted = lnConst != 0 || tval.contains { $0 != 0 }
        oX = 0; oThth = p; oTval = oThth + q; oTp = oTval + nt; oLA = oTp + p * p; oDtV = oLA + nLA
        reals = .allocate(capacity: oDtV + nDt + 1)
        for i in 0..<p { reals[oX + i] = x[i] }
        for j in 0..<q { reals[oThth + j] = thth[j] }
        for a in 0..<nt { reals[oTval + a] = tval[a] }
        for k in 0..<(p * p) { reals[oTp + k] = thetaPrime[k] }
        for k in 0..<nLA { reals[oLA + k] = laActive[k] }
        for (k, e) in dtEntries.enumerated() { reals[oDtV + k] = e.2 }
        iPOI = 0; iPair = nPA; iDtA = iPair + p * p; iDtJ = iDtA + nDt
        ints = .allocate(capacity: iDtJ + nDt + 1)
        for k in 0..<nPA { ints[iPOI + k] = activePOI[k] }
        for k in 0..<(p * p) { ints[iPair + k] = pairCol[k] }
        for (k, e) in dtEntries.enumerated() { ints[iDtA + k] = e.0; ints[iDtJ + k] = e.1 }
    }

    func deallocate() {
        reals.deallocate()
        ints.deallocate()
    }

    /// Σ_k a_k b_k in four interleaved partial sums, added pairwise at the end.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var k = 0
        while k &+ 4 <= n {
            s0 += a[k] * b[k]
            s1 += a[k &+ 1] * b[k &+ 1]
            s2 += a[k &+ 2] * b[k &+ 2]
            s3 += a[k &+ 3] * b[k &+ 3]
            k &+= 4
        }
        while k < n { s0 += a[k] * b[k]; k &+= 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// Events per batch of the Hessian's outer products.
    static let batch = 8

    /// Σ_j u_j v_j over one batch, in a fixed pairwise order.
    @inline(__always)
    static func dot8(_ u: UnsafePointer<Double>, _ v: UnsafePointer<Double>) -> Double {
        let a = u[0] * v[0] + u[1] * v[1], b = u[2] * v[2] + u[3] * v[3]
        let c = u[4] * v[4] + u[5] * v[5], e = u[6] * v[6] + u[7] * v[7]
        return (a + b) + (c + e)
    }

    /// Adds one batch's Σ_events weight · ∂g_a ∂g_b to the packed upper triangle `h`: weight w in
    /// the POI block, w(1 + e) = w λR̂Ŝ in the rows and columns of the nuisances (the
    /// (1 + e) ∂g∂gᵀ part of eq. 94's Hessian; the POI block's e part is in the Sq sums).
    /// `batch` holds ∂g_a of event j at a·batch + j.
    func flush(_ batch: UnsafeMutablePointer<Double>, _ w: UnsafePointer<Double>, _ wf: UnsafePointer<Double>,
               scratch l: UnsafeMutablePointer<Double>, into h: UnsafeMutablePointer<Double>) {
        let n = Self.batch
        let lf = l + n
        var k = 0
        for a in 0..<d {
            let ga = UnsafePointer(batch + a &* n)
            for j in 0..<n { l[j] = w[j] * ga[j]; lf[j] = wf[j] * ga[j] }
            if a < nPA {
                for b in a..<nPA { h[k] += Self.dot8(l, batch + b &* n); k &+= 1 }
                for b in nPA..<d { h[k] += Self.dot8(lf, batch + b &* n); k &+= 1 }
            } else {
                for b in a..<d { h[k] += Self.dot8(lf, batch + b &* n); k &+= 1 }
            }
        }
    }

    /// Adds events `range` into `slot` (zeroed; layout of `AsimovStatistic.evaluate`).
    func accumulate(rows: UnsafePointer<Double>, range: Range<Int>, order: AsimovStatistic.Order, into slot: UnsafeMutablePointer<Double>,
                    offsets o: (sa: Int, am: Int, sq: Int, h: Int, bad: Int)) {
        let width = o.bad + 1
        let acc = UnsafeMutablePointer<Double>.allocate(capacity: width)
        acc.initialize(repeating: 0, count: width)
        let g = UnsafeMutablePointer<Double>.allocate(capacity: max(d, 1))
        g.initialize(repeating: 0, count: max(d, 1))
        // The Hessian's outer products are summed over batches of `batch` events: per batch
        // and matrix entry one short dot product and one update of the sum, instead of a
        // load-add-store of the sum per event.
        let batch = UnsafeMutablePointer<Double>.allocate(capacity: max(d, 1) * Self.batch)
        let weights = UnsafeMutablePointer<Double>.allocate(capacity: 4 * Self.batch)
        let bw = weights, bwf = weights + Self.batch, scratch = weights + 2 * Self.batch
        var filled = 0
        defer { acc.deallocate(); g.deallocate(); batch.deallocate(); weights.deallocate() }
        for j in 0..<nLA { g[nPA + nSA + j] = reals[oLA + j] }
        // θ_m (the monomials θ_a, θ_aθ_b) are x then thth: one contiguous block of c.
        let mono = UnsafePointer(reals + oX), tval = UnsafePointer(reals + oTval)
        let tp = UnsafePointer(reals + oTp), dtV = UnsafePointer(reals + oDtV)
        let poi = UnsafePointer(ints + iPOI), pair = UnsafePointer(ints + iPair)
        let dtA = UnsafePointer(ints + iDtA), dtJ = UnsafePointer(ints + iDtJ)
        let sa = acc + o.sa, am = acc + o.am, sq = acc + o.sq, h = acc + o.h
        let (p, q, c, nt, nPA, nSA, d, nDt, stride) = (self.p, self.q, self.c, self.nt, self.nPA, self.nSA, self.d, self.nDt, self.stride)
        let shifted = self.shifted, lnConst = self.lnConst
        let needShape = order != .value && nSA > 0
        let needPOI = order != .value && nPA > 0
        var value = 0.0, s0 = 0.0, bad = 0.0
        for i in range {
            let r = rows + i &* stride
            let w = r[0]
            let cr = UnsafePointer(r + 1)
            let rhat = 1 + Self.dot(mono, cr, c)
            guard rhat > 0 else { bad += 1; continue }
            let dl = cr + c
            let e: Double, gi: Double
            if shifted {
                let t = lnConst + Self.dot(tval, dl, nt)
                e = rhat * exp(t) - 1
                gi = log(rhat) + t
            } else {
                e = rhat - 1
                gi = log(rhat)
            }
            value += w * (e - gi)
            guard order != .value else { continue }
            let we = w * e
            s0 += we
            if needShape { for a in 0..<nt { sa[a] += we * dl[a] } }
            let inv = 1 / rhat
            let wei = we * inv
            if needPOI { for m in 0..<c { am[m] += wei * cr[m] } }
            guard order == .hessian else { continue }
            for j in 0..<q { sq[j] += wei * cr[p &+ j] }
            for ai in 0..<nPA {
                let a = poi[ai]
                var dr = cr[a]
                for n in 0..<p { dr += r[pair[a &* p &+ n]] * tp[a &* p &+ n] }
                g[ai] = dr * inv
            }
            // ∂T/∂ν_j over the non-zero ∂ν^A/∂ν_j only: each term touches at most its degree.
            for j in 0..<nSA { g[nPA &+ j] = 0 }
            for k in 0..<nDt { g[nPA &+ dtJ[k]] += dl[dtA[k]] * dtV[k] }
            for a in 0..<d { batch[a &* Self.batch &+ filled] = g[a] }
            bw[filled] = w
            bwf[filled] = w + we
            filled &+= 1
            if filled == Self.batch {
                flush(batch, bw, bwf, scratch: scratch, into: h)
                filled = 0
            }
        }
        if filled > 0 {
            // The unused lanes hold zero weight and zero derivatives: they add +0 to every sum.
            for j in filled..<Self.batch {
                bw[j] = 0
                bwf[j] = 0
                for a in 0..<d { batch[a &* Self.batch &+ j] = 0 }
            }
            flush(batch, bw, bwf, scratch: scratch, into: h)
        }
        acc[0] = value
        acc[1] = s0
        acc[o.bad] = bad
        slot.update(from: acc, count: width)
    }
}
