import XCTest
import TopPairSimulation

/// The systematic effects come out with the sizes of section 7 (physics-toy.md targets),
/// with bounds loose enough for a 20 000-event sample.
final class EffectSizeTests: XCTestCase {
    let s = Samples.nominal

    func testScaleVariationSizes() {
        let r = EffectSizes.scale(s, observable: "pt_t")
        XCTAssert((-0.11)...(-0.075) ~= r.yieldUp, "scale up \(r.yieldUp)")
        XCTAssert(0.075...0.115 ~= r.yieldDown, "scale down \(r.yieldDown)")
        // The pT(t) tail varies by more than the inclusive yield, about 20%.
        XCTAssertGreaterThan(r.binsDown.last!, 0.17)
        XCTAssertLessThan(r.binsUp.last!, -0.15)
        XCTAssertGreaterThan(abs(r.binsDown.last!), abs(r.yieldDown) + 0.05)
    }

    func testScaleWeightsAreAbsoluteInEquation83Order() {
        XCTAssertEqual(ScaleWeights.variations.map { [$0.nuR, $0.nuF] },
                       [[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]])
        var ratios = [Double](repeating: 0, count: 8)
        for i in 0..<200 {
            let z = Array(s.latent(row: i))
            ratios.withUnsafeMutableBufferPointer {
                ScaleWeights.ratios(mu0: z[Latent.mu0], x1: z[Latent.x1], x2: z[Latent.x2],
                                    initialState: Int(z[Latent.initialState]), model: ScaleModel(),
                                    into: $0.baseAddress!)
            }
            for k in 0..<8 {
                XCTAssertEqual(s.scale[i * 8 + k], s.weight[i] * ratios[k], accuracy: 1e-15 * s.weight[i])
            }
            // Pure μ_R variations follow α_s: up for μ_R/2, down for 2μ_R, in every event.
            XCTAssertGreaterThan(s.scale[i * 8 + 1], s.weight[i], "(−1, 0)")
            XCTAssertLessThan(s.scale[i * 8 + 6], s.weight[i], "(+1, 0)")
            XCTAssertLessThan(s.scale[i * 8 + 1] / s.weight[i], 1.25)
        }
    }

    func testJESIsFewPercentAndReachesHighTopPt() {
        let r = EffectSizes.jetEnergyScale(s, observable: "pt_tbar")
        XCTAssert(0.015...0.06 ~= r.yieldUp, "JES up \(r.yieldUp)")
        XCTAssert((-0.06)...(-0.015) ~= r.yieldDown, "JES down \(r.yieldDown)")
        for b in r.binsUp { XCTAssert(0.01...0.08 ~= b, "JES up bin \(b)") }
        for b in r.binsDown { XCTAssert((-0.08)...(-0.01) ~= b, "JES down bin \(b)") }
    }

    /// Section 7.3, figure 7: the JES effect rises in pT(t̄) from about 2% to 5%. At low
    /// pT(t̄) the migration across the m(tt̄) threshold dominates; at high pT(t̄) the larger
    /// shift of energetic b jets moves events up the falling spectrum. 10⁵ events; the
    /// half-difference (up − down)/2 per bin halves the migration noise, so that the last
    /// bin (pT(t̄) > 700 GeV, ~2% of the events) is known to about 0.4%.
    func testJESRisesWithAntitopPtFromTwoToFivePercent() {
        let r = EffectSizes.jetEnergyScale(Samples.large, observable: "pt_tbar")
        XCTAssertEqual(r.edges, [0, 200, 350, 500, 700])
        let b = zip(r.binsUp, r.binsDown).map { ($0 - $1) / 2 }
        XCTAssert(0.015...0.032 ~= b.first!, "JES pT(t̄) < 200 GeV: \(b)")
        XCTAssert(0.04...0.07 ~= b.last!, "JES pT(t̄) > 700 GeV: \(b)")
        XCTAssertGreaterThan(b.last! - b.first!, 0.015, "JES rises with pT(t̄): \(b)")
        for k in 1..<b.count { XCTAssertGreaterThan(b[k], b[k - 1] - 0.003, "JES bins \(b)") }
        for (up, down) in zip(r.binsUp, r.binsDown) { XCTAssert(up > 0 && down < 0, "\(r.binsUp) / \(r.binsDown)") }
    }

    func testBTaggingHeavyFlavourSmallerThanLightFlavour() {
        let hf = EffectSizes.bTagging(s, kind: .heavy)
        let lf = EffectSizes.bTagging(s, kind: .light)
        XCTAssert(0.02...0.05 ~= hf.yieldUp, "HF \(hf.yieldUp)")
        XCTAssert(0.035...0.08 ~= lf.yieldUp, "LF \(lf.yieldUp)")
        XCTAssertGreaterThan(lf.yieldUp, hf.yieldUp)
        XCTAssertLessThan(lf.yieldDown, hf.yieldDown)
        XCTAssertGreaterThan(lf.binsUp.last!, lf.binsUp.first!, "more light jets at high m(tt̄)")
    }

    func testLeptonEfficiencyBelowOnePercentAndFlat() {
        let r = EffectSizes.leptons(s)
        XCTAssert(0.002..<0.01 ~= r.yieldUp, "lepton \(r.yieldUp)")
        XCTAssert((-0.01)...(-0.002) ~= r.yieldDown)
        XCTAssertLessThan(r.binsUp.max()! - r.binsUp.min()!, 0.003)
    }

    /// Eq. (87) with ν = 0 is the identity and the per-jet model has the suggested sizes.
    func testBTagModelValues() {
        let m = BTagModel()
        XCTAssertEqual(m.efficiency(flavour: 5, pt: 60, eta: 0), 0.76, accuracy: 0.05)
        XCTAssertEqual(m.efficiency(flavour: 4, pt: 60, eta: 0), 0.4, accuracy: 0.05)
        XCTAssertEqual(m.efficiency(flavour: 0, pt: 60, eta: 0), 0.12, accuracy: 0.03)
        XCTAssertEqual(m.scaleFactorUncertainty(flavour: 0, pt: 60, eta: 0, kind: .heavy), 0)
        XCTAssertEqual(m.scaleFactorUncertainty(flavour: 5, pt: 60, eta: 0, kind: .light), 0)
        let rel = m.scaleFactorUncertainty(flavour: 0, pt: 300, eta: 0, kind: .light) / m.scaleFactor(flavour: 0, pt: 300, eta: 0)
        XCTAssert(0.15...0.25 ~= rel)
        let row = Array(s.latent(row: 0))
        row.withUnsafeBufferPointer { XCTAssertEqual(m.weight(row: $0.baseAddress!, nu: 0, kind: .light), 1) }
    }
}
