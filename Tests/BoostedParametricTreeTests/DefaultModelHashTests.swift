import XCTest
import BoostedParametricTree

/// Default settings must keep producing the models the learner produced before held-out data,
/// loss curves, early stopping and the held-out normalization existed: every surrogate a
/// workspace already trained stays valid, and its identity key stays meaningful.
///
/// The expected hashes were computed from the encoded models of the code *before* those
/// features were added (commit 0f47774), so any change to the default training path or to the
/// default file layout fails here.
final class DefaultModelHashTests: XCTestCase {
    /// FNV-1a, 64 bit: enough to detect any changed byte, and free of dependencies.
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    static func describe(_ bytes: [UInt8]) -> String {
        "fnv1a=0x" + String(fnv1a(bytes), radix: 16) + " bytes=\(bytes.count)"
    }

    func testReweightedToyModelIsUnchanged() throws {
        let data = try AnalyticToy.reweightedData(events: 20_000, seed: 11)
        let model = try BPTTrainer(problem: AnalyticToy.problem(), settings: BPTSettings(trees: 30), threads: 2)
            .train(consume data)
        XCTAssertEqual(Self.describe(model.encoded()), "fnv1a=0x8c75e396e046f126 bytes=67730")
    }

    func testIndependentSamplesToyModelIsUnchanged() throws {
        let data = try AnalyticToy.independentData(events: 20_000, seed: 12)
        let model = try BPTTrainer(problem: AnalyticToy.problem(),
                                   settings: BPTSettings(trees: 30, minNodeSize: 500), threads: 1)
            .train(consume data)
        XCTAssertEqual(Self.describe(model.encoded()), "fnv1a=0x441cc44856ea9dd5 bytes=32343")
    }

    func testMixedSamplesModelIsUnchangedForOneAndTwoThreads() throws {
        for threads in [1, 2] {
            let (data, problem, _) = try DeterminismAndPersistenceTests.mixedData(seed: 13)
            let model = try BPTTrainer(problem: problem, settings: BPTSettings(trees: 20), threads: threads)
                .train(consume data)
            XCTAssertEqual(Self.describe(model.encoded()), "fnv1a=0xeb4b124c2c71cd3e bytes=13781", "threads \(threads)")
        }
    }
}
