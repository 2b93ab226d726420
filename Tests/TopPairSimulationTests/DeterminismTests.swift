import XCTest
import TopPairSimulation

/// Counter-based random numbers make the sample a pure function of the settings.
final class DeterminismTests: XCTestCase {
    private func settings(seed: UInt64, chunk: Int = 4096) -> SimulationSettings {
        var s = SimulationSettings(seed: seed, generator: .nominal, fiducialEvents: 1500)
        s.chunkSize = chunk
        return s
    }

    private func assertBitIdentical(_ a: SimulatedSample, _ b: SimulatedSample, file: StaticString = #filePath,
                                    line: UInt = #line) {
        func bits(_ v: [Double]) -> [UInt64] { v.map(\.bitPattern) }
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        XCTAssertEqual(a.generatedEvents, b.generatedEvents, file: file, line: line)
        XCTAssertEqual(bits(a.latent), bits(b.latent), "latent", file: file, line: line)
        XCTAssertEqual(bits(a.observables), bits(b.observables), "observables", file: file, line: line)
        XCTAssertEqual(bits(a.weight), bits(b.weight), "weight", file: file, line: line)
        XCTAssertEqual(bits(a.smeft), bits(b.smeft), "smeft", file: file, line: line)
        XCTAssertEqual(bits(a.scale), bits(b.scale), "scale", file: file, line: line)
        XCTAssertEqual(a.fiducial, b.fiducial, "fiducial", file: file, line: line)
    }

    /// One and two threads produce the same bytes (several chunks, so both workers run).
    func testOneAndTwoThreadsAreBitIdentical() {
        let one = Simulation.run(settings(seed: 3), threads: 1)
        let two = Simulation.run(settings(seed: 3), threads: 2)
        XCTAssertGreaterThan(one.generatedEvents, 3 * 4096, "test must span several chunks")
        assertBitIdentical(one, two)
    }

    /// Chunk size changes only bookkeeping: events and truncation point are the same.
    func testChunkSizeDoesNotChangeTheSample() {
        assertBitIdentical(Simulation.run(settings(seed: 3, chunk: 4096), threads: 2),
                           Simulation.run(settings(seed: 3, chunk: 3000), threads: 2))
    }

    func testSameSeedGivesSameBytes() {
        assertBitIdentical(Simulation.run(settings(seed: 11), threads: 2),
                           Simulation.run(settings(seed: 11), threads: 2))
    }

    func testDifferentSeedDiffers() {
        let a = Simulation.run(settings(seed: 11), threads: 2)
        let b = Simulation.run(settings(seed: 12), threads: 2)
        let n = min(a.count, b.count) * Latent.width
        let same = zip(a.latent.prefix(n), b.latent.prefix(n)).filter { $0 == $1 }.count
        // Only padding zeros and discrete codes may coincide.
        XCTAssertLessThan(Double(same) / Double(n), 0.6)
        XCTAssertNotEqual(a.observables.prefix(14), b.observables.prefix(14))
    }

    /// The stored count is exactly the requested number of fiducial events and the last
    /// row is fiducial (truncation right after the target-th fiducial event).
    func testTruncatesRightAfterTargetFiducialEvent() {
        let s = Simulation.run(settings(seed: 5), threads: 2)
        XCTAssertEqual(s.fiducialCount, 1500)
        XCTAssertEqual(s.fiducial.last, 1)
        XCTAssertEqual(s.observables.count, s.count * ObservableSet.count)
        XCTAssertEqual(s.latent.count, s.count * Latent.width)
        XCTAssertEqual(s.smeft.count, s.count * SMEFT.coefficientCount)
        XCTAssertEqual(s.scale.count, s.count * ScaleWeights.count)
    }

    func testCounterRNGIsUniformAndKeyed() {
        var r = CounterRNG(seed: 1, stream: 1, index: 0)
        var sum = 0.0, sum2 = 0.0
        let n = 200_000
        for _ in 0..<n { let u = r.uniform(); XCTAssert(u > 0 && u < 1); sum += u; sum2 += u * u }
        XCTAssertEqual(sum / Double(n), 0.5, accuracy: 0.003)
        XCTAssertEqual(sum2 / Double(n) - 0.25, 1.0 / 12, accuracy: 0.002)
        XCTAssertNotEqual(CounterRNG.eventKey(seed: 1, stream: 1, index: 0),
                          CounterRNG.eventKey(seed: 0, stream: 1, index: 1))
        XCTAssertNotEqual(CounterRNG.eventKey(seed: 1, stream: 1, index: 5),
                          CounterRNG.eventKey(seed: 1, stream: 2, index: 5))
    }
}
