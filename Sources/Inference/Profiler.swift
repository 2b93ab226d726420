import Foundation

/// How the nuisance minimization of eq. (10) is done.
public enum MinimizerMethod: String, Codable, Sendable, CaseIterable {
    /// Damped Newton with the analytic Hessian of eq. (94) (same pass as the gradient);
    /// falls back to NLopt L-BFGS when it does not converge.
    case newton
    /// NLopt LD_LBFGS with the analytic gradient: the reference.
    case lbfgs
    /// NLopt LD_SLSQP with the analytic gradient.
    case slsqp
}

/// One profiled point: q_θ = min over the free parameters of u (eq. 10; for Asimov data the
/// global minimum is u = 0 at the SM, checked by `Profiler.verifySM`).
public struct ProfilePoint: Sendable {
    public var q: Double
    /// The full parameter vector at the minimum.
    public var x: [Double]
    public var free: [Int]
    /// ∂u/∂p of the `extra` parameters at the minimum: by the envelope theorem the derivative
    /// of the profiled q along the fixed ones.
    public var extraGradient: [Double]
    /// The Hessian over free + extra (sorted, row-major) when Newton ran: evaluated at the
    /// minimum or at a nearby point of the same minimization (chord steps keep the last one).
    public var hessian: [Double]
    public var method: String
    public var iterations: Int
    public var passes: Int
}

/// Aggregate convergence figures for a report.
public struct ConvergenceLog: Codable, Sendable {
    public var minimizations = 0
    public var passes = 0
    /// Of those, the passes that also summed the Hessian.
    public var hessianPasses = 0
    public var maxIterations = 0
    public var newtonFallbacks = 0
    public var failures: [String] = []
}

/// Profiles u over chosen parameters with warm starts. Not thread-safe: the statistic's
/// event sum is already threaded.
public final class Profiler: @unchecked Sendable {
    public let statistic: AsimovStatistic
    public var method: MinimizerMethod
    public private(set) var log = ConvergenceLog()
    /// Newton's stopping rule: the Newton decrement gᵀH⁻¹g (≈ 2 × the remaining excess in u).
    public var decrementTolerance = 1e-11
    /// Newton iterations, and a twentieth of NLopt's evaluation budget.
    public var maxIterations = 60
    /// Below this Newton decrement trial points get value and gradient only (chord steps).
    public var chordBelow = 1e-2
    /// A chord step must shrink the decrement at least this much, or the Hessian is renewed.
    public var chordRate = 0.1

    public init(statistic: AsimovStatistic, method: MinimizerMethod = .newton) {
        self.statistic = statistic
        self.method = method
    }

    public var model: AsimovModel { statistic.model }

    /// Checks the Asimov property: u = 0 and ∇u = 0 at θ = ν = 0 (eq. 94 with R = λ = 1).
    public func verifySM() throws {
        let all = Array(0..<model.parameterCount)
        let ev = statistic.evaluate(Array(repeating: 0, count: model.parameterCount), active: all, order: .gradient)
        let norm = ev.gradient.map(abs).max() ?? 0
        guard ev.value == 0, norm == 0 else { throw InferenceError.asimovNotAtSM(q: ev.value, gradientNorm: norm) }
    }

    /// min over `free` of u, the other parameters held at `start`'s values; `start` is also the
    /// warm start. Throws `.notConverged` (with the point) rather than return an unconverged q,
    /// and `.nonPositiveRate` when the fixed values make R ≤ 0 for some event.
    public func profile(start: [Double], free: [Int], extra: [Int] = [], hessianGuess: [Double]? = nil) throws -> ProfilePoint {
        log.minimizations += 1
        let before = statistic.passes
        let hessiansBefore = statistic.hessianPasses
        defer { log.hessianPasses += statistic.hessianPasses - hessiansBefore }
        if free.isEmpty {
            let ev = statistic.evaluate(start, active: extra, order: .gradient)
            try check(ev)
            log.passes += statistic.passes - before
            return ProfilePoint(q: ev.value, x: start, free: [], extraGradient: ev.gradient, hessian: [], method: "none", iterations: 0, passes: 1)
        }
        var result: ProfilePoint?
        var why = method.rawValue
        if method == .newton {
            result = try newton(start: start, free: free, extra: extra, hessianGuess: hessianGuess)
            if result == nil { log.newtonFallbacks += 1 }
        }
        if result == nil {
            let algorithm: NLopt.Algorithm = method == .slsqp ? .slsqp : .lbfgs
            let (point, termination) = try nlopt(algorithm, start: start, free: free, extra: extra)
            result = point
            why += " → \(algorithm.rawValue): \(termination)"
        }
        guard var point = result else {
            let ev = statistic.evaluate(start, active: free, order: .gradient)
            let point = Dictionary(uniqueKeysWithValues: zip(model.parameterNames, start))
            let failure = InferenceError.notConverged(method: why, point: point, q: ev.value,
                                                      gradientNorm: ev.gradient.map(abs).max() ?? .nan, iterations: 0)
            log.failures.append(failure.localizedDescription)
            throw failure
        }
        point.passes = statistic.passes - before
        log.passes += point.passes
        log.maxIterations = max(log.maxIterations, point.iterations)
        return point
    }

    /// Books a minimization done outside `profile` (the joint crossing search) in the log.
    func record(minimizationPasses passes: Int) {
        log.minimizations += 1
        log.passes += passes
    }

    private func check(_ ev: AsimovStatistic.Evaluation) throws {
        if let bad = ev.badEvent {
            throw InferenceError.nonPositiveRate(source: model.source, event: bad, rate: statistic.rate(event: bad, at: ev.point))
        }
    }

    /// Damped Newton on the free block; nil when it does not converge in its budget.
    ///
    /// The Hessian pass costs about twice a gradient pass, and near the minimum the Hessian
    /// barely changes, so once the Newton decrement is below `chordBelow` the trial points are
    /// evaluated with value and gradient only and the last Hessian is kept (chord Newton,
    /// linearly convergent at the rate of the Hessian's relative change). A fresh Hessian is
    /// taken whenever a step with an older one fails Armijo, cannot be solved, or shrinks the
    /// decrement by less than `chordRate`. `hessianGuess` (over free + extra, sorted, e.g. from
    /// the previous point of a scan) lets the very first pass be a gradient pass too. The
    /// stopping rule is unchanged: gᵀH⁻¹g < `decrementTolerance` with the Hessian in use.
    private func newton(start: [Double], free: [Int], extra: [Int], hessianGuess: [Double]?) throws -> ProfilePoint? {
        let active = (free + extra).sorted()
        let pos = free.map { active.firstIndex(of: $0)! }
        let extraPos = extra.map { active.firstIndex(of: $0)! }
        let d = active.count, f = free.count
        var x = start
        var hessian = hessianGuess?.count == d * d ? hessianGuess : nil
        var ev = statistic.evaluate(x, active: active, order: hessian == nil ? .hessian : .gradient)
        if ev.badEvent != nil {
            // The warm start can be outside the physical region while the fixed values are
            // fine; the reference minimizer starts again from the nuisances at 0.
            var reset = start
            for i in free { reset[i] = 0 }
            x = reset
            hessian = nil
            ev = statistic.evaluate(x, active: active, order: .hessian)
            try check(ev)
        }
        var h = hessian ?? ev.hessian
        var fresh = hessian == nil
        var previousDecrement = Double.infinity
        var mu = 0.0
        func refresh() {
            ev = statistic.evaluate(x, active: active, order: .hessian)
            h = ev.hessian
            fresh = true
            previousDecrement = .infinity
        }
        for iteration in 0..<maxIterations {
            let g = pos.map { ev.gradient[$0] }
            var block = [Double](repeating: 0, count: f * f)
            for i in 0..<f { for j in 0..<f { block[i * f + j] = h[pos[i] * d + pos[j]] } }
            let diag = (0..<f).map { block[$0 * f + $0] }.max() ?? 1
            if mu > 0 { for i in 0..<f { block[i * f + i] += mu * max(diag, 1) } }
            guard let step = LinearAlgebra.solveSPD(block, g.map { -$0 }) else {
                if !fresh { refresh(); continue }
                mu = max(mu * 10, 1e-8)
                if mu > 1e8 { return nil }
                continue
            }
            let decrement = -zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }
            if mu == 0, decrement < decrementTolerance {
                return ProfilePoint(q: ev.value, x: x, free: free, extraGradient: extraPos.map { ev.gradient[$0] },
                                    hessian: h, method: "newton", iterations: iteration, passes: 0)
            }
            if !fresh, decrement > chordRate * previousDecrement { refresh(); continue }
            previousDecrement = decrement
            var trial = x
            for (k, i) in free.enumerated() { trial[i] += step[k] }
            let chord = decrement < chordBelow
            let next = statistic.evaluate(trial, active: active, order: chord ? .gradient : .hessian)
            // Armijo on the predicted decrease; rounding of u (≈1e-16 |u| per summand) must not
            // reject the last tiny steps.
            let slack = 1e-13 * max(abs(ev.value), 1)
            if next.badEvent == nil, next.value <= ev.value - 1e-4 * decrement + slack {
                x = trial
                ev = next
                if !chord { h = next.hessian; fresh = true; previousDecrement = .infinity } else { fresh = false }
                mu = mu > 1e-6 ? mu / 10 : 0
            } else if !fresh {
                refresh()
            } else {
                mu = max(mu * 10, 1e-6)
                if mu > 1e8 { return nil }
            }
        }
        return nil
    }

    /// The NLopt reference; nil when NLopt does not report convergence, with NLopt's reason.
    private func nlopt(_ algorithm: NLopt.Algorithm, start: [Double], free: [Int], extra: [Int]) throws -> (ProfilePoint?, String) {
        var origin = start
        if statistic.evaluate(start, active: [], order: .value).badEvent != nil {
            for i in free { origin[i] = 0 }
        }
        // Diagonal preconditioning y = √H_ii (x − x₀): the curvatures of POIs and nuisances differ
        // by orders of magnitude, and unscaled L-BFGS takes a first step of length |∇u| that
        // overflows the exponentials and ends in NLOPT_FAILURE.
        let h0 = statistic.evaluate(origin, active: free, order: .hessian)
        let scale = free.indices.map { k in (h0.hessian.isEmpty ? 1 : max(abs(h0.hessian[k * free.count + k]), 1)).squareRoot() }
        let startFree = [Double](repeating: 0, count: free.count)
        let base = origin
        let statistic = self.statistic
        let objective: ([Double], inout [Double]) -> Double = { y, gradient in
            var point = base
            for (k, i) in free.enumerated() { point[i] = base[i] + y[k] / scale[k] }
            let ev = statistic.evaluate(point, active: free, order: .gradient)
            guard ev.badEvent == nil, ev.value.isFinite else {
                // Outside the physical region or overflowing: a huge value makes the line search back off.
                for k in gradient.indices { gradient[k] = 0 }
                return 1e300
            }
            for k in gradient.indices { gradient[k] = ev.gradient[k] / scale[k] }
            return ev.value
        }
        // L-BFGS gives up (NLOPT_FAILURE) on badly scaled starts far from the minimum; restarting
        // from its best point with a fresh curvature memory gets it there.
        var outcome = NLopt.minimize(algorithm, start: startFree, maxEvaluations: max(1, 20 * maxIterations), objective: objective)
        var restarts = 0
        while case .failed = outcome.termination, restarts < 5, outcome.value.isFinite, outcome.value < 1e300 {
            let previous = outcome
            outcome = NLopt.minimize(algorithm, start: previous.x, maxEvaluations: max(1, 20 * maxIterations), objective: objective)
            outcome.evaluations += previous.evaluations
            restarts += 1
            if !(outcome.value < previous.value) { break }
        }
        var x = base
        for (k, i) in free.enumerated() { x[i] = base[i] + outcome.x[k] / scale[k] }
        let active = (free + extra).sorted()
        let ev = statistic.evaluate(x, active: active, order: .gradient)
        try check(ev)
        let gnorm = free.map { ev.gradient[active.firstIndex(of: $0)!] }.map(abs).max() ?? 0
        let reason = "\(outcome.termination) after \(outcome.evaluations) evaluations, |grad| = \(gnorm), q = \(ev.value)"
        switch outcome.termination {
        case .converged: break
        case .roundoffLimited where gnorm < 1e-6: break
        default: return (nil, reason)
        }
        return (ProfilePoint(q: ev.value, x: x, free: free, extraGradient: extra.map { ev.gradient[active.firstIndex(of: $0)!] },
                            hessian: [], method: algorithm.rawValue, iterations: outcome.evaluations, passes: 0), reason)
    }
}
