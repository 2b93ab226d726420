import Foundation

/// Settings of the scans (levels are the χ² quantiles of eq. 3).
public struct LimitSettings: Sendable {
    public var levels1D: [Double] = [1.0, 3.84]
    public var levels2D: [Double] = [2.30, 5.99]
    /// Contours are refined until each ray point lies within this fraction of the contour's
    /// extent of the chord of its neighbours.
    public var contourTolerance = 0.01
    public var initialRays = 24
    public var maxRays = 256
    /// Scan range per POI in units of its Gaussian 1σ width (all else profiled).
    public var rangeInSigmas = 12.0
    /// Crossings are solved to |q − level| ≤ this × level.
    public var levelTolerance = 1e-7
    /// The same for the rays of the 2-D contours: 1e-6 puts each vertex within ~5·10⁻⁷ of its
    /// distance from the SM, far inside the 1% `contourTolerance` of the polygon.
    public var contourLevelTolerance = 1e-6
    /// Newton's decrement tolerance (`Profiler.decrementTolerance`) for the contours' profiles:
    /// q is then exact to ~10⁻⁹, well inside `contourLevelTolerance`.
    public var contourDecrementTolerance = 1e-9
    public init() {}
}

/// Finds q = level crossings of the profiled Asimov statistic along lines in the POI space,
/// warm-starting every minimization from the last solution moved by the linear response of
/// the free parameters (−H_ff⁻¹ H_fs Δs from the last Hessian).
public final class LimitScanner: @unchecked Sendable {
    public let profiler: Profiler
    public var settings: LimitSettings { didSet { intervalCache = [:]; intervalEnds = [:] } }
    /// Intervals already computed, per configuration and level (`intervals(poi:levels:)`).
    var intervalCache: [IntervalKey: IntervalResult] = [:]
    /// The solved ends of those intervals (index 0 lower, 1 upper), to warm-start the
    /// breakdown's configurations from.
    var intervalEnds: [IntervalKey: [ProfilePoint?]] = [:]
    /// Hessian of u at the SM over all parameters: the Gaussian approximation that seeds the scans.
    public let smHessian: [Double]

    public init(profiler: Profiler, settings: LimitSettings = LimitSettings()) throws {
        try profiler.verifySM()
        self.profiler = profiler
        self.settings = settings
        let n = profiler.model.parameterCount
        smHessian = profiler.statistic.evaluate(Array(repeating: 0, count: n), active: Array(0..<n), order: .hessian).hessian
    }

    public var model: AsimovModel { profiler.model }

    /// The free parameters for a configuration: POIs other than `scan` (when profiled) and the
    /// nuisances (when profiled), minus frozen ones.
    public func freeParameters(scan: [Int], otherPOIsProfiled: Bool = true, nuisances: NuisanceMode, alsoFrozen: Set<Int> = []) -> [Int] {
        (0..<model.parameterCount).filter { i in
            if scan.contains(i) || alsoFrozen.contains(i) { return false }
            return i < model.poiNames.count ? otherPOIsProfiled : nuisances == .profiled
        }
    }

    /// Gaussian covariance C = 2 (H⁻¹)_SS of the scanned parameters with `free` profiled:
    /// q ≈ δᵀ C⁻¹ δ near the SM.
    public func gaussianCovariance(scan: [Int], free: [Int]) -> [Double] {
        let keep = (scan + free).sorted()
        let n = model.parameterCount
        let sub = LinearAlgebra.submatrix(smHessian, size: n, keep: keep)
        guard let inv = LinearAlgebra.inverseSPD(sub, size: keep.count) else {
            return scan.flatMap { i in scan.map { $0 == i ? 1.0 : 0.0 } }
        }
        let pos = scan.map { keep.firstIndex(of: $0)! }
        return pos.flatMap { i in pos.map { 2 * inv[i * keep.count + $0] } }
    }

    /// ±range of each POI: `rangeInSigmas` Gaussian widths with everything else profiled.
    public func scanRange(_ poi: Int) -> Double {
        let c = gaussianCovariance(scan: [poi], free: (0..<model.parameterCount).filter { $0 != poi })
        return settings.rangeInSigmas * c[0].squareRoot()
    }

    public struct Crossing: Sendable {
        public var t: Double
        public var closed: Bool
        public var point: ProfilePoint
    }

    /// The first t > 0 with q(origin + t·direction) = level, the free parameters profiled;
    /// `warm` is the starting solution (updated). Stops at tMax (then `closed` is false).
    public func crossing(scan: [Int], direction: [Double], level: Double, free: [Int], tGuess: Double, tMax: Double,
                         warm: inout ProfilePoint?) throws -> Crossing {
        try crossing(scan: scan, direction: direction, level: level, free: free, tGuess: tGuess, tMax: tMax,
                     tolerance: settings.levelTolerance, warm: &warm)
    }

    /// `crossing` to |q − level| ≤ `tolerance` × level.
    func crossing(scan: [Int], direction: [Double], level: Double, free: [Int], tGuess: Double, tMax: Double,
                  tolerance: Double, warm: inout ProfilePoint?) throws -> Crossing {
        var lo = 0.0, hi = Double.infinity
        var t = min(max(tGuess, 1e-12), tMax)
        if warm == nil || warm?.free != free { warm = smWarm(scan: scan, free: free) }
        if let joint = jointCrossing(scan: scan, direction: direction, level: level, free: free, t0: t, tMax: tMax,
                                     tolerance: tolerance, warm: warm) {
            warm = joint.point
            return joint
        }
        for _ in 0..<60 {
            let start = predictedStart(from: warm, scan: scan, values: direction.map { $0 * t }, free: free)
            let guess = warm.flatMap { $0.free == free && !$0.hessian.isEmpty ? $0.hessian : nil }
            let point = try profiler.profile(start: start, free: free, extra: scan, hessianGuess: guess)
            warm = point
            let q = point.q
            let dq = zip(point.extraGradient, direction).reduce(0) { $0 + $1.0 * $1.1 }
            if abs(q - level) <= tolerance * level { return Crossing(t: t, closed: true, point: point) }
            if q < level { lo = t } else { hi = t }
            if q < level, t >= tMax { return Crossing(t: tMax, closed: false, point: point) }
            if hi.isFinite, hi - lo <= 1e-10 * hi { return Crossing(t: t, closed: true, point: point) }
            // Newton on √q − √level, which is nearly linear in t where q is nearly quadratic.
            var next = (q > 0 && dq > 0) ? t - (q.squareRoot() - level.squareRoot()) * 2 * q.squareRoot() / dq : .nan
            if hi.isFinite {
                if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            } else {
                if !(next > t) { next = 2 * t }
                next = min(next, 4 * t, tMax)
            }
            t = next
        }
        let p = Dictionary(uniqueKeysWithValues: zip(model.parameterNames, warm?.x ?? []))
        throw InferenceError.notConverged(method: "crossing of q=\(level)", point: p, q: warm?.q ?? .nan, gradientNorm: .nan, iterations: 60)
    }

    /// The SM point as a solved profile (q = 0, ν = 0) with the SM Hessian over free + scan:
    /// the first minimization of a scan then starts from the linear response of the nuisances
    /// and needs no Hessian pass of its own.
    func smWarm(scan: [Int], free: [Int]) -> ProfilePoint {
        let n = model.parameterCount
        let active = (free + scan).sorted()
        return ProfilePoint(q: 0, x: Array(repeating: 0, count: n), free: free, extraGradient: scan.map { _ in 0 },
                            hessian: LinearAlgebra.submatrix(smHessian, size: n, keep: active), method: "SM", iterations: 0, passes: 0)
    }

    /// The start for the next minimization: the fixed parameters at `values`, the free ones at the
    /// last solution plus its linear response to the change of the fixed ones.
    func predictedStart(from warm: ProfilePoint?, scan: [Int], values: [Double], free: [Int]) -> [Double] {
        var x = warm?.x ?? Array(repeating: 0, count: model.parameterCount)
        guard let warm, warm.free == free, !warm.hessian.isEmpty else {
            for (i, v) in zip(scan, values) { x[i] = v }
            return x
        }
        let active = (free + scan).sorted()
        let d = active.count
        let fp = free.map { active.firstIndex(of: $0)! }
        let sp = scan.map { active.firstIndex(of: $0)! }
        let delta = zip(scan, values).map { $0.1 - warm.x[$0.0] }
        let hff = fp.flatMap { i in fp.map { warm.hessian[i * d + $0] } }
        let rhs = fp.map { i in -zip(sp, delta).reduce(0) { $0 + warm.hessian[i * d + $1.0] * $1.1 } }
        for (i, v) in zip(scan, values) { x[i] = v }
        if let shift = LinearAlgebra.solveSPD(hff, rhs) {
            for (k, i) in free.enumerated() { x[i] += shift[k] }
        }
        return x
    }
}

/// One 1-D interval configuration: POI, level, other POIs profiled or fixed, nuisances, frozen factor.
struct IntervalKey: Hashable {
    var poi: Int
    var level: Double
    var others: Bool
    var nuisances: NuisanceMode
    var frozen: String?
}
