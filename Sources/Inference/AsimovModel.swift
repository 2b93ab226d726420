import Foundation

/// The validated model of eq. (82) over one event sample: R(x|θ,ν) = α_norm^ν_norm R̂(x|θ) Π_k Ŝ_k(x|ν_k),
/// L(ν) = L₀ α_lumi^ν_lumi (eq. 81), with R̂(x|θ) = 1 + θ_m r_m(x) + θ_m θ_n r_mn(x), m ≤ n
/// (eq. A.1 over A.9; the r_m then row-major upper-triangle r_mn order of `smeft.npy`).
///
/// Parameters are laid out POIs first, then the nuisances of the learned factors in declaration
/// order, then the log-normal nuisances. Every nuisance is Gaussian-constrained (eq. 9) unless
/// declared floating.
///
/// The per-event numbers are packed once into one row per event — weight, P + P(P+1)/2 SMEFT
/// coefficients, every factor's Δ — because the event sum reads them all on every evaluation and
/// one contiguous stream is what the memory system serves fastest.
public struct AsimovModel: Sendable {
    public let poiNames: [String]
    /// POIs, then shape nuisances, then log-normal nuisances.
    public let parameterNames: [String]
    /// Per parameter: whether ν² enters the penalty of eq. (9). False for POIs and floating nuisances.
    public let constrained: [Bool]
    /// For every parameter, the factor it belongs to ("SMEFT" for POIs).
    public let factorOfParameter: [String]
    public let factorNames: [String]
    public let eventCount: Int
    /// L₀ (the unit of 1/w: L₀·w_i are expected events).
    public let luminosity: Double
    /// Where the arrays came from, for error messages.
    public let source: String

    let poiCount: Int
    let quadraticCount: Int
    let shapeNuisanceCount: Int
    /// Every factor's terms, with global parameter indices, in row order.
    let globalTerms: [[Int]]
    /// log α of each log-normal nuisance, by parameter index.
    let logAlpha: [Int: Double]
    let stride: Int
    let rows: [Double]

    public var parameterCount: Int { parameterNames.count }
    /// Bytes of the packed per-event coefficients (the cache every evaluation reads).
    public var cachedBytes: Int { rows.count * MemoryLayout<Double>.stride }

    public func index(of name: String) throws -> Int {
        guard let i = parameterNames.firstIndex(of: name) else {
            throw InferenceError.unknownParameter(name: name, known: parameterNames)
        }
        return i
    }

    /// Validates and packs. `source` names the data in error messages (e.g. the SPEC path).
    public init(weights: [Double], poiNames: [String], smeft: [Double], factors: [SystematicFactor] = [],
                logNormal: [LogNormalFactor] = [], floating: Set<String> = [], luminosity: Double,
                source: String = "model") throws {
        try self.init(weights: weights, poiNames: poiNames, loadSMEFT: { smeft }, factors: factors.map { f in (f, { f.delta }) },
                      logNormal: logNormal, floating: floating, luminosity: luminosity, source: source)
    }

    /// Validates and packs, loading each coefficient array only when it is packed and letting it
    /// go right after (the `factors`' own `delta` is ignored; `load` gives it): at most one
    /// source array coexists with the packed rows, so loading a SPEC peaks well under twice the
    /// cached coefficients.
    init(weights: [Double], poiNames: [String], loadSMEFT: () throws -> [Double], factors: [(factor: SystematicFactor, load: () throws -> [Double])],
         logNormal: [LogNormalFactor], floating: Set<String>, luminosity: Double, source: String) throws {
        let n = weights.count
        let p = poiNames.count
        let q = p * (p + 1) / 2
        let c = p + q
        guard luminosity > 0, luminosity.isFinite else {
            throw InferenceError.invalidValue(name: "luminosity", value: luminosity, reason: "must be positive and finite")
        }
        guard n > 0 else { throw InferenceError.shapeMismatch(array: "\(source): w", expected: [1], actual: [0]) }
        var names = poiNames
        var owner = Array(repeating: "SMEFT", count: p)
        var firstOwner: [String: String] = [:]
        for name in poiNames {
            if let f = firstOwner[name] { throw InferenceError.duplicateNuisance(name: name, firstFactor: f, secondFactor: "SMEFT") }
            firstOwner[name] = "SMEFT"
        }
        func declare(_ name: String, in factor: String) throws {
            if let f = firstOwner[name] { throw InferenceError.duplicateNuisance(name: name, firstFactor: f, secondFactor: factor) }
            firstOwner[name] = factor
            names.append(name)
            owner.append(factor)
        }
        var globalTerms: [[Int]] = []
        var factorNames: [String] = []
        for (factor, _) in factors {
            guard !factorNames.contains(factor.name) else {
                throw InferenceError.invalidValue(name: "factor '\(factor.name)'", value: 0, reason: "declared twice")
            }
            factorNames.append(factor.name)
            let base = names.count
            for nuisance in factor.nuisances { try declare(nuisance, in: factor.name) }
            var seen = Set<NuisanceTerm>()
            for term in factor.terms {
                guard term.degree >= 1 else { throw InferenceError.invalidTerm(factor: factor.name, term: term.description, reason: "is empty (the constant is fixed by Ŝ(x|0) = 1)") }
                guard term.parameters.allSatisfy({ (0..<factor.nuisances.count).contains($0) }) else {
                    throw InferenceError.invalidTerm(factor: factor.name, term: term.description, reason: "indexes beyond the factor's \(factor.nuisances.count) nuisances")
                }
                guard seen.insert(term).inserted else { throw InferenceError.invalidTerm(factor: factor.name, term: term.description, reason: "appears twice") }
                globalTerms.append(term.parameters.map { base + $0 })
            }
        }
        let shapeCount = names.count - p
        var logAlpha: [Int: Double] = [:]
        for factor in logNormal {
            guard factor.alpha > 0, factor.alpha.isFinite else {
                throw InferenceError.invalidValue(name: "\(factor.name) alpha", value: factor.alpha, reason: "must be positive and finite")
            }
            guard !factorNames.contains(factor.name) else {
                throw InferenceError.invalidValue(name: "factor '\(factor.name)'", value: 0, reason: "declared twice")
            }
            factorNames.append(factor.name)
            try declare(factor.nuisance, in: factor.name)
            logAlpha[names.count - 1] = log(factor.alpha)
        }
        for name in floating.sorted() where !names[p...].contains(name) {
            throw InferenceError.unknownParameter(name: name, known: Array(names[p...]))
        }

        let t = globalTerms.count
        let stride = 1 + c + t
        var rows: [Double] = []
        do {
            let smeft = try loadSMEFT()
            guard smeft.count == n * c else {
                throw InferenceError.shapeMismatch(array: "\(source): smeft", expected: [n, c], actual: [smeft.count / max(c, 1), c])
            }
            rows = [Double](repeating: 0, count: n * stride)
            rows.withUnsafeMutableBufferPointer { out in
                smeft.withUnsafeBufferPointer { smeft in
                    for i in 0..<n {
                        out[i * stride] = weights[i]
                        for j in 0..<c { out[i * stride + 1 + j] = smeft[i * c + j] }
                    }
                }
            }
        }
        var column = 1 + c
        for (factor, load) in factors {
            let width = factor.terms.count
            let delta = try load()
            guard delta.count == n * width else {
                throw InferenceError.shapeMismatch(array: "\(source): \(factor.name) delta", expected: [n, width],
                                                   actual: [delta.count / max(width, 1), width])
            }
            rows.withUnsafeMutableBufferPointer { out in
                delta.withUnsafeBufferPointer { delta in
                    for i in 0..<n { for j in 0..<width { out[i * stride + column + j] = delta[i * width + j] } }
                }
            }
            column += width
        }
        // Every non-finite number is rejected up front, naming its array: a NaN inside the sum
        // would otherwise surface as a NaN q far from its cause.
        for i in 0..<n {
            for j in 0..<stride where !rows[i * stride + j].isFinite {
                let (array, col): (String, Int)
                if j == 0 { (array, col) = ("w", 0) } else if j <= c { (array, col) = ("smeft", j - 1) } else {
                    var k = j - 1 - c, f = 0
                    while k >= factors[f].factor.terms.count { k -= factors[f].factor.terms.count; f += 1 }
                    (array, col) = ("\(factors[f].factor.name) delta", k)
                }
                throw InferenceError.notFinite(array: "\(source): \(array)", event: i, column: col)
            }
        }
        self.poiNames = poiNames
        self.parameterNames = names
        self.constrained = names.indices.map { $0 >= p && !floating.contains(names[$0]) }
        self.factorOfParameter = owner
        self.factorNames = factorNames
        self.eventCount = n
        self.luminosity = luminosity
        self.source = source
        self.poiCount = p
        self.quadraticCount = q
        self.shapeNuisanceCount = shapeCount
        self.globalTerms = globalTerms
        self.logAlpha = logAlpha
        self.stride = stride
        self.rows = rows
    }

    /// Indices of the nuisances of the named factor.
    public func nuisanceIndices(ofFactor name: String) -> [Int] {
        parameterNames.indices.filter { $0 >= poiCount && factorOfParameter[$0] == name }
    }

    public var nuisanceIndices: [Int] { Array(poiCount..<parameterCount) }
}
