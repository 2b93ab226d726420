// Minimal Lorentz-vector arithmetic for the toy: a value type of four Doubles, no heap.

/// A four-momentum (px, py, pz, E) in GeV, metric (+,−,−,−) for the mass.
public struct FourVector: Sendable, Equatable {
    public var px: Double
    public var py: Double
    public var pz: Double
    public var e: Double

    @inlinable public init(px: Double, py: Double, pz: Double, e: Double) {
        self.px = px; self.py = py; self.pz = pz; self.e = e
    }

    public static let zero = FourVector(px: 0, py: 0, pz: 0, e: 0)

    /// From collider coordinates: transverse momentum, pseudorapidity, azimuth and mass.
    @inlinable public init(pt: Double, eta: Double, phi: Double, mass: Double) {
        px = pt * _cos(phi)
        py = pt * _sin(phi)
        pz = pt * _sinh(eta)
        let p2 = px * px + py * py + pz * pz
        e = (p2 + mass * mass).squareRoot()
    }

    /// A particle of mass `mass` with momentum `p` along the unit vector (nx, ny, nz).
    @inlinable public init(momentum p: Double, nx: Double, ny: Double, nz: Double, mass: Double) {
        px = p * nx; py = p * ny; pz = p * nz
        e = (p * p + mass * mass).squareRoot()
    }

    @inlinable public static func + (a: FourVector, b: FourVector) -> FourVector {
        FourVector(px: a.px + b.px, py: a.py + b.py, pz: a.pz + b.pz, e: a.e + b.e)
    }

    @inlinable public static func - (a: FourVector, b: FourVector) -> FourVector {
        FourVector(px: a.px - b.px, py: a.py - b.py, pz: a.pz - b.pz, e: a.e - b.e)
    }

    @inlinable public static func * (a: FourVector, s: Double) -> FourVector {
        FourVector(px: a.px * s, py: a.py * s, pz: a.pz * s, e: a.e * s)
    }

    @inlinable public var pt: Double { (px * px + py * py).squareRoot() }
    @inlinable public var p: Double { (px * px + py * py + pz * pz).squareRoot() }
    @inlinable public var phi: Double { _atan2(py, px) }

    /// Invariant mass; a tiny negative m² from rounding gives 0.
    @inlinable public var mass: Double {
        let m2 = e * e - px * px - py * py - pz * pz
        return m2 > 0 ? m2.squareRoot() : 0
    }

    /// Pseudorapidity η = asinh(pz/pT); ±20 for a vector along the beam.
    @inlinable public var eta: Double {
        let t = pt
        if t < 1e-12 { return pz >= 0 ? 20 : -20 }
        return _asinh(pz / t)
    }

    /// Rapidity y = ½ ln((E+pz)/(E−pz)).
    @inlinable public var rapidity: Double {
        let a = e + pz, b = e - pz
        if a <= 0 || b <= 0 { return pz >= 0 ? 20 : -20 }
        return 0.5 * _log(a / b)
    }

    /// The vector seen in a frame moving with velocity −β, i.e. this vector boosted by +β
    /// (β = (bx, by, bz), |β| < 1). Used to carry rest-frame decay products into the lab.
    @inlinable public func boosted(bx: Double, by: Double, bz: Double) -> FourVector {
        let b2 = bx * bx + by * by + bz * bz
        if b2 < 1e-300 { return self }
        let gamma = 1 / (1 - b2).squareRoot()
        let bp = bx * px + by * py + bz * pz
        let gamma2 = (gamma - 1) / b2
        let k = gamma2 * bp + gamma * e
        return FourVector(px: px + k * bx, py: py + k * by, pz: pz + k * bz, e: gamma * (e + bp))
    }

    /// The velocity β = p/E of this vector, for boosting its rest-frame daughters.
    @inlinable public var velocity: (Double, Double, Double) { (px / e, py / e, pz / e) }
}

/// Azimuthal difference wrapped into (−π, π].
@inlinable func deltaPhi(_ a: Double, _ b: Double) -> Double {
    var d = a - b
    while d > Double.pi { d -= 2 * Double.pi }
    while d <= -Double.pi { d += 2 * Double.pi }
    return d
}

/// A random unit vector, isotropic in the rest frame (two-body decays).
@inlinable func isotropicDirection(_ rng: inout CounterRNG) -> (Double, Double, Double) {
    let c = rng.uniform(-1, 1)
    let s = (max(0, 1 - c * c)).squareRoot()
    let (cp, sp) = rng.azimuth()
    return (s * cp, s * sp, c)
}

/// Momentum of either daughter in the two-body decay M → m1 m2, in the rest frame of M.
@inlinable func twoBodyMomentum(_ m: Double, _ m1: Double, _ m2: Double) -> Double {
    let a = m * m - (m1 + m2) * (m1 + m2)
    let b = m * m - (m1 - m2) * (m1 - m2)
    return a > 0 ? (a * b).squareRoot() / (2 * m) : 0
}
