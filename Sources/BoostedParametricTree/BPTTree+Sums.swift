/// The per-event sum over boosted trees shared by both learners: η Σ_b c_{leaf_b(x)} for
/// every output of the leaves (Δ_A of eq. C.32 for the BPT, R̂_A of eq. 67 for the BIT).
extension Array where Element == BPTTree {
    /// Row-major `count × width`, in fixed event chunks summed tree by tree, so the result does
    /// not depend on `threads`.
    func summedLeafCoefficients(x: [Double], count: Int, featureCount nf: Int, width: Int, learningRate eta: Double,
                                threads: Int) -> [Double] {
        precondition(x.count == count * nf, "x must hold count × featureCount values")
        var result = [Double](repeating: 0, count: count * width)
        let forest = FlatForest(self)
        // η c per leaf, forest-wide leaf-major: the same product the sum of eq. (C.32) adds.
        var scaled = [Double](repeating: 0, count: forest.leafCount * width)
        for (b, tree) in enumerated() {
            for (j, values) in tree.leafCoefficients.enumerated() {
                for a in 0..<width { scaled[(forest.leafStart[b] + j) * width + a] = eta * values[a] }
            }
        }
        x.withUnsafeBufferPointer { x in
            result.withUnsafeMutableBufferPointer { out in
                let out = out.baseAddress
                forest.sums(x: x.baseAddress, count: count, featureCount: nf, leafValues: scaled, width: width,
                            threads: threads) { i, sums in
                    (out! + i * width).update(from: sums, count: width)
                }
            }
        }
        return result
    }
}
