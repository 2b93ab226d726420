/// Whether the nuisances are profiled or frozen at 0 (figure 11: black vs blue).
public enum NuisanceMode: String, Codable, Sendable, CaseIterable {
    case profiled, frozen
}

/// A 1-D profiled interval {θ_a : q_θa ≤ level} (eqs. 3, 10), from the two crossings.
public struct IntervalResult: Codable, Sendable, Equatable {
    public var poi: String
    public var level: Double
    /// "profiled" or "fixed" (at 0).
    public var otherPOIs: String
    public var nuisances: NuisanceMode
    /// Which factor's nuisances were frozen on top of `nuisances` (breakdown), if any.
    public var frozenFactor: String?
    public var lower: Double
    public var upper: Double
    /// False when q stays below the level up to the scan range on that side.
    public var lowerClosed: Bool
    public var upperClosed: Bool
    public var width: Double { upper - lower }
}

/// A 2-D expected exclusion contour (section 7.7) as a polygon in the POI plane.
public struct ContourResult: Codable, Sendable {
    public var pois: [String]
    public var level: Double
    public var nuisances: NuisanceMode
    public var points: [[Double]]
    /// False when some ray reached the scan range below the level (those points lie on the range).
    public var closed: Bool
    public var rays: Int
    /// The largest distance, as a fraction of the contour's extent, between a ray point and the
    /// chord of its two neighbours: the polygon's estimated location accuracy.
    public var maxChordDeviation: Double
    public var tolerance: Double
}

/// Per POI and frozen set, the 95% CL interval (the systematics breakdown).
public struct BreakdownRow: Codable, Sendable {
    public var poi: String
    /// "none" (all profiled), "all" (all frozen), or the factor frozen in turn.
    public var frozen: String
    public var lower: Double
    public var upper: Double
    public var width: Double
    /// Width relative to the all-profiled interval.
    public var relativeWidth: Double
    /// √(w_profiled² − w²)/w_profiled: the part of the width this systematic accounts for, in quadrature.
    public var impact: Double
}

/// The Asimov constraint on one nuisance: its profile width against its prior (1 in the units of eq. 9).
public struct ConstraintResult: Codable, Sendable {
    public var nuisance: String
    public var factor: String
    public var floating: Bool
    public var lower: Double
    public var upper: Double
    /// Half the q = 1 interval.
    public var width: Double
    /// The same from the Hessian at the SM point (Gaussian approximation).
    public var hessianWidth: Double
}

public struct ModelSummary: Codable, Sendable {
    public var events: Int
    public var pois: [String]
    public var nuisances: [String]
    public var floating: [String]
    public var luminosity: Double
    public var cachedBytes: Int
    public var expectedEvents: Double
}

/// Everything `refinery limits` writes as JSON.
public struct LimitsReport: Codable, Sendable {
    public var version = 1
    public var model: ModelSummary
    public var method: String
    public var threads: Int
    public var smCheck: String
    public var intervals: [IntervalResult] = []
    public var contours: [ContourResult] = []
    public var breakdown: [BreakdownRow] = []
    public var constraints: [ConstraintResult] = []
    public var convergence: ConvergenceLog
    public var seconds: [String: Double] = [:]
}
