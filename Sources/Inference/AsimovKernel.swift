import Foundation

/// The per-event loop of eq. (94) and its derivatives over one chunk of packed rows.
///
/// Every per-evaluation constant (θ, θ_aθ_b, the term values ν^A and their sparse derivatives)
/// lives in one raw block, so the loop touches no Swift array: no bounds or uniqueness checks,
/// no retain/release, and the chunk's sums stay in a local buffer that does not alias the
/// rows. Each chunk is summed in event order exactly as before, so `ChunkedSum`'s
/// thread-count independence holds bit for bit. The Hessian is accumulated as the packed upper
/// triangle, row after row, so its inner loop is one contiguous multiply-add stream.
struct Kernel: @unchecked Sendable {
    let p: Int, q: Int, c: Int, nt: Int, stride: Int
    let nPA: Int, nSA: Int, d: Int
    let lnConst: Double
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

    /// Adds events `range` into `slot` (zeroed; layout of `AsimovStatistic.evaluate`).
    func accumulate(rows: UnsafePointer<Double>, range: Range<Int>, order: AsimovStatistic.Order, into slot: UnsafeMutablePointer<Double>,
                    offsets o: (sa: Int, gt: Int, sq: Int, h: Int, bad: Int)) {
        let width = o.bad + 1
        let acc = UnsafeMutablePointer<Double>.allocate(capacity: width)
        acc.initialize(repeating: 0, count: width)
        let g = UnsafeMutablePointer<Double>.allocate(capacity: max(d, 1))
        g.initialize(repeating: 0, count: max(d, 1))
        defer { acc.deallocate(); g.deallocate() }
        for j in 0..<nLA { g[nPA + nSA + j] = reals[oLA + j] }
        let x = UnsafePointer(reals + oX), thth = UnsafePointer(reals + oThth), tval = UnsafePointer(reals + oTval)
        let tp = UnsafePointer(reals + oTp), dtV = UnsafePointer(reals + oDtV)
        let poi = UnsafePointer(ints + iPOI), pair = UnsafePointer(ints + iPair)
        let dtA = UnsafePointer(ints + iDtA), dtJ = UnsafePointer(ints + iDtJ)
        let sa = acc + o.sa, gt = acc + o.gt, sq = acc + o.sq, h = acc + o.h
        let (p, q, c, nt, nPA, nSA, d, nDt, stride) = (self.p, self.q, self.c, self.nt, self.nPA, self.nSA, self.d, self.nDt, self.stride)
        var value = 0.0, s0 = 0.0, bad = 0.0
        for i in range {
            let r = rows + i * stride
            let w = r[0]
            var delta = 0.0
            for a in 0..<p { delta += x[a] * r[1 + a] }
            for j in 0..<q { delta += thth[j] * r[1 + p + j] }
            let rhat = 1 + delta
            guard rhat > 0 else { bad += 1; continue }
            let dl = r + 1 + c
            var t = lnConst
            for a in 0..<nt { t += tval[a] * dl[a] }
            let gi = log1p(delta) + t
            let e = expm1(gi)
            value += w * (e - gi)
            guard order != .value else { continue }
            let we = w * e
            s0 += we
            for a in 0..<nt { sa[a] += we * dl[a] }
            let inv = 1 / rhat
            for ai in 0..<nPA {
                let a = poi[ai]
                var dr = r[1 + a]
                for n in 0..<p { dr += r[pair[a * p + n]] * tp[a * p + n] }
                let ga = dr * inv
                g[ai] = ga
                gt[ai] += we * ga
            }
            guard order == .hessian else { continue }
            let wei = we * inv
            for j in 0..<q { sq[j] += wei * r[1 + p + j] }
            // ∂T/∂ν_j over the non-zero ∂ν^A/∂ν_j only: each term touches at most its degree.
            for j in 0..<nSA { g[nPA + j] = 0 }
            for k in 0..<nDt { g[nPA + dtJ[k]] += dl[dtA[k]] * dtV[k] }
            let wf = w + we
            var k = 0
            for a in 0..<nPA {
                let ga = g[a]
                let wa = w * ga
                for b in a..<nPA { h[k] += wa * g[b]; k += 1 }
                let wfa = wf * ga
                for b in nPA..<d { h[k] += wfa * g[b]; k += 1 }
            }
            for a in nPA..<d {
                let wfa = wf * g[a]
                for b in a..<d { h[k] += wfa * g[b]; k += 1 }
            }
        }
        acc[0] = value
        acc[1] = s0
        acc[o.bad] = bad
        slot.update(from: acc, count: width)
    }
}
