// Parton level z_p: initial state, m(tt̄), momentum fractions, scattering angle and the
// initial-state radiation that gives the tt̄ system its transverse momentum.

/// Physical constants of the toy (GeV).
enum Physics {
    static let sqrtS = 13_000.0
    static let topMass = 172.5
    static let wMass = 80.38
    static let bMass = 4.8
}

/// One hard-scattering configuration at the parton level.
struct PartonEvent {
    /// 0 = gg, 1 = uū, 2 = dd̄.
    var initialState: Int
    var mtt: Double
    var ytt: Double
    var x1: Double
    var x2: Double
    /// cos θ* of the top in the tt̄ frame w.r.t. +z, and w.r.t. the incoming quark.
    var cosTheta: Double
    var cosThetaQuark: Double
    /// Azimuth of the top in the tt̄ frame.
    var phiStar: Double
    /// Transverse momentum of the tt̄ system (GeV), the recoil against the ISR emissions.
    var pxTT: Double
    var pyTT: Double
    /// Number of ISR emissions written to the emission buffer.
    var emissions: Int
}

/// Generation of the parton-level configuration.
enum PartonLevel {
    /// Maximal number of ISR emissions kept per event.
    static let maxEmissions = 5
    /// Fields per emission in the emission buffer: pT, η, φ, flavour, cos φ, sin φ.
    static let emissionFields = 6

    /// Generates the hard process and its ISR emissions (written to `emissions`, up to
    /// `maxEmissions` × 6 values: pT, η, φ, flavour code, cos φ, sin φ).
    @inline(__always)
    static func generate(_ rng: inout CounterRNG, tuning t: GeneratorTuning,
                         emissions: UnsafeMutablePointer<Double>) -> PartonEvent {
        // m(tt̄): power law above mttMin by inversion, kept below √s/2 (x ≤ 1 needs far less).
        var m = t.mttMin * _pow(rng.uniform(), -1 / (t.mttPower - 1))
        if m > 0.5 * Physics.sqrtS { m = 0.5 * Physics.sqrtS }
        // Initial state: the qq̄ share rises with m (gluon luminosity falls faster at high x).
        let fq = t.qqFractionThreshold + (t.qqFractionHigh - t.qqFractionThreshold)
            * min(max((m - 350) / 650, 0), 1)
        var initial = 0
        if rng.uniform() < fq { initial = rng.uniform() < t.upFraction ? 1 : 2 } else { _ = rng.uniform() }
        // Rapidity of the system and momentum fractions from a toy luminosity: valence
        // quarks are harder, so qq̄ systems are more boosted.
        let tau = m * m / (Physics.sqrtS * Physics.sqrtS)
        let ymax = -0.5 * _log(tau)
        let width = initial == 0 ? t.ggRapidityWidth : t.qqRapidityWidth
        let y = ymax * _tanh(width * rng.gaussian())
        let rootTau = tau.squareRoot()
        let x1 = rootTau * _exp(y), x2 = rootTau * _exp(-y)
        // Direction of the incoming quark: more often the side of the larger x (valence).
        let pPlus = 0.5 + 0.4 * _tanh(1.5 * y)
        let quarkSign: Double = rng.uniform() < pPlus ? 1 : -1
        // cos θ*: gg ∝ 1 + k c², qq̄ ∝ 1 + c², by rejection.
        let k = initial == 0 ? t.ggAngularCoefficient : 1.0
        var c = 0.0
        repeat { c = rng.uniform(-1, 1) } while rng.uniform() * (1 + k) > 1 + k * c * c
        let cq = initial == 0 ? c : quarkSign * c
        let phiStar = 2 * Double.pi * rng.uniform()
        // ISR: Poisson number of emissions, Pareto pT spectrum; gluons radiate more and the
        // activity grows logarithmically with the hard scale.
        let base = initial == 0 ? t.ggRadiation : t.qqRadiation
        let lambda = base * (1 + t.radiationGrowth * _log(m / t.mttMin))
        let n = min(rng.poisson(lambda), maxEmissions)
        var sx = 0.0, sy = 0.0
        for i in 0..<n {
            let pt = min(t.radiationPtMin * _pow(rng.uniform(), -1 / t.radiationIndex), t.radiationPtCap * m)
            let eta = t.radiationEtaWidth * rng.gaussian()
            let phi = 2 * Double.pi * rng.uniform()
            let u = rng.uniform()
            let flavour: Double = u < t.radiationBFraction ? 5
                : u < t.radiationBFraction + t.radiationCFraction ? 4 : 0
            let e = emissions + i * emissionFields
            let cp = _cos(phi), sp = _sin(phi)
            e[0] = pt; e[1] = eta; e[2] = phi; e[3] = flavour; e[4] = cp; e[5] = sp
            sx += pt * cp
            sy += pt * sp
        }
        let kx = t.intrinsicKt * rng.gaussian(), ky = t.intrinsicKt * rng.gaussian()
        return PartonEvent(initialState: initial, mtt: m, ytt: y, x1: x1, x2: x2,
                           cosTheta: c, cosThetaQuark: cq, phiStar: phiStar,
                           pxTT: -sx + kx, pyTT: -sy + ky, emissions: n)
    }
}
