import Foundation

extension LimitScanner {
    /// The 1-D interval of POI `poi` at `level` (q_θ of eq. 10 with N_θ = 1), the other POIs
    /// profiled or fixed at 0, the nuisances profiled or frozen at 0, `frozenFactor`'s nuisances
    /// frozen in addition.
    public func interval(poi: Int, level: Double, otherPOIsProfiled: Bool = true, nuisances: NuisanceMode,
                         frozenFactor: String? = nil) throws -> IntervalResult {
        try intervals(poi: poi, levels: [level], otherPOIsProfiled: otherPOIsProfiled, nuisances: nuisances, frozenFactor: frozenFactor)[0]
    }

    /// The intervals of one configuration at several levels. Each end starts from the SM's
    /// linear response and each higher level from the end of the lower one (t scaled by
    /// √(level ratio), the profile warm-started with its Hessian), so a level costs a few
    /// gradient passes. Results are remembered per configuration: the breakdown's "all
    /// profiled" and "all frozen" rows are the intervals already computed.
    public func intervals(poi: Int, levels: [Double], otherPOIsProfiled: Bool = true, nuisances: NuisanceMode,
                          frozenFactor: String? = nil) throws -> [IntervalResult] {
        let key = { (level: Double) in IntervalKey(poi: poi, level: level, others: otherPOIsProfiled, nuisances: nuisances, frozen: frozenFactor) }
        let known = levels.compactMap { intervalCache[key($0)] }
        if known.count == levels.count { return known }
        let frozen = Set(frozenFactor.map { model.nuisanceIndices(ofFactor: $0) } ?? [])
        let free = freeParameters(scan: [poi], otherPOIsProfiled: otherPOIsProfiled, nuisances: nuisances, alsoFrozen: frozen)
        let sigma = gaussianCovariance(scan: [poi], free: free)[0].squareRoot()
        let range = scanRange(poi)
        let order = levels.indices.sorted { levels[$0] < levels[$1] }
        var ends = [[Crossing?]](repeating: [nil, nil], count: levels.count)
        for (side, sign) in [-1.0, 1.0].enumerated() {
            var warm: ProfilePoint? = nil
            var previous: (level: Double, t: Double)? = nil
            for k in order {
                let level = levels[k]
                var guess = previous.map { $0.t * (level / $0.level).squareRoot() } ?? level.squareRoot() * sigma
                if previous == nil, frozenFactor != nil,
                   let profiled = intervalEnds[IntervalKey(poi: poi, level: level, others: otherPOIsProfiled, nuisances: nuisances, frozen: nil)]?[side] {
                    // With one factor frozen the end lies between the all-frozen and the
                    // all-profiled one, usually near the latter: start from that solution with
                    // the factor's nuisances at 0, rather than from the SM's Gaussian width,
                    // which is far off where q is far from quadratic.
                    warm = restricted(profiled, to: free, scan: [poi])
                    guess = abs(profiled.x[poi])
                }
                let end = try crossing(scan: [poi], direction: [sign], level: level, free: free, tGuess: guess, tMax: range, warm: &warm)
                ends[k][side] = end
                previous = end.closed ? (level, end.t) : nil
                if !end.closed { warm = nil }
            }
        }
        return levels.indices.map { k in
            let result = IntervalResult(poi: model.parameterNames[poi], level: levels[k], otherPOIs: otherPOIsProfiled ? "profiled" : "fixed",
                                        nuisances: nuisances, frozenFactor: frozenFactor, lower: -ends[k][0]!.t, upper: ends[k][1]!.t,
                                        lowerClosed: ends[k][0]!.closed, upperClosed: ends[k][1]!.closed)
            intervalCache[key(levels[k])] = result
            intervalEnds[key(levels[k])] = ends[k].map { $0.flatMap { $0.closed ? $0.point : nil } }
            return result
        }
    }

    /// A solved profile over fewer free parameters: the dropped ones at 0, the Hessian reduced
    /// to the remaining free + scanned parameters. Its q is not that of the smaller problem, so
    /// it is left NaN (a crossing then starts at the given t, not at the warm model's root).
    func restricted(_ point: ProfilePoint, to free: [Int], scan: [Int]) -> ProfilePoint? {
        let wide = (point.free + scan).sorted(), narrow = (free + scan).sorted()
        guard point.hessian.count == wide.count * wide.count, narrow.allSatisfy(wide.contains) else { return nil }
        var x = point.x
        for i in point.free where !free.contains(i) { x[i] = 0 }
        let keep = narrow.map { wide.firstIndex(of: $0)! }
        return ProfilePoint(q: .nan, x: x, free: free, extraGradient: [], hessian: LinearAlgebra.submatrix(point.hessian, size: wide.count, keep: keep),
                            method: "restricted", iterations: 0, passes: 0)
    }

    /// Every POI at every 1-D level, other POIs profiled and fixed at 0, nuisances profiled and frozen.
    public func allIntervals() throws -> [IntervalResult] {
        var out: [IntervalResult] = []
        for poi in model.poiNames.indices {
            for others in [true, false] {
                for mode in NuisanceMode.allCases {
                    out += try intervals(poi: poi, levels: settings.levels1D, otherPOIsProfiled: others, nuisances: mode)
                }
            }
        }
        return out
    }

    /// Per POI the interval at `level` (default 3.84, 95% CL) with all nuisances profiled, all
    /// frozen, and each factor frozen in turn, the other POIs profiled.
    public func breakdown(level: Double = 3.84) throws -> [BreakdownRow] {
        var rows: [BreakdownRow] = []
        let factors = model.factorNames
        for poi in model.poiNames.indices {
            let all = try interval(poi: poi, level: level, nuisances: .profiled)
            let none = try interval(poi: poi, level: level, nuisances: .frozen)
            var results: [(String, IntervalResult)] = [("none", all), ("all", none)]
            for f in factors { results.append((f, try interval(poi: poi, level: level, nuisances: .profiled, frozenFactor: f))) }
            for (name, r) in results {
                let ratio = r.width / all.width
                rows.append(BreakdownRow(poi: model.poiNames[poi], frozen: name, lower: r.lower, upper: r.upper, width: r.width,
                                         relativeWidth: ratio, impact: max(0, 1 - ratio * ratio).squareRoot()))
            }
        }
        return rows
    }

    /// For each nuisance, its q = 1 profile interval with every other parameter profiled: how
    /// much the Asimov data constrain it beyond its unit prior (eq. 9).
    public func constraints() throws -> [ConstraintResult] {
        try model.nuisanceIndices.map { j in
            let free = (0..<model.parameterCount).filter { $0 != j }
            let sigma = gaussianCovariance(scan: [j], free: free)[0].squareRoot()
            var ends: [Crossing] = []
            for sign in [-1.0, 1.0] {
                var warm: ProfilePoint? = nil
                ends.append(try crossing(scan: [j], direction: [sign], level: 1, free: free, tGuess: sigma,
                                         tMax: settings.rangeInSigmas * max(sigma, 1), warm: &warm))
            }
            return ConstraintResult(nuisance: model.parameterNames[j], factor: model.factorOfParameter[j], floating: !model.constrained[j],
                                    lower: -ends[0].t, upper: ends[1].t, width: 0.5 * (ends[0].t + ends[1].t), hessianWidth: sigma)
        }
    }
}
