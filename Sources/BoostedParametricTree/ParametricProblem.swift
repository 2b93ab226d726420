import Foundation

/// What the BPT learns: the nuisance parameters ν, the polynomial terms A of
/// T(x|ν) = ν_A Δ_A(x) (eq. 50), and the base points 𝒱 whose samples D_ν train it (eq. 52).
///
/// The nominal point ν = 0 is implicit (its sample is given separately) and must not appear
/// among the base points. The N_V × N_Δ matrix of ν_A over the base points must have rank N_Δ
/// so that V_AB (eq. C.30) is invertible; ``validate()`` checks this and names the terms that
/// cannot be determined otherwise.
public struct ParametricProblem: Codable, Sendable, Equatable {
    public var parameterNames: [String]
    public var terms: [PolynomialTerm]
    /// Varied parameter points, one coordinate per parameter.
    public var basePoints: [[Double]]

    /// Creates and validates a problem.
    public init(parameterNames: [String], terms: [PolynomialTerm], basePoints: [[Double]]) throws {
        self.parameterNames = parameterNames
        self.terms = terms
        self.basePoints = basePoints
        try validate()
    }

    /// Creates a problem from terms spelled with parameter names, e.g. `[["nu1"], ["nu1", "nu1"]]`.
    public init(parameterNames: [String], termNames: [[String]], basePoints: [[Double]]) throws {
        let terms = try Self.terms(named: termNames, parameterNames: parameterNames)
        try self.init(parameterNames: parameterNames, terms: terms, basePoints: basePoints)
    }

    /// Builds terms from name lists; throws ``BPTError/unknownParameter(name:known:)`` for a name
    /// that is not in `parameterNames`.
    public static func terms(named names: [[String]], parameterNames: [String]) throws -> [PolynomialTerm] {
        try names.map { try term(named: $0, parameterNames: parameterNames) }
    }

    /// Builds one term from a name list such as `["nu1", "nu2"]`.
    public static func term(named names: [String], parameterNames: [String]) throws -> PolynomialTerm {
        PolynomialTerm(try names.map { name in
            guard let index = parameterNames.firstIndex(of: name) else {
                throw BPTError.unknownParameter(name: name, known: parameterNames)
            }
            return index
        })
    }

    /// ν_A for every term at `nu` (the row of P for this point).
    public func termValues(at nu: [Double]) -> [Double] {
        terms.map { $0.value(at: nu) }
    }

    /// The sample identifier of base point `index`, for messages.
    public func sampleID(basePoint index: Int) -> SampleID {
        .basePoint(index: index, nu: basePoints[index])
    }

    /// Checks names, dimensions, duplicates, the absence of ν = 0 among the base points, and
    /// full rank of the base-point coordinate matrix.
    public func validate() throws {
        guard !parameterNames.isEmpty else {
            throw BPTError.invalidProblem(reason: "no parameters are given; name at least one nuisance parameter.")
        }
        for (i, name) in parameterNames.enumerated() {
            if name.isEmpty || name.contains(where: { $0.isWhitespace || $0 == "," || $0 == "[" || $0 == "]" }) {
                throw BPTError.invalidProblem(reason: "parameter name '\(name)' (index \(i)) is empty or contains "
                    + "whitespace, commas or brackets; use a plain identifier such as 'nu1'.")
            }
            if let first = parameterNames.firstIndex(of: name), first != i {
                throw BPTError.invalidProblem(reason: "parameter name '\(name)' appears twice (indices \(first) "
                    + "and \(i)); give each parameter a unique name.")
            }
        }
        guard !terms.isEmpty else {
            throw BPTError.invalidProblem(reason: "no polynomial terms are given; add at least one term such as "
                + "[\(parameterNames[0])].")
        }
        for (i, term) in terms.enumerated() {
            if term.parameters.isEmpty {
                throw BPTError.invalidProblem(reason: "term \(i) is empty (a constant term is not part of the "
                    + "ansatz, eq. 49); remove it.")
            }
            if let bad = term.parameters.first(where: { $0 < 0 || $0 >= parameterNames.count }) {
                throw BPTError.invalidProblem(reason: "term \(i) \(term) refers to parameter index \(bad), but "
                    + "there are only \(parameterNames.count) parameters \(parameterNames).")
            }
            if let first = terms.firstIndex(of: term), first != i {
                throw BPTError.invalidProblem(reason: "term \(term.name(parameterNames: parameterNames)) appears "
                    + "twice (terms \(first) and \(i)); remove the duplicate.")
            }
        }
        guard !basePoints.isEmpty else {
            throw BPTError.invalidProblem(reason: "no base points are given; at least \(terms.count) are needed "
                + "for \(terms.count) terms.")
        }
        for (i, nu) in basePoints.enumerated() {
            if nu.count != parameterNames.count {
                throw BPTError.basePointDimension(index: i, count: nu.count, expected: parameterNames.count)
            }
            if let bad = nu.first(where: { !$0.isFinite }) {
                throw BPTError.invalidProblem(reason: "base point \(i) (nu=\(formatPoint(nu))) has the non-finite "
                    + "coordinate \(bad); use finite values.")
            }
            if nu.allSatisfy({ $0 == 0 }) { throw BPTError.nominalAmongBasePoints(index: i) }
            if let first = basePoints.firstIndex(of: nu), first != i {
                throw BPTError.duplicateBasePoint(index: i, firstIndex: first, nu: nu)
            }
        }
        try checkRank()
    }

    /// Throws ``BPTError/rankDeficient(undeterminedTerms:rank:termCount:suggestedBasePoints:)``
    /// naming the terms in the null space of P, with base points that would fix it.
    private func checkRank() throws {
        let nt = terms.count
        var p = basePoints.flatMap(termValues(at:))
        let rank = RankAnalysis.rank(of: p, rows: basePoints.count, columns: nt)
        guard rank < nt else { return }
        let undetermined = RankAnalysis.undeterminedColumns(p, rows: basePoints.count, columns: nt)
        // Suggest points greedily from a small grid over the parameters of the undetermined terms.
        let involved = Array(Set(undetermined.flatMap { terms[$0].parameters })).sorted()
        var suggestions: [[Double]] = []
        var rows = basePoints.count
        var currentRank = rank
        if involved.count <= 4 {
            let values: [Double] = [0, 1, -1, 0.5, 2]
            var candidates: [[Double]] = [[]]
            for _ in involved { candidates = candidates.flatMap { c in values.map { c + [$0] } } }
            for combo in candidates where currentRank < nt {
                var nu = [Double](repeating: 0, count: parameterNames.count)
                for (k, index) in involved.enumerated() { nu[index] = combo[k] }
                if nu.allSatisfy({ $0 == 0 }) || basePoints.contains(nu) { continue }
                let trial = p + termValues(at: nu)
                let r = RankAnalysis.rank(of: trial, rows: rows + 1, columns: nt)
                if r > currentRank {
                    p = trial
                    rows += 1
                    currentRank = r
                    suggestions.append(nu)
                }
            }
        }
        throw BPTError.rankDeficient(
            undeterminedTerms: undetermined.map { terms[$0].name(parameterNames: parameterNames) },
            rank: rank, termCount: nt, suggestedBasePoints: currentRank == nt ? suggestions : [])
    }

    /// The matrices of eqs. (C.29)/(C.30); only valid after ``validate()`` succeeded.
    func designMatrix() throws -> DesignMatrix {
        guard let design = DesignMatrix(terms: terms, basePoints: basePoints) else {
            try checkRank()
            throw BPTError.invalidProblem(reason: "the matrix V of eq. (C.30) is numerically singular; "
                + "choose base points that are better separated.")
        }
        return design
    }
}
