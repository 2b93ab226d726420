import XCTest
import TopPairSimulation

/// The two-point systematic: an independent NLO-like sample with a few percent shape change.
final class AlternativeGeneratorTests: XCTestCase {
    let nominal = Samples.nominal
    let alt = Samples.alternative

    /// Same seed, different stream: no event is shared (compare continuous columns).
    func testStatisticallyIndependent() {
        func key(_ s: SimulatedSample, _ i: Int) -> [Double] {
            [s.latent[i * Latent.width + Latent.x1], s.latent[i * Latent.width + Latent.cosThetaStar]]
        }
        let a = Set((0..<nominal.count).map { key(nominal, $0) })
        XCTAssertEqual((0..<alt.count).filter { a.contains(key(alt, $0)) }.count, 0)
    }

    func testHasFewPercentNegativeWeights() {
        let neg = Double(alt.weight.filter { $0 < 0 }.count) / Double(alt.count)
        XCTAssert(0.02...0.05 ~= neg, "negative fraction \(neg)")
        XCTAssertEqual(nominal.weight.filter { $0 < 0 }.count, 0)
        let gen = Double(alt.negativeGeneratedEvents) / Double(alt.generatedEvents)
        XCTAssertEqual(gen, 0.03, accuracy: 0.005)
    }

    /// Same generated cross-section: the fiducial yields agree within a few percent.
    func testSameInclusiveCrossSection() {
        let a = compensatedSum(zip(alt.weight, alt.fiducial).filter { $0.1 == 1 }.map(\.0))
        XCTAssertEqual(a / 0.31, 1, accuracy: 0.1)
        XCTAssertEqual(alt.settings.generatedCrossSectionPb, nominal.settings.generatedCrossSectionPb)
    }

    /// Shapes differ by a few percent: visible in the tails, not wildly different.
    func testShapeDiffersByFewPercent() {
        var maxDiff = 0.0
        for obs in ["pt_t", "pt_tt", "m_tt"] {
            let r = EffectSizes.alternative(nominal, alt, observable: obs)
            for b in r.binsUp { maxDiff = max(maxDiff, abs(b)); XCTAssertLessThan(abs(b), 0.2, obs) }
        }
        XCTAssertGreaterThan(maxDiff, 0.02)
    }
}
