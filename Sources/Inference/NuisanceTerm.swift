/// One term A of a factor's exponent ν^A Δ_A(x) (eqs. 50, 70): a multiset of the factor's
/// nuisance indices, sorted, so `[0, 1]` is ν₀ν₁ and `[0, 0]` is ν₀².
///
/// Mirrors `BoostedParametricTree.PolynomialTerm` (same sorted-index representation and JSON
/// form, a plain array) so the engine needs no learner: any surrogate's Δ columns fit.
public struct NuisanceTerm: Codable, Hashable, Sendable, CustomStringConvertible {
    public let parameters: [Int]

    public init(_ parameters: [Int]) { self.parameters = parameters.sorted() }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([Int].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(parameters)
    }

    public var degree: Int { parameters.count }
    public var description: String { "[" + parameters.map(String.init).joined(separator: ",") + "]" }
}
