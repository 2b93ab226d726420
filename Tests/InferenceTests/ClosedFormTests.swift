import Foundation
import XCTest
@testable import Inference

/// A model whose R̂ and Ŝ_k are constant in bins of one observable is a binned model: the
/// unbinned Asimov q of eq. (94) must equal the binned Poisson Asimov q built from the
/// expectations of eq. (63), 2 Σ_n (λ_n − λ⁰_n − λ⁰_n log λ_n/λ⁰_n) + Σ ν², computed here
/// from bin totals only (frozen) and minimized by scipy (profiled).
final class ClosedFormTests: XCTestCase {
    struct Binned {
        var sigma: [Double]              // Σ w per bin
        var r: [[Double]]                // per bin: r_0, r_1, r_00, r_01, r_11
        var delta: [[Double]]            // per bin: scale [R], [R,R]; JES [J]
        var luminosity = 137.0
        var alphaLumi = 1.05

        /// λ_n of eq. (63), one process, then the Poisson Asimov statistic.
        func q(_ x: [Double]) -> Double {
            let (t0, t1, nR, nJ, nL) = (x[0], x[1], x[2], x[3], x[4])
            var total = nR * nR + nJ * nJ + nL * nL
            for n in sigma.indices {
                let rhat = 1 + t0 * r[n][0] + t1 * r[n][1] + t0 * t0 * r[n][2] + t0 * t1 * r[n][3] + t1 * t1 * r[n][4]
                let s = exp(nR * delta[n][0] + nR * nR * delta[n][1] + nJ * delta[n][2])
                let lambda0 = luminosity * sigma[n]
                let lambda = lambda0 * pow(alphaLumi, nL) * rhat * s
                total += 2 * (lambda - lambda0 - lambda0 * log(lambda / lambda0))
            }
            return total
        }
    }

    func makeModel() throws -> (AsimovModel, Binned) {
        let bins = 5
        var rng = SeededGenerator(seed: 42)
        var r: [[Double]] = [], delta: [[Double]] = []
        for n in 0..<bins {
            let b = Double(n)
            let row: [Double] = [0.3 + 0.1 * b, -0.2 + 0.08 * b, 0.05, 0.02 * b, 0.04]
            let d: [Double] = [0.05 * b - 0.1, 0.01, 0.03 * (b - 2)]
            r.append(row)
            delta.append(d)
        }
        var weights: [Double] = [], smeft: [Double] = [], scale: [Double] = [], jes: [Double] = []
        var sigma = [Double](repeating: 0, count: bins)
        for _ in 0..<4000 {
            let n = Int(rng.uniform() * Double(bins))   // the bin of the observable
            let w = 0.01 * (0.5 + rng.uniform())
            weights.append(w)
            sigma[n] += w
            smeft += r[n]
            scale += [delta[n][0], delta[n][1]]
            jes.append(delta[n][2])
        }
        let model = try AsimovModel(weights: weights, poiNames: ["a", "b"], smeft: smeft,
                                    factors: [SystematicFactor(name: "scale", nuisances: ["nu_R"], terms: [NuisanceTerm([0]), NuisanceTerm([0, 0])], delta: scale),
                                              SystematicFactor(name: "JES", nuisances: ["nu_JES"], terms: [NuisanceTerm([0])], delta: jes)],
                                    logNormal: [LogNormalFactor(name: "lumi", nuisance: "nu_lumi", alpha: 1.05)], luminosity: 137)
        return (model, Binned(sigma: sigma, r: r, delta: delta))
    }

    func testFrozenAndFixedPointsMatchBinnedPoisson() throws {
        let (model, binned) = try makeModel()
        let statistic = AsimovStatistic(model: model, threads: 2)
        for x in [[0.3, -0.2, 0, 0, 0], [-0.5, 0.4, 0, 0, 0], [0.1, 0.1, 0.7, -0.4, 0.9], [0.2, -0.6, -1.1, 0.3, -0.5]] {
            let expected = binned.q(x)
            XCTAssertEqual(statistic.value(at: x), expected, accuracy: 1e-6 * expected, "at \(x)")
        }
    }

    func testProfiledMatchesBinnedPoissonMinimizedByScipy() throws {
        let (model, binned) = try makeModel()
        let profiler = Profiler(statistic: AsimovStatistic(model: model, threads: 2))
        let points = [[0.3, -0.2], [-0.4, 0.5], [0.15, 0.35]]
        let script = """
        import json, sys, numpy as np
        from scipy.optimize import minimize
        d = json.load(sys.stdin)
        sig, r, de = np.array(d["sigma"]), np.array(d["r"]), np.array(d["delta"])
        def q(th, nu):
            t0, t1 = th; nR, nJ, nL = nu
            rhat = 1 + t0*r[:,0] + t1*r[:,1] + t0*t0*r[:,2] + t0*t1*r[:,3] + t1*t1*r[:,4]
            lam0 = 137.0 * sig
            lam = lam0 * 1.05**nL * rhat * np.exp(nR*de[:,0] + nR*nR*de[:,1] + nJ*de[:,2])
            return 2*np.sum(lam - lam0 - lam0*np.log(lam/lam0)) + nR*nR + nJ*nJ + nL*nL
        out = [minimize(lambda nu: q(th, nu), np.zeros(3), method="BFGS", options={"gtol": 1e-12}).fun for th in d["points"]]
        print(json.dumps(out))
        """
        let request: [String: Any] = ["sigma": binned.sigma, "r": binned.r, "delta": binned.delta, "points": points]
        let reference = try runPython(script, input: request) as! [Double]
        for (theta, expected) in zip(points, reference) {
            let p = try profiler.profile(start: theta + [0, 0, 0], free: [2, 3, 4])
            XCTAssertEqual(p.q, expected, accuracy: 1e-6 * expected, "profiled at \(theta)")
            XCTAssertLessThan(p.q, binned.q(theta + [0, 0, 0]), "profiling lowers q")
        }
    }

    func runPython(_ script: String, input: Any) throws -> Any {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: input))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return try JSONSerialization.jsonObject(with: data)
    }
}
