import Foundation

/// A trained Boosted Information Tree: the SMEFT surrogate of eq. (67),
/// R̂(x|θ) = 1 + θ_a R̂_a(x) + θ_a θ_b R̂_ab(x) (a ≤ b), an estimate of dσ(x|θ)/dσ(x|SM).
///
/// Outputs A = 1…K are the P linear coefficient functions R̂_m, then the P(P+1)/2 quadratic
/// ones R̂_mn (m ≤ n) in row-major upper-triangle order (the `smeft.npy` column order).
/// R̂_A(x) = Σ_b η v_{A, leaf_b(x)}, with v the leaf values stored in the trees.
/// Saving (``encoded()``) and loading (``init(decoding:)``) round-trips every bit.
public struct BITModel: Sendable, Equatable {
    public let settings: BITSettings
    public let poiNames: [String]
    public let featureCount: Int
    /// The B regression trees; `leafCoefficients[j]` holds the K leaf values v_{A,j}.
    public let trees: [BPTTree]

    public init(settings: BITSettings, poiNames: [String], featureCount: Int, trees: [BPTTree]) {
        self.settings = settings
        self.poiNames = poiNames
        self.featureCount = featureCount
        self.trees = trees
    }

    /// K = P + P(P+1)/2.
    public var outputCount: Int { BITTrainer.outputCount(poiCount: poiNames.count) }

    /// The outputs' names: "ctGRe", …, then "ctGRe*ctGRe", "ctGRe*ctGIm", … (m ≤ n).
    public var outputNames: [String] {
        var names = poiNames
        for m in poiNames.indices { for n in m..<poiNames.count { names.append(poiNames[m] + "*" + poiNames[n]) } }
        return names
    }

    /// θ_A: θ_m for the linear outputs, θ_m θ_n (m ≤ n) for the quadratic ones.
    public func outputValues(theta: [Double]) -> [Double] {
        precondition(theta.count == poiNames.count, "theta must have one value per POI")
        var values = theta
        for m in theta.indices { for n in m..<theta.count { values.append(theta[m] * theta[n]) } }
        return values
    }

    /// R̂(x|θ) = 1 + θ_A R̂_A(x) for every event of row-major `x` (`count × featureCount`).
    ///
    /// - Complexity: O(count · B · depth) after O(B · leaves · K) to fold θ into each leaf.
    public func predict(x: [Double], count: Int, theta: [Double], threads: Int = 1) -> [Double] {
        predict(x: x, count: count, thetas: [theta], threads: threads)[0]
    }

    /// R̂(x|θ) at several θ (`result[k][i]` for `thetas[k]`), each exactly as
    /// ``predict(x:count:theta:threads:)`` gives it, with one pass through the trees per event
    /// instead of one per θ.
    ///
    /// - Complexity: O(count · B · (depth + θ count)).
    public func predict(x: [Double], count: Int, thetas: [[Double]], threads: Int = 1) -> [[Double]] {
        FlatForest.foldedSums(trees, x: x, count: count, featureCount: featureCount, folds: thetas.map(outputValues(theta:)),
                              learningRate: settings.learningRate, offset: 1, threads: threads)
    }

    /// The coefficient functions R̂_A(x), row-major `count × outputCount` (what a likelihood
    /// caches per event, eq. 94).
    public func coefficients(x: [Double], count: Int, threads: Int = 1) -> [Double] {
        trees.summedLeafCoefficients(x: x, count: count, featureCount: featureCount, width: outputCount,
                                     learningRate: settings.learningRate, threads: threads)
    }

    /// POI names must be non-empty, unique plain identifiers (they name the outputs).
    static func validate(poiNames: [String]) throws {
        guard !poiNames.isEmpty else {
            throw BPTError.invalidProblem(reason: "no POIs are given; name at least one Wilson coefficient.")
        }
        for (i, name) in poiNames.enumerated() {
            if name.isEmpty || name.contains(where: { $0.isWhitespace || $0 == "," || $0 == "*" }) {
                throw BPTError.invalidProblem(reason: "POI name '\(name)' (index \(i)) is empty or contains "
                    + "whitespace, commas or '*'; use a plain identifier such as 'ctGRe'.")
            }
            if let first = poiNames.firstIndex(of: name), first != i {
                throw BPTError.invalidProblem(reason: "POI name '\(name)' appears twice (indices \(first) and \(i)).")
            }
        }
    }
}
