import CNLopt

/// The one place that talks to NLopt and reads its status codes (conventions: one thin layer
/// per C library). Everything above sees an `NLopt.Outcome`.
enum NLopt {
    enum Algorithm: String, Sendable {
        case lbfgs = "nlopt-LD_LBFGS"
        case slsqp = "nlopt-LD_SLSQP"

        var code: nlopt_algorithm { self == .lbfgs ? NLOPT_LD_LBFGS : NLOPT_LD_SLSQP }
    }

    enum Termination: Equatable, Sendable {
        /// NLopt met one of its tolerances (status 1–4).
        case converged(String)
        /// Stopped by the evaluation or time budget (status 5, 6).
        case budgetExhausted(String)
        /// Progress stopped at the rounding limit (status −4): the caller judges the gradient.
        case roundoffLimited
        case failed(String)
    }

    struct Outcome: Sendable {
        var x: [Double]
        var value: Double
        var termination: Termination
        var evaluations: Int
    }

    /// Carries the Swift objective through NLopt's `void *` context.
    private final class Context {
        let objective: ([Double], inout [Double]) -> Double
        var evaluations = 0
        init(_ objective: @escaping ([Double], inout [Double]) -> Double) { self.objective = objective }
    }

    /// Minimizes `objective(x, &gradient)` (gradient always filled, NLopt's LD algorithms need it)
    /// from `start`.
    static func minimize(_ algorithm: Algorithm, start: [Double], relativeTolerance: Double = 1e-14,
                         maxEvaluations: Int = 2000,
                         objective: @escaping ([Double], inout [Double]) -> Double) -> Outcome {
        let n = start.count
        guard let opt = nlopt_create(algorithm.code, UInt32(n)) else {
            return Outcome(x: start, value: .nan, termination: .failed("nlopt_create returned NULL"), evaluations: 0)
        }
        defer { nlopt_destroy(opt) }
        let context = Context(objective)
        let raw = Unmanaged.passUnretained(context).toOpaque()
        let callback: nlopt_func = { count, x, gradient, data in
            let context = Unmanaged<Context>.fromOpaque(data!).takeUnretainedValue()
            context.evaluations += 1
            let point = Array(UnsafeBufferPointer(start: x!, count: Int(count)))
            var g = [Double](repeating: 0, count: Int(count))
            let value = context.objective(point, &g)
            if let gradient { for i in 0..<Int(count) { gradient[i] = g[i] } }
            return value
        }
        var status = nlopt_set_min_objective(opt, callback, raw)
        if status.rawValue > 0 { status = nlopt_set_ftol_rel(opt, relativeTolerance) }
        if status.rawValue > 0 { status = nlopt_set_xtol_rel(opt, 1e-12) }
        if status.rawValue > 0 { status = nlopt_set_maxeval(opt, Int32(maxEvaluations)) }
        guard status.rawValue > 0 else {
            return Outcome(x: start, value: .nan, termination: .failed("setting up: status \(status.rawValue)"), evaluations: 0)
        }
        var x = start
        var value = 0.0
        let result = withExtendedLifetime(context) { nlopt_optimize(opt, &x, &value) }
        let termination: Termination
        switch result.rawValue {
        case 1: termination = .converged("success")
        case 2: termination = .converged("stopval reached")
        case 3: termination = .converged("ftol reached")
        case 4: termination = .converged("xtol reached")
        case 5: termination = .budgetExhausted("maxeval reached")
        case 6: termination = .budgetExhausted("maxtime reached")
        case -4: termination = .roundoffLimited
        case -2: termination = .failed("invalid arguments")
        case -3: termination = .failed("out of memory")
        case -5: termination = .failed("forced stop")
        default: termination = .failed("failure (status \(result.rawValue))")
        }
        return Outcome(x: x, value: value, termination: termination, evaluations: context.evaluations)
    }
}
