import XCTest
import TopPairSimulation

/// Normalization, the selection, and the reconstruction host service.
final class SelectionTests: XCTestCase {
    let s = Samples.nominal

    func testNominalFiducialWeightsSumToCrossSection() {
        let sum = compensatedSum((0..<s.count).lazy.filter { self.s.fiducial[$0] == 1 }.map { self.s.weight[$0] })
        XCTAssertEqual(sum, 0.31, accuracy: 0.31 * 1e-12)
        XCTAssertEqual(s.fiducialCount, 20_000)
        XCTAssertEqual(Set(s.weight).count, 1, "nominal events all carry σ_fid/N_fid")
    }

    /// Every fiducial event passes every cut, re-checked independently from z and x.
    func testFiducialEventsPassTheSelection() {
        for i in 0..<s.count where s.fiducial[i] == 1 {
            let z = Array(s.latent(row: i)), x = Array(s.observables(row: i))
            XCTAssertTrue(x.allSatisfy(\.isFinite), "x finite, event \(i)")
            XCTAssertGreaterThan(x[ObservableSet.mtt], 750)
            XCTAssertEqual(z[Latent.leptonCharge(0)] * z[Latent.leptonCharge(1)], -1)
            for k in 0..<2 {
                XCTAssertGreaterThan(z[Latent.leptonPt(k)], 20)
                XCTAssertLessThan(abs(z[Latent.leptonEta(k)]), 2.5)
            }
            if z[Latent.leptonFlavour(0)] == z[Latent.leptonFlavour(1)] {
                XCTAssertGreaterThanOrEqual(abs(x[ObservableSet.mll] - 91.19), 10)
            }
            var jets = 0, tags = 0
            for k in 0..<Int(z[Latent.nJets]) where z[Latent.jetPt(k)] > 30 && abs(z[Latent.jetEta(k)]) < 2.4 {
                jets += 1
                if z[Latent.jetTag(k)] == 1 { tags += 1 }
            }
            XCTAssertGreaterThanOrEqual(jets, 3)
            XCTAssertGreaterThanOrEqual(tags, 2)
            if jets < 3 || tags < 2 { break }
        }
    }

    /// reconstruct(z) reproduces the stored x (NaN patterns included) and flags bit for bit.
    func testReconstructionReproducesStoredObservables() {
        let (x, pass) = Reconstruction.reconstruct(latent: s.latent)
        XCTAssertEqual(pass, s.fiducial)
        XCTAssertEqual(x.map(\.bitPattern), s.observables.map(\.bitPattern))
    }

    /// Non-fiducial rows are there because a ±3σ JES variation makes them pass.
    func testPreselectedEventsPassUnderThreeSigmaJES() {
        let pre = (0..<s.count).filter { s.fiducial[$0] == 0 }
        XCTAssertGreaterThan(pre.count, 0)
        let up = Reconstruction.reconstruct(latent: JetEnergyScale.shift(latent: s.latent, nu: 3)).passes
        let down = Reconstruction.reconstruct(latent: JetEnergyScale.shift(latent: s.latent, nu: -3)).passes
        for i in pre { XCTAssertTrue(up[i] == 1 || down[i] == 1, "row \(i)") }
    }

    /// The JES shift moves jets by (1 + ν σ) and MET by minus the jet change.
    func testJESShiftPropagatesToMET() {
        let row = Array(s.latent(row: 0))
        let shifted = JetEnergyScale.shift(latent: row, nu: 1)
        let jes = JetEnergyScale()
        var dx = 0.0
        for k in 0..<Int(row[Latent.nJets]) {
            let pt = row[Latent.jetPt(k)], eta = row[Latent.jetEta(k)]
            XCTAssertEqual(shifted[Latent.jetPt(k)], pt * (1 + jes.sigma(pt: pt, eta: eta)), accuracy: 1e-9)
            dx += shifted[Latent.jetPt(k)] * cos(row[Latent.jetPhi(k)]) - pt * cos(row[Latent.jetPhi(k)])
        }
        XCTAssertEqual(shifted[Latent.metX], row[Latent.metX] - dx, accuracy: 1e-9)
    }

    /// σ_JES is smallest for central jets around the pivot, larger at low pT, at large |η|
    /// and at high pT (docs/simulation.md), and never above the cap.
    func testJESUncertaintyShape() {
        let j = JetEnergyScale()
        XCTAssertEqual(j.sigma(pt: 150, eta: 0), 0.0077, accuracy: 0.0005)
        XCTAssertEqual(j.sigma(pt: 30, eta: 0), 0.0103, accuracy: 0.0005)
        XCTAssertEqual(j.sigma(pt: 25, eta: 2.4), 0.0195, accuracy: 0.0005)
        XCTAssertEqual(j.sigma(pt: 500, eta: 0), 0.0289, accuracy: 0.0005)
        XCTAssertEqual(j.sigma(pt: 1000, eta: 0), 0.0413, accuracy: 0.0005)
        XCTAssertGreaterThan(j.sigma(pt: 30, eta: 0), j.sigma(pt: 150, eta: 0))
        XCTAssertGreaterThan(j.sigma(pt: 300, eta: 0), j.sigma(pt: 150, eta: 0))
        XCTAssertGreaterThan(j.sigma(pt: 60, eta: 2.0), j.sigma(pt: 60, eta: 1.0))
        XCTAssertEqual(j.sigma(pt: 6500, eta: 2.4), 0.05)
    }

    /// A model stored before the high-pT term existed decodes with that term 0, so that
    /// the samples it made are reproduced exactly.
    func testJESModelWithoutHighPtTermDecodesAsTheOldModel() throws {
        let old = #"{"constant": 0.009, "etaCoefficient": 2.3, "barrelEdge": 1.3, "lowPtTerm": 0.15, "maximum": 0.05}"#
        let j = try JSONDecoder().decode(JetEnergyScale.self, from: Data(old.utf8))
        XCTAssertEqual(j.highPtTerm, 0)
        XCTAssertEqual(j.sigma(pt: 500, eta: 0), 0.009 + 0.15 / 500, accuracy: 1e-15)
        let roundTrip = try JSONDecoder().decode(JetEnergyScale.self, from: JSONEncoder().encode(JetEnergyScale()))
        XCTAssertEqual(roundTrip, JetEnergyScale())
        XCTAssertThrowsError(try JSONDecoder().decode(JetEnergyScale.self, from: Data(#"{"constant": 0.01}"#.utf8)))
    }

    func testColumnNamesAndUnits() {
        XCTAssertEqual(Latent.names.count, Latent.width)
        XCTAssertEqual(Latent.units.count, Latent.width)
        XCTAssertEqual(Set(Latent.names).count, Latent.width)
        XCTAssertEqual(Latent.index(of: "jet2_pt"), Latent.jetPt(2))
        XCTAssertEqual(Latent.index(of: "jet5_btag"), Latent.jetTag(5))
        XCTAssertEqual(Latent.index(of: "lep1_eta"), Latent.leptonEta(1))
        XCTAssertEqual(Latent.index(of: "met_x"), Latent.metX)
        XCTAssertEqual(ObservableSet.names.count, 14)
        XCTAssertEqual(ObservableSet.units.count, 14)
        XCTAssertEqual(ObservableSet.names[6], "pt_tbar")
        XCTAssertEqual(Latent.units[Latent.jetPt(0)], "GeV")
        XCTAssertEqual(Latent.units[Latent.jetEta(0)], "")
    }

    func testSettingsDecodeWithDefaults() throws {
        let json = #"{"seed": 9, "generator": "alternative"}"#
        let s = try JSONDecoder().decode(SimulationSettings.self, from: Data(json.utf8))
        XCTAssertEqual(s.seed, 9)
        XCTAssertEqual(s.generator, .alternative)
        XCTAssertEqual(s.crossSectionPb, 0.31)
        let round = try JSONDecoder().decode(SimulationSettings.self, from: JSONEncoder().encode(s))
        XCTAssertEqual(round, s)
    }
}
