import Foundation

extension LimitScanner {
    /// The crossing q(t) = level on a ray solved together with the profile, one gradient pass
    /// per step, instead of a full minimization at every trial t.
    ///
    /// At (t, ν) the quadratic model of u with the Hessian H of a nearby solution, minimized over
    /// the free parameters, gives the profiled q along the ray to second order (eq. 10):
    ///
    ///     q(t + δ) ≈ u − ½ g_fᵀH_ff⁻¹g_f + (g_s·d − bᵀH_ff⁻¹g_f) δ + ½ (dᵀH_ss d − bᵀH_ff⁻¹b) δ²,
    ///     b = H_fs d,   ν(t + δ) = ν − H_ff⁻¹(g_f + b δ),
    ///
    /// so each step moves t to the model's root and ν to its minimum at once (Newton on the
    /// system ∇_f u = 0, u = level). It stops only where the ordinary stopping rules hold: Newton
    /// decrement g_fᵀH_ff⁻¹g_f below the profiler's tolerance and |u − level| ≤ tolerance·level.
    /// Nil when it cannot (no usable Hessian, a step leaving the physical region or the range,
    /// slow convergence): the caller then runs the nested search.
    func jointCrossing(scan: [Int], direction: [Double], level: Double, free: [Int], t0: Double, tMax: Double,
                       tolerance: Double, warm: ProfilePoint?) -> Crossing? {
        let active = (free + scan).sorted()
        let d = active.count, f = free.count
        guard let warm, warm.free == free, warm.hessian.count == d * d, f > 0, t0 > 0, t0 < tMax else { return nil }
        let h = warm.hessian
        let fp = free.map { active.firstIndex(of: $0)! }, sp = scan.map { active.firstIndex(of: $0)! }
        let hff = fp.flatMap { i in fp.map { h[i * d + $0] } }
        let b = fp.map { i in zip(sp, direction).reduce(0) { $0 + h[i * d + $1.0] * $1.1 } }
        var c = 0.0
        for (i, di) in zip(sp, direction) { for (j, dj) in zip(sp, direction) { c += di * h[i * d + j] * dj } }
        guard let z = LinearAlgebra.solveSPD(hff, b) else { return nil }
        let curvature = c - zip(b, z).reduce(0) { $0 + $1.0 * $1.1 }
        let statistic = profiler.statistic
        var t = t0
        var x = predictedStart(from: warm, scan: scan, values: direction.map { $0 * t0 }, free: free)
        var previousDecrement = Double.infinity
        var passes = 0
        defer { profiler.record(minimizationPasses: passes) }
        for _ in 0..<12 {
            let ev = statistic.evaluate(x, active: active, order: .gradient)
            passes += 1
            guard ev.badEvent == nil, ev.value.isFinite else { return nil }
            let gf = fp.map { ev.gradient[$0] }
            let gs = sp.map { ev.gradient[$0] }
            guard let y = LinearAlgebra.solveSPD(hff, gf) else { return nil }
            let decrement = zip(gf, y).reduce(0) { $0 + $1.0 * $1.1 }
            if decrement < profiler.decrementTolerance, abs(ev.value - level) <= tolerance * level {
                let point = ProfilePoint(q: ev.value, x: x, free: free, extraGradient: gs, hessian: h, method: "newton (joint)",
                                         iterations: passes, passes: passes)
                return Crossing(t: t, closed: true, point: point)
            }
            guard decrement < 0.1 * previousDecrement || decrement < profiler.decrementTolerance else { return nil }
            previousDecrement = decrement
            let q0 = ev.value - 0.5 * decrement
            let slope = zip(gs, direction).reduce(0) { $0 + $1.0 * $1.1 } - zip(b, y).reduce(0) { $0 + $1.0 * $1.1 }
            guard slope > 0 else { return nil }
            // The root of q0 + slope δ + ½ curvature δ² = level nearest δ = 0, in the stable form.
            let disc = slope * slope - 2 * curvature * (q0 - level)
            let delta = disc >= 0 ? 2 * (level - q0) / (slope + disc.squareRoot()) : (level - q0) / slope
            guard delta.isFinite, t + delta > 0, t + delta < tMax, abs(delta) < t else { return nil }
            t += delta
            for (i, v) in zip(scan, direction) { x[i] = v * t }
            for (k, i) in free.enumerated() { x[i] -= y[k] + z[k] * delta }
        }
        return nil
    }
}
