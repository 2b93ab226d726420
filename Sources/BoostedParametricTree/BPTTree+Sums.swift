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
        x.withUnsafeBufferPointer { x in
            result.withUnsafeMutableBufferPointer { out in
                let x = x.baseAddress, out = out.baseAddress!
                let tasks = (count + Self.eventsPerTask - 1) / Self.eventsPerTask
                ParallelExecutor(threads: threads).forEach(tasks) { task in
                    for i in (task * Self.eventsPerTask)..<Swift.min(count, (task + 1) * Self.eventsPerTask) {
                        let row = x! + i * nf
                        let o = out + i * width
                        for tree in self {
                            let values = tree.leafCoefficients[tree.leaf(features: row)]
                            for a in 0..<width { o[a] += eta * values[a] }
                        }
                    }
                }
            }
        }
        return result
    }
}
