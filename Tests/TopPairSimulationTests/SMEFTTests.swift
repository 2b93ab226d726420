import XCTest
import TopPairSimulation

/// The stored polynomial coefficients are the exact expansion of the amplitude form.
final class SMEFTTests: XCTestCase {
    let s = Samples.nominal

    func testStoredCoefficientsMatchAmplitudeEvaluation() {
        var rng = CounterRNG(seed: 99, stream: 0, index: 0)
        for i in 0..<s.count {
            let theta = (0..<5).map { _ in rng.uniform(-3, 3) }
            let stored = SMEFT.weightRatio(coefficients: s.smeft(row: i), theta: theta)
            let direct = SMEFT.directWeightRatio(latentRow: s.latent(row: i), theta: theta)
            XCTAssertEqual(stored, direct, accuracy: 1e-12 * max(1, abs(direct)), "row \(i)")
        }
    }

    func testWeightsArePositiveForAnyTheta() {
        var rng = CounterRNG(seed: 98, stream: 0, index: 0)
        let thetas = (0..<5000).map { _ in rng.uniform(-5, 5) }  // 1000 points × 5
        var minimum = Double.infinity
        s.smeft.withUnsafeBufferPointer { r in
            thetas.withUnsafeBufferPointer { t in
                for i in 0..<s.count {
                    for j in 0..<1000 {
                        minimum = min(minimum, SMEFT.weightRatio(coefficients: r.baseAddress! + 20 * i,
                                                                 theta: t.baseAddress! + 5 * j))
                    }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(minimum, 0)
        // The pointer form agrees with the collection form.
        let t = Array(thetas[0..<5])
        let a = SMEFT.weightRatio(coefficients: s.smeft(row: 3), theta: t)
        let b = s.smeft.withUnsafeBufferPointer { r in
            t.withUnsafeBufferPointer { SMEFT.weightRatio(coefficients: r.baseAddress! + 60, theta: $0.baseAddress!) }
        }
        XCTAssertEqual(a, b, accuracy: 1e-14)
    }

    /// ctGIm is CP-odd: its linear coefficient averages to ~0 while its square does not.
    func testCPOddLinearTermAveragesToZero() {
        let w = (0..<s.count).filter { s.fiducial[$0] == 1 }
        let mean1 = w.map { s.smeft[$0 * 20 + 1] }.reduce(0, +) / Double(w.count)
        let meanAbs = w.map { abs(s.smeft[$0 * 20 + 1]) }.reduce(0, +) / Double(w.count)
        let quad = w.map { s.smeft[$0 * 20 + SMEFT.quadraticIndex(1, 1)] }.reduce(0, +) / Double(w.count)
        XCTAssertLessThan(abs(mean1), 0.05 * meanAbs)
        XCTAssertGreaterThan(quad, 0.002)
        let ctGRe = w.map { s.smeft[$0 * 20] }.reduce(0, +) / Double(w.count)
        XCTAssertGreaterThan(ctGRe, 0.1, "ctGRe changes the rate")
    }

    /// Four-fermion operators act on qq̄ only, ctj8 on uū only.
    func testFourFermionOperatorsActOnQuarksOnly() {
        for i in 0..<s.count {
            let initial = s.latent[i * Latent.width + Latent.initialState]
            let r = s.smeft(row: i)
            if initial == 0 {
                for m in 2..<5 { XCTAssertEqual(r[r.startIndex + m], 0) }
            }
            if initial == 2 { XCTAssertEqual(r[r.startIndex + 4], 0) }
        }
    }

    func testQuadraticIndexOrder() {
        XCTAssertEqual(SMEFT.quadraticIndex(0, 0), 5)
        XCTAssertEqual(SMEFT.quadraticIndex(0, 4), 9)
        XCTAssertEqual(SMEFT.quadraticIndex(1, 1), 10)
        XCTAssertEqual(SMEFT.quadraticIndex(4, 4), 19)
        XCTAssertEqual(SMEFT.quadraticIndex(3, 2), SMEFT.quadraticIndex(2, 3))
        XCTAssertEqual(SMEFT.coefficientNames[SMEFT.quadraticIndex(2, 4)], "r_cQj18_ctj8")
    }

    /// Energy-growing operators change the m(tt̄) shape; ctj8 changes the Δ|η| asymmetry.
    func testSMEFTShapesAreVisible() {
        let cQj18 = EffectSizes.smeft(s, poi: 2, observable: "m_tt")
        XCTAssertGreaterThan(cQj18.binsUp.last! - cQj18.binsUp.first!, 0.1)
        let ctj8 = EffectSizes.smeft(s, poi: 4, observable: "dabseta_tt")
        XCTAssertGreaterThan(ctj8.binsUp.last! - ctj8.binsUp.first!, 0.01)
        XCTAssertLessThan(ctj8.binsDown.last! - ctj8.binsDown.first!, -0.01)
    }
}
