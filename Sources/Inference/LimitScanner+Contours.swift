import Foundation

extension LimitScanner {
    /// The 2-D contours of POIs (a, b) at every 2-D level, the other POIs profiled, the
    /// nuisances profiled or frozen (figure 11).
    ///
    /// Rays leave the SM point along directions that make the Gaussian ellipse a circle
    /// (δ = t L (cos φ, sin φ), L Lᵀ = C), so equal angles sample the contour evenly; each ray
    /// solves q = level for both levels. Angles are bisected until every new ray point lies
    /// within `contourTolerance` of the contour's extent of the chord of its neighbours.
    public func contours(_ a: Int, _ b: Int, nuisances: NuisanceMode) throws -> [ContourResult] {
        let scan = [a, b]
        let free = freeParameters(scan: scan, nuisances: nuisances)
        let c = gaussianCovariance(scan: scan, free: free)
        let l11 = c[0].squareRoot(), l21 = c[2] / l11, l22 = max(c[3] - l21 * l21, 1e-30).squareRoot()
        let ranges = [scanRange(a), scanRange(b)]
        let levels = settings.levels2D

        struct Ray { var phi: Double; var t: [Double]; var closed: [Bool]; var points: [[Double]]; var warm: [ProfilePoint?] }
        var last: [ProfilePoint?] = Array(repeating: nil, count: levels.count)
        var lastT: [Double] = levels.map { $0.squareRoot() }
        func ray(_ phi: Double, warm: [ProfilePoint?], tGuess: [Double]) throws -> Ray {
            let dir = [l11 * cos(phi), l21 * cos(phi) + l22 * sin(phi)]
            let tMax = zip(dir, ranges).map { abs($0.0) > 0 ? $0.1 / abs($0.0) : .infinity }.min()!
            var r = Ray(phi: phi, t: [], closed: [], points: [], warm: [])
            var start = warm
            for (k, level) in levels.enumerated() {
                var w = start[k]
                var guess = tGuess[k]
                if k > 0, let prev = r.t.last, r.closed[k - 1] {
                    guess = prev * (level / levels[k - 1]).squareRoot()
                    if w == nil { w = r.warm[k - 1] }
                }
                let cross = try crossing(scan: scan, direction: dir, level: level, free: free, tGuess: guess, tMax: tMax, warm: &w)
                r.t.append(cross.t)
                r.closed.append(cross.closed)
                r.points.append([dir[0] * cross.t, dir[1] * cross.t])
                r.warm.append(w)
                start[k] = w
            }
            return r
        }
        let n0 = max(4, settings.initialRays)
        var rays: [Ray] = []
        for k in 0..<n0 {
            let r = try ray(2 * Double.pi * Double(k) / Double(n0), warm: last, tGuess: lastT)
            last = r.warm
            lastT = r.t
            rays.append(r)
        }
        // Bisect the angular gaps whose midpoint ray misses the chord by more than the tolerance.
        var maxDeviation = 0.0
        var pending = Array(0..<rays.count).map { (rays[$0].phi, $0 + 1 < rays.count ? rays[$0 + 1].phi : 2 * Double.pi) }
        let minGap = 2 * Double.pi / Double(max(settings.maxRays, n0))
        while let (lo, hi) = pending.popLast() {
            guard rays.count < settings.maxRays else { break }
            let left = rays.first { $0.phi == lo }!
            let right = rays.first { $0.phi == hi.truncatingRemainder(dividingBy: 2 * Double.pi) }!
            let mid = try ray(0.5 * (lo + hi), warm: left.warm, tGuess: left.t)
            rays.append(mid)
            var deviation = 0.0
            for k in levels.indices {
                let xs = rays.map { $0.points[k][0] }, ys = rays.map { $0.points[k][1] }
                let ex = max(xs.max()! - xs.min()!, 1e-300), ey = max(ys.max()! - ys.min()!, 1e-300)
                let p = mid.points[k], q1 = left.points[k], q2 = right.points[k]
                deviation = max(deviation, Self.distanceToSegment(p, q1, q2, scale: [ex, ey]))
            }
            if deviation > settings.contourTolerance, hi - lo > 2 * minGap {
                pending.append((lo, 0.5 * (lo + hi)))
                pending.append((0.5 * (lo + hi), hi))
            } else {
                maxDeviation = max(maxDeviation, deviation)
            }
        }
        rays.sort { $0.phi < $1.phi }
        return levels.indices.map { k in
            ContourResult(pois: [model.parameterNames[a], model.parameterNames[b]], level: levels[k], nuisances: nuisances,
                          points: rays.map { $0.points[k] }, closed: rays.allSatisfy { $0.closed[k] }, rays: rays.count,
                          maxChordDeviation: maxDeviation, tolerance: settings.contourTolerance)
        }
    }

    /// Distance from p to the segment q1–q2, each axis divided by its scale.
    static func distanceToSegment(_ p: [Double], _ q1: [Double], _ q2: [Double], scale: [Double]) -> Double {
        let px = p[0] / scale[0], py = p[1] / scale[1]
        let ax = q1[0] / scale[0], ay = q1[1] / scale[1], bx = q2[0] / scale[0], by = q2[1] / scale[1]
        let dx = bx - ax, dy = by - ay
        let len2 = dx * dx + dy * dy
        let s = len2 > 0 ? min(1, max(0, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0
        let ex = px - ax - s * dx, ey = py - ay - s * dy
        return (ex * ex + ey * ey).squareRoot()
    }
}
