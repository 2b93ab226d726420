import Foundation

extension LimitScanner {
    /// The crossing q(t) = level on a ray solved together with the profile, one pass per step,
    /// instead of a full minimization at every trial t.
    ///
    /// At (t, ν) the quadratic model of u with a Hessian H, minimized over the free parameters,
    /// gives the profiled q along the ray to second order (eq. 10):
    ///
    ///     q(t + δ) ≈ u − ½ g_fᵀH_ff⁻¹g_f + (g_s·d − bᵀH_ff⁻¹g_f) δ + ½ (dᵀH_ss d − bᵀH_ff⁻¹b) δ²,
    ///     b = H_fs d,   ν(t + δ) = ν − H_ff⁻¹(g_f + b δ),
    ///
    /// so each step moves t to the model's root and ν to its minimum at once (Newton on the
    /// system ∇_f u = 0, u = level). H starts as the warm start's (a neighbouring solution's, or
    /// the SM's) and is kept while the steps contract by `jointContraction` (chord steps, one
    /// gradient pass each); when they do not — far from the Gaussian regime, e.g. along a POI
    /// whose linear term is small so q grows like θ⁴ — the next pass also sums the Hessian at
    /// the current point (a diverging chord step is undone first), which makes the iteration
    /// Newton's and quadratically convergent. It stops only where the ordinary stopping rules
    /// hold: Newton decrement g_fᵀH_ff⁻¹g_f below the profiler's tolerance and
    /// |u − level| ≤ tolerance·level. Nil when even a fresh Hessian does not contract or a step
    /// leaves the physical region or the range: the caller then runs the nested search.
    func jointCrossing(scan: [Int], direction: [Double], level: Double, free: [Int], t0: Double, tMax: Double,
                       tolerance: Double, warm: ProfilePoint?) -> Crossing? {
        let active = (free + scan).sorted()
        let d = active.count, f = free.count
        guard let warm, warm.free == free, warm.hessian.count == d * d, f > 0, t0 > 0, t0 < tMax else { return nil }
        let fp = free.map { active.firstIndex(of: $0)! }, sp = scan.map { active.firstIndex(of: $0)! }
        /// H_ff, z = H_ff⁻¹ b and the profiled curvature dᵀH_ss d − bᵀz of a Hessian.
        func reduce(_ h: [Double]) -> (hff: [Double], b: [Double], z: [Double], curvature: Double)? {
            let hff = fp.flatMap { i in fp.map { h[i * d + $0] } }
            let b = fp.map { i in zip(sp, direction).reduce(0) { $0 + h[i * d + $1.0] * $1.1 } }
            var c = 0.0
            for (i, di) in zip(sp, direction) { for (j, dj) in zip(sp, direction) { c += di * h[i * d + j] * dj } }
            guard let z = LinearAlgebra.solveSPD(hff, b) else { return nil }
            return (hff, b, z, c - zip(b, z).reduce(0) { $0 + $1.0 * $1.1 })
        }
        var h = warm.hessian
        guard var m = reduce(h) else { return nil }
        let statistic = profiler.statistic
        var t = warm.method == "SM" ? t0 : modelRoot(warm: warm, scan: scan, direction: direction, level: level, sp: sp, fp: fp, d: d, tGuess: t0, tMax: tMax) ?? t0
        var x = predictedStart(from: warm, scan: scan, values: direction.map { $0 * t }, free: free)
        // The last accepted point, to return to when a chord step diverges.
        var anchor: (x: [Double], t: Double)? = nil
        var previousMerit = Double.infinity
        var wantHessian = false
        var previousPass: (x: [Double], g: [Double])? = nil
        var fresh = false
        var passes = 0
        defer { profiler.record(minimizationPasses: passes) }
        for _ in 0..<jointMaxSteps {
            let ev = statistic.evaluate(x, active: active, order: wantHessian ? .hessian : .gradient)
            passes += 1
            guard ev.badEvent == nil, ev.value.isFinite else { return nil }
            if wantHessian {
                guard let reduced = reduce(ev.hessian) else { return nil }
                h = ev.hessian
                m = reduced
                fresh = true
                wantHessian = false
            } else if let last = previousPass, let updated = Self.secantUpdate(h, d: d, s: zip(active.map { x[$0] }, last.x).map { $0 - $1 },
                                                                              y: zip(ev.gradient, last.g).map { $0 - $1 }),
                      let reduced = reduce(updated) {
                h = updated
                m = reduced
            }
            previousPass = (active.map { x[$0] }, ev.gradient)
            let gf = fp.map { ev.gradient[$0] }
            let gs = sp.map { ev.gradient[$0] }
            guard let y = LinearAlgebra.solveSPD(m.hff, gf) else { return nil }
            let decrement = zip(gf, y).reduce(0) { $0 + $1.0 * $1.1 }
            if decrement < profiler.decrementTolerance, abs(ev.value - level) <= tolerance * level {
                let point = ProfilePoint(q: ev.value, x: x, free: free, extraGradient: gs, hessian: h, method: "newton (joint)",
                                         iterations: passes, passes: passes)
                return Crossing(t: t, closed: true, point: point)
            }
            let q0 = ev.value - 0.5 * decrement
            // Distance from the solution in units of u: the excess over the profile plus the
            // miss of the level.
            let merit = decrement + abs(q0 - level)
            if merit > jointContraction * previousMerit, !(decrement < profiler.decrementTolerance && previousMerit.isInfinite) {
                if fresh && merit >= previousMerit { return nil }
                if !fresh {
                    wantHessian = true
                    if merit >= previousMerit, let anchor {
                        // The chord step made things worse: renew the Hessian where we came from.
                        x = anchor.x
                        t = anchor.t
                        previousMerit = .infinity
                        continue
                    }
                }
            }
            fresh = false
            previousMerit = merit
            anchor = (x, t)
            let slope = zip(gs, direction).reduce(0) { $0 + $1.0 * $1.1 } - zip(m.b, y).reduce(0) { $0 + $1.0 * $1.1 }
            guard slope > 0 else {
                if wantHessian { continue }
                return nil
            }
            // Near the level: the root of q0 + slope δ + ½ curvature δ² = level nearest δ = 0, in
            // the stable form. Far from it the curvature of a stale Hessian says little (q of a
            // POI with a small linear term grows like t⁴), and Newton on √q − √level, which is
            // linear in t where q is quadratic, reaches the level from either side.
            var delta: Double
            if abs(q0 - level) > 0.25 * level, q0 > 0 {
                delta = 2 * q0.squareRoot() * (level.squareRoot() - q0.squareRoot()) / slope
            } else {
                let disc = slope * slope - 2 * m.curvature * (q0 - level)
                delta = disc >= 0 ? 2 * (level - q0) / (slope + disc.squareRoot()) : (level - q0) / slope
            }
            guard delta.isFinite else { return nil }
            // A step beyond the model's reach (halving or doubling t) is clipped, and the next
            // pass renews the Hessian there.
            if delta > t || delta < -0.5 * t { delta = min(max(delta, -0.5 * t), t); wantHessian = true }
            guard t + delta < tMax else { return nil }
            t += delta
            for (i, v) in zip(scan, direction) { x[i] = v * t }
            for (k, i) in free.enumerated() { x[i] -= y[k] + m.z[k] * delta }
        }
        return nil
    }

    /// The crossing predicted from the warm solution alone, before any pass: around it the
    /// profiled q in the scanned parameters s is q_w + g·(s − s_w) + ½ (s − s_w)ᵀ P (s − s_w),
    /// with g the envelope gradient (`extraGradient`) and P = H_ss − H_sf H_ff⁻¹ H_fs the profiled
    /// Hessian, so along s = t·d the level is reached at a root of a quadratic in t. From a
    /// neighbouring ray's crossing this misses by O(Δφ³) where the previous crossing's t misses
    /// by O(Δφ); from the SM it is the Gaussian guess. The root nearest `tGuess`; nil when the
    /// model has none inside (0, tMax).
    func modelRoot(warm: ProfilePoint, scan: [Int], direction: [Double], level: Double, sp: [Int], fp: [Int], d: Int,
                   tGuess: Double, tMax: Double) -> Double? {
        let h = warm.hessian
        guard warm.extraGradient.count == scan.count, warm.q.isFinite else { return nil }
        // P d and P s_w through H_ff⁻¹ H_fs applied to both vectors.
        let a = scan.map { warm.x[$0] }
        func profiled(_ v: [Double]) -> [Double]? {
            let hfs = fp.map { i in zip(sp, v).reduce(0) { $0 + h[i * d + $1.0] * $1.1 } }
            guard let y = LinearAlgebra.solveSPD(fp.flatMap { i in fp.map { h[i * d + $0] } }, hfs) else { return nil }
            return sp.map { (i: Int) -> Double in
                var s = 0.0
                for (j, vj) in zip(sp, v) { s += h[i * d + j] * vj }
                for (j, yj) in zip(fp, y) { s -= h[i * d + j] * yj }
                return s
            }
        }
        guard let pd = profiled(direction), let pa = profiled(a) else { return nil }
        let dot = { (u: [Double], v: [Double]) in zip(u, v).reduce(0) { $0 + $1.0 * $1.1 } }
        let g = warm.extraGradient
        let c2 = 0.5 * dot(direction, pd), c1 = dot(g, direction) - dot(pa, direction)
        let c0 = warm.q - dot(g, a) + 0.5 * dot(a, pa) - level
        guard c2 > 0 else { return nil }
        let disc = c1 * c1 - 4 * c2 * c0
        guard disc >= 0 else { return nil }
        let roots = [(-c1 - disc.squareRoot()) / (2 * c2), (-c1 + disc.squareRoot()) / (2 * c2)].filter { $0 > 0 && $0 < tMax }
        return roots.min { abs($0 - tGuess) < abs($1 - tGuess) }
    }

    /// The BFGS update of a Hessian from one step s and the gradient change y it caused:
    /// H + y yᵀ/(yᵀs) − H s sᵀH/(sᵀHs). It makes H exact along s at no pass, so the chord steps
    /// of a crossing — and the next crossing, which inherits H — contract faster. Nil when the
    /// curvature yᵀs is not safely positive (H would lose definiteness).
    static func secantUpdate(_ h: [Double], d: Int, s: [Double], y: [Double]) -> [Double]? {
        let hs = (0..<d).map { i in (0..<d).reduce(0.0) { $0 + h[i * d + $1] * s[$1] } }
        let sy = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 }, shs = zip(s, hs).reduce(0) { $0 + $1.0 * $1.1 }
        let ss = s.reduce(0) { $0 + $1 * $1 }, yy = y.reduce(0) { $0 + $1 * $1 }
        guard sy > 1e-8 * (ss * yy).squareRoot(), shs > 0, sy.isFinite, shs.isFinite else { return nil }
        var out = h
        for i in 0..<d { for j in 0..<d { out[i * d + j] += y[i] * y[j] / sy - hs[i] * hs[j] / shs } }
        return out
    }

    /// Passes the joint iteration may take before handing over to the nested search.
    var jointMaxSteps: Int { 12 }
    /// A chord step must shrink the distance from the solution at least this much, or the next
    /// pass renews the Hessian.
    var jointContraction: Double { 0.1 }
}
