import XCTest
@testable import BoostedParametricTree

/// The loss curves route binned events 64 at a time from transposed codes (`BinnedColumns`,
/// `refinery_route_columns`). Every leaf must be the one the plain walk reaches ("code ≤ bin
/// goes left", node by node), for trees of every shape, bins at both ends of the code range,
/// and event counts that fill no whole word or chunk.
final class BinnedRoutingTests: XCTestCase {
    static func walk(_ tree: BPTTree, bins: [Int], codes: ArraySlice<UInt8>) -> Int32 {
        if tree.splitCount == 0 { return 0 }
        var node = 0
        while true {
            let code = Int(codes[codes.startIndex + tree.splitFeature[node]])
            let next = code > bins[node] ? tree.right[node] : tree.left[node]
            if next < 0 { return Int32(~next) }
            node = next
        }
    }

    func testChunkRoutingReachesTheLeavesOfTheNodeByNodeWalk() throws {
        var rng = SplitMix64(seed: 9)
        let nf = 5
        for (t, count) in [1, 63, 64, 65, 255, 256, 257, 1000, 3000].enumerated() {
            // Depth 0 first: a tree without splits.
            let tree = ForestPredictionTests.randomTree(&rng, depth: t % 7, features: nf, width: 1)
            // Bins anywhere in the code range, the ends included: 255 sends nothing right.
            let bins = (0..<tree.splitCount).map { _ in
                rng.next() % 4 == 0 ? [0, 254, 255][Int(rng.next() % 3)] : Int(rng.next() % 256)
            }
            let codes = (0..<count * nf).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let columns = codes.withUnsafeBufferPointer {
                BinnedColumns(rowMajor: $0.baseAddress!, count: count, featureCount: nf)
            }
            var leaves = [Int32](repeating: -1, count: count)
            let chunk = BinnedColumns.chunkSize
            BinnedTree(tree: tree, splitBins: bins).withRouter { router in
                leaves.withUnsafeMutableBufferPointer { out in
                    for start in stride(from: 0, to: count, by: chunk) {
                        router.leaves(columns, chunk: start / chunk, count: min(chunk, count - start),
                                      into: out.baseAddress! + start)
                    }
                }
            }
            let expected = (0..<count).map { e in Self.walk(tree, bins: bins, codes: codes[e * nf..<(e + 1) * nf]) }
            XCTAssertEqual(leaves, expected, "\(count) events, a tree of \(tree.splitCount) splits")
        }
    }
}
