/// One term A of the polynomial ansatz T(x|ν) = ν_A Δ_A(x) (eq. 50): a multiset of parameter
/// indices. `[0]` is ν₀, `[0, 0]` is ν₀², `[0, 1]` is ν₀ν₁, `[0, 0, 1]` is ν₀²ν₁.
///
/// The indices are kept sorted (the paper's triangular convention a ≤ b ≤ c, section 5.2), so
/// `[1, 0]` and `[0, 1]` are the same term.
public struct PolynomialTerm: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Sorted parameter indices; the term's value at ν is the product of these components.
    public let parameters: [Int]

    public init(_ parameters: [Int]) {
        self.parameters = parameters.sorted()
    }

    public init(parameters: [Int]) {
        self.init(parameters)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(try container.decode([Int].self))
    }

    /// Encoded as a plain array of indices, e.g. `[0, 1]`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(parameters)
    }

    /// Polynomial degree (number of factors).
    public var degree: Int { parameters.count }

    /// ν_A: the product of the listed components of `nu`.
    @inlinable
    public func value(at nu: [Double]) -> Double {
        var product = 1.0
        for index in parameters { product *= nu[index] }
        return product
    }

    /// The term spelled with parameter names, e.g. "[nu1,nu1]".
    public func name(parameterNames: [String]) -> String {
        "[" + parameters.map { $0 < parameterNames.count ? parameterNames[$0] : "#\($0)" }
            .joined(separator: ",") + "]"
    }

    public var description: String { "[" + parameters.map(String.init).joined(separator: ",") + "]" }

    /// Orders by degree, then lexicographically: ν₀, ν₁, ν₀², ν₀ν₁, ν₁², ...
    public static func < (lhs: PolynomialTerm, rhs: PolynomialTerm) -> Bool {
        if lhs.degree != rhs.degree { return lhs.degree < rhs.degree }
        return lhs.parameters.lexicographicallyPrecedes(rhs.parameters)
    }

    /// All terms of degree 1 through `maxDegree` in `parameterCount` parameters, in ``<`` order
    /// (the "most general case" of section 5.2).
    public static func allTerms(parameterCount: Int, maxDegree: Int) -> [PolynomialTerm] {
        var result: [PolynomialTerm] = []
        var current: [[Int]] = [[]]
        for _ in 0..<maxDegree {
            var next: [[Int]] = []
            for prefix in current {
                let start = prefix.last ?? 0
                for index in start..<parameterCount { next.append(prefix + [index]) }
            }
            result += next.map { PolynomialTerm($0) }
            current = next
        }
        return result
    }
}
