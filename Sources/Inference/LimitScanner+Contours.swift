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
        let decrementTolerance = profiler.decrementTolerance
        profiler.decrementTolerance = max(decrementTolerance, settings.contourDecrementTolerance)
        defer { profiler.decrementTolerance = decrementTolerance }

        struct Ray { var phi: Double; var t: [Double]; var closed: [Bool]; var points: [[Double]]; var gradients: [[Double]]; var warm: [ProfilePoint?] }
        var last: [ProfilePoint?] = Array(repeating: nil, count: levels.count)
        var lastT: [Double] = levels.map { $0.squareRoot() }
        func ray(_ phi: Double, warm: [ProfilePoint?], tGuess: [Double]) throws -> Ray {
            let dir = [l11 * cos(phi), l21 * cos(phi) + l22 * sin(phi)]
            let tMax = zip(dir, ranges).map { abs($0.0) > 0 ? $0.1 / abs($0.0) : .infinity }.min()!
            var r = Ray(phi: phi, t: [], closed: [], points: [], gradients: [], warm: [])
            var start = warm
            for (k, level) in levels.enumerated() {
                var w = start[k]
                var guess = tGuess[k]
                if k > 0, let prev = r.t.last, r.closed[k - 1] {
                    guess = prev * (level / levels[k - 1]).squareRoot()
                    if w == nil { w = r.warm[k - 1] }
                }
                let cross = try crossing(scan: scan, direction: dir, level: level, free: free, tGuess: guess, tMax: tMax,
                                         tolerance: settings.contourLevelTolerance, warm: &w)
                r.t.append(cross.t)
                r.closed.append(cross.closed)
                r.points.append([dir[0] * cross.t, dir[1] * cross.t])
                r.gradients.append(cross.point.extraGradient)
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
        // Refine the angular gaps. A gap whose two ends are crossings with known tangents (the
        // contour is ⟂ ∇q, and ∇q in the scanned POIs is the envelope gradient of the profile)
        // has its curve's distance from the chord predicted by the Hermite cubic through them,
        // accurate to fourth order in the gap; gaps predicted within half the tolerance are
        // accepted without a ray. The others get their midpoint ray, and are bisected further
        // while that ray misses the chord by more than the tolerance.
        var maxDeviation = 0.0
        func extents(_ k: Int) -> [Double] {
            let xs = rays.map { $0.points[k][0] }, ys = rays.map { $0.points[k][1] }
            return [max(xs.max()! - xs.min()!, 1e-300), max(ys.max()! - ys.min()!, 1e-300)]
        }
        func predicted(_ left: Ray, _ right: Ray) -> Double {
            var worst = 0.0
            for k in levels.indices {
                guard left.closed[k], right.closed[k] else { return .infinity }
                worst = max(worst, Self.hermiteDeviation(left.points[k], left.gradients[k], right.points[k], right.gradients[k], scale: extents(k)))
            }
            return worst
        }
        var pending = Array(0..<rays.count).map { (rays[$0].phi, $0 + 1 < rays.count ? rays[$0 + 1].phi : 2 * Double.pi) }
        let minGap = 2 * Double.pi / Double(max(settings.maxRays, n0))
        while let (lo, hi) = pending.popLast() {
            guard rays.count < settings.maxRays else { break }
            let left = rays.first { $0.phi == lo }!
            let right = rays.first { $0.phi == hi.truncatingRemainder(dividingBy: 2 * Double.pi) }!
            let guess = predicted(left, right)
            if guess <= 0.5 * settings.contourTolerance {
                maxDeviation = max(maxDeviation, guess)
                continue
            }
            let mid = try ray(0.5 * (lo + hi), warm: left.warm, tGuess: left.t)
            rays.append(mid)
            var deviation = 0.0
            for k in levels.indices {
                deviation = max(deviation, Self.distanceToSegment(mid.points[k], left.points[k], right.points[k], scale: extents(k)))
            }
            if deviation > settings.contourTolerance, hi - lo > 2 * minGap {
                pending.append((lo, 0.5 * (lo + hi)))
                pending.append((0.5 * (lo + hi), hi))
            } else {
                maxDeviation = max(maxDeviation, deviation, predicted(left, mid), predicted(mid, right))
            }
        }
        rays.sort { $0.phi < $1.phi }
        return levels.indices.map { k in
            ContourResult(pois: [model.parameterNames[a], model.parameterNames[b]], level: levels[k], nuisances: nuisances,
                          points: rays.map { $0.points[k] }, closed: rays.allSatisfy { $0.closed[k] }, rays: rays.count,
                          maxChordDeviation: maxDeviation, tolerance: settings.contourTolerance)
        }
    }

    /// The largest distance from the chord p1–p2 of the Hermite cubic through p1 and p2 with the
    /// contour's tangents there (⟂ the gradients g1, g2, counter-clockwise, scaled to the chord's
    /// length), each axis divided by its scale; sampled at nine points along the gap.
    static func hermiteDeviation(_ p1: [Double], _ g1: [Double], _ p2: [Double], _ g2: [Double], scale: [Double]) -> Double {
        let a = [p1[0] / scale[0], p1[1] / scale[1]], b = [p2[0] / scale[0], p2[1] / scale[1]]
        let chord = ((b[0] - a[0]) * (b[0] - a[0]) + (b[1] - a[1]) * (b[1] - a[1])).squareRoot()
        func tangent(_ g: [Double]) -> [Double]? {
            // ∇q rotated by +90° is the counter-clockwise tangent; in scaled axes it stretches by 1/scale.
            let tx = -g[1] / scale[0], ty = g[0] / scale[1]
            let n = (tx * tx + ty * ty).squareRoot()
            return n > 0 && n.isFinite ? [tx / n * chord, ty / n * chord] : nil
        }
        guard chord > 0, let m1 = tangent(g1), let m2 = tangent(g2) else { return chord > 0 ? .infinity : 0 }
        var worst = 0.0
        for j in 1..<10 {
            let s = Double(j) / 10, s2 = s * s, s3 = s2 * s
            let h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s, h01 = -2 * s3 + 3 * s2, h11 = s3 - s2
            let p = [h00 * a[0] + h10 * m1[0] + h01 * b[0] + h11 * m2[0], h00 * a[1] + h10 * m1[1] + h01 * b[1] + h11 * m2[1]]
            worst = max(worst, distanceToSegment(p, a, b, scale: [1, 1]))
        }
        return worst
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
