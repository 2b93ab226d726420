// Per-event SMEFT weights for the five POIs of section 7.1 (appendix A of the paper).

/// Toy per-event SMEFT dependence for ctGRe, ctGIm, cQj18, cQj38, ctj8 (section 7.1).
///
/// Each event carries two amplitude-like vectors a, b ∈ ℝ⁵ (functions of the parton-level
/// z_p only) and its weight at Wilson coefficients θ (in units of Λ = 1 TeV) is
///
///     w(θ)/w0 = (1 + θ·a)² + (θ·b)² = 1 + θ_m r_m + θ_m θ_n r_mn   (m ≤ n),
///
/// so w(θ) ≥ 0 for every θ (a squared amplitude), r_m = 2 a_m and
/// r_mn = a_m a_n + b_m b_n for m = n, 2(a_m a_n + b_m b_n) for m < n. These are the
/// coefficients of eqs. (A.1) and (A.9), stored exactly; no base-point fit is needed.
///
/// Physics content of the toy: ctGRe rescales both initial states (interference growing
/// mildly with m(tt̄)); ctGIm is CP-odd, its interference is proportional to the CP-odd
/// triple product of the leptons, which averages to zero, so its rate effect is quadratic;
/// the colour-octet four-fermion operators act on qq̄ only and grow with ŝ/Λ²: cQj18 equally
/// for uū and dd̄, cQj38 with opposite sign for dd̄ (weak isospin), ctj8 only for uū
/// (right-handed up-type quarks) with a term odd in cos θ* (the charge asymmetry, visible
/// in Δ|η|(tt̄)).
public enum SMEFT {
    /// The five POIs, in the order of the coefficient columns.
    public static let poiNames = ["ctGRe", "ctGIm", "cQj18", "cQj38", "ctj8"]
    public static let poiCount = 5
    /// 5 linear plus 15 quadratic coefficients.
    public static let coefficientCount = 20
    /// New-physics scale Λ (GeV) of the Wilson coefficients.
    public static let lambda = 1000.0

    /// Column names: r_<poi> for the linear terms, then r_<poi_m>_<poi_n> for m ≤ n in
    /// row-major upper-triangle order.
    public static let coefficientNames: [String] = {
        var n = poiNames.map { "r_\($0)" }
        for m in 0..<5 { for k in m..<5 { n.append("r_\(poiNames[m])_\(poiNames[k])") } }
        return n
    }()

    /// Column of the quadratic coefficient r_mn (m ≤ n) in the 20-column row.
    @inlinable public static func quadraticIndex(_ m: Int, _ n: Int) -> Int {
        let (i, j) = m <= n ? (m, n) : (n, m)
        return 5 + i * 5 - i * (i - 1) / 2 + (j - i)
    }

    /// The amplitude vectors (a, b) of one event from its parton-level latent features
    /// (lanes 0–4 used, 5–7 zero).
    @inlinable
    public static func amplitudes(initialState: Int, mtt: Double, cosThetaQuark: Double,
                                  cpOdd: Double) -> (a: SIMD8<Double>, b: SIMD8<Double>) {
        let m = mtt / lambda
        let shat = m * m
        var a = SIMD8<Double>(repeating: 0), b = SIMD8<Double>(repeating: 0)
        let c = cosThetaQuark
        if initialState == 0 {
            a[0] = 0.09 * (1 + 0.3 * m)
            b[0] = 0.03 * m
            a[1] = 0.12 * cpOdd * m
            b[1] = 0.08 * m
        } else {
            let isospin = initialState == 1 ? 1.0 : -1.0
            a[0] = 0.08 * (1 + 0.3 * m)
            b[0] = 0.03 * m
            a[1] = 0.12 * cpOdd * m
            b[1] = 0.08 * m
            a[2] = 0.10 * shat * (1 + 0.3 * c)
            a[3] = 0.09 * shat * (1 + 0.3 * c) * isospin
            b[2] = 0.05 * shat * (1 - c)
            b[3] = -0.05 * shat * (1 - c) * isospin
            if initialState == 1 {
                a[4] = 0.10 * shat * (0.2 + c)
                b[4] = 0.04 * shat * (1 + c)
            }
        }
        return (a, b)
    }

    /// Amplitude vectors of the event in latent row `z`.
    @inlinable public static func amplitudes(row z: UnsafePointer<Double>) -> (a: SIMD8<Double>, b: SIMD8<Double>) {
        amplitudes(initialState: Int(z[Latent.initialState]), mtt: z[Latent.mttTrue],
                   cosThetaQuark: z[Latent.cosThetaStarQuark], cpOdd: z[Latent.cpOdd])
    }

    /// Writes the 20 coefficients (r_m, then r_mn for m ≤ n) for amplitude vectors (a, b).
    @inlinable public static func coefficients(a: SIMD8<Double>, b: SIMD8<Double>,
                                               into r: UnsafeMutablePointer<Double>) {
        for m in 0..<5 { r[m] = 2 * a[m] }
        var k = 5
        for m in 0..<5 {
            for n in m..<5 {
                let s = a[m] * a[n] + b[m] * b[n]
                r[k] = m == n ? s : 2 * s
                k += 1
            }
        }
    }

    /// w(θ)/w0 = 1 + θ_m r_m + θ_m θ_n r_mn from a stored 20-coefficient row (eq. A.1).
    public static func weightRatio<C: RandomAccessCollection>(coefficients r: C, theta: [Double]) -> Double
        where C.Element == Double, C.Index == Int {
        precondition(r.count == coefficientCount && theta.count == poiCount, "need 20 coefficients and 5 θ")
        let o = r.startIndex
        var w = 1.0
        for m in 0..<5 { w += theta[m] * r[o + m] }
        var k = 5
        for m in 0..<5 {
            for n in m..<5 {
                w += theta[m] * theta[n] * r[o + k]
                k += 1
            }
        }
        return w
    }

    /// w(θ)/w0 from 20 coefficients at `r` and 5 Wilson coefficients at `theta`: the
    /// allocation-free form for loops over many events.
    public static func weightRatio(coefficients r: UnsafePointer<Double>, theta: UnsafePointer<Double>) -> Double {
        var w = 1.0
        for m in 0..<5 { w += theta[m] * r[m] }
        var k = 5
        for m in 0..<5 {
            let tm = theta[m]
            for n in m..<5 {
                w += tm * theta[n] * r[k]
                k += 1
            }
        }
        return w
    }

    /// The same ratio evaluated directly from the amplitudes, (1 + θ·a)² + (θ·b)², for the
    /// event whose latent row is `latentRow` (`Latent.width` values).
    public static func directWeightRatio<C: RandomAccessCollection>(latentRow: C, theta: [Double]) -> Double
        where C.Element == Double, C.Index == Int {
        precondition(latentRow.count == Latent.width && theta.count == poiCount, "bad row or θ size")
        let o = latentRow.startIndex
        let (a, b) = amplitudes(initialState: Int(latentRow[o + Latent.initialState]),
                                mtt: latentRow[o + Latent.mttTrue],
                                cosThetaQuark: latentRow[o + Latent.cosThetaStarQuark],
                                cpOdd: latentRow[o + Latent.cpOdd])
        var ta = 0.0, tb = 0.0
        for m in 0..<5 { ta += theta[m] * a[m]; tb += theta[m] * b[m] }
        return (1 + ta) * (1 + ta) + tb * tb
    }
}
