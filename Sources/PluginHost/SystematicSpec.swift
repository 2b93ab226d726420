import Foundation

/// Nuisances, terms, base points and learner defaults of one configured systematic.
public struct SystematicSpec: Codable, Equatable, Sendable {
    public var nuisances: [String]
    public var terms: [[Int]]
    public var basePoints: [[Double]]
    public var trees: Int
    public var learningRate: Double
    public var maxDepth: Int
    public var minNodeSize: Int

    public init(nuisances: [String], terms: [[Int]], basePoints: [[Double]], trees: Int, learningRate: Double,
                maxDepth: Int, minNodeSize: Int) {
        self.nuisances = nuisances
        self.terms = terms
        self.basePoints = basePoints
        self.trees = trees
        self.learningRate = learningRate
        self.maxDepth = maxDepth
        self.minNodeSize = minNodeSize
    }

    /// A term in human form, e.g. "nu_R*nu_F".
    public func termName(_ index: Int) -> String { terms[index].map { nuisances[$0] }.joined(separator: "*") }
}
