/// The per-event sum over boosted trees shared by both learners: η Σ_b c_{leaf_b(x)} for
/// every output of the leaves (Δ_A of eq. C.32 for the BPT, R̂_A of eq. 67 for the BIT).
extension Array where Element == BPTTree {
    static let eventsPerTask = 4096

    /// Row-major `count × width`, in fixed event chunks summed tree by tree, so the result does
    /// not depend on `threads`.
    func summedLeafCoefficients(x: [Double], count: Int, featureCount nf: Int, width: Int, learningRate eta: Double,
                                threads: Int) -> [Double] {
        precondition(x.count == count * nf, "x must hold count × featureCount values")
        var result = [Double](repeating: 0, count: count * width)
        let forest = FlatForest(self)
        // Every leaf's coefficients, forest-wide leaf-major (a tree's leaves must have `width`).
        var coefficients = [Double](repeating: 0, count: forest.leafCount * width)
        for (b, tree) in enumerated() {
            for (j, values) in tree.leafCoefficients.enumerated() {
                for a in 0..<width { coefficients[(forest.leafStart[b] + j) * width + a] = values[a] }
            }
        }
        x.withUnsafeBufferPointer { x in
            coefficients.withUnsafeBufferPointer { coefficients in
                result.withUnsafeMutableBufferPointer { out in
                    forest.withRouter { router in
                        let x = x.baseAddress, out = out.baseAddress!, c = coefficients.baseAddress ?? FlatForest.Router.none()
                        let tasks = (count + Self.eventsPerTask - 1) / Self.eventsPerTask
                        ParallelExecutor(threads: threads).forEach(tasks) { task in
                            for i in (task * Self.eventsPerTask)..<Swift.min(count, (task + 1) * Self.eventsPerTask) {
                                let row = x! + i * nf
                                let o = out + i * width
                                for b in 0..<router.treeCount {
                                    let values = c + router.leaf(tree: b, features: row) * width
                                    for a in 0..<width { o[a] += eta * values[a] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
