import Foundation

// Sizes of the systematic and SMEFT effects on a simulated sample: the numbers of the
// physics-toy targets table, computed the way the plugins will compute them.

/// Relative changes of the fiducial yield and of binned 1-D distributions for ±1
/// variations of each systematic (section 7 of the paper, physics-toy.md "Targets").
public enum EffectSizes {
    /// One effect: relative yield change for the up and down variation and the relative
    /// change per bin of `observable` (bin edges `edges`, last bin open).
    public struct Row: Sendable {
        public var name: String
        public var observable: String
        public var edges: [Double]
        public var yieldUp: Double
        public var yieldDown: Double
        public var binsUp: [Double]
        public var binsDown: [Double]
    }

    /// Default bin edges (lower edges, last bin open) per observable used in the table.
    public static let defaultEdges: [String: [Double]] = [
        "m_tt": [750, 900, 1100, 1400, 1800],
        "pt_t": [0, 200, 350, 500, 700],
        "pt_tbar": [0, 200, 350, 500, 700],
        "pt_tt": [0, 50, 100, 200, 350],
        "dabseta_tt": [-10, -1, 0, 1],
    ]

    /// Σw per bin of observable column `obs` over rows with `pass` = 1, weights `w`.
    static func histogram(x: [Double], pass: [UInt8], w: [Double], obs: Int, edges: [Double]) -> [Double] {
        var h = [Double](repeating: 0, count: edges.count)
        for i in 0..<pass.count where pass[i] == 1 {
            let v = x[i * ObservableSet.count + obs]
            guard v >= edges[0] else { continue }
            var b = edges.count - 1
            while v < edges[b] { b -= 1 }
            h[b] += w[i]
        }
        return h
    }

    static func relative(_ a: [Double], _ b: [Double]) -> [Double] {
        zip(a, b).map { $1 > 0 ? $0 / $1 - 1 : .nan }
    }

    /// A row for a reweighting variation: weights `up`, `down` against the nominal weights.
    static func reweightRow(_ name: String, _ s: SimulatedSample, obs: String,
                            up: [Double], down: [Double]) -> Row {
        let o = ObservableSet.index(of: obs)!
        let e = defaultEdges[obs]!
        let h0 = histogram(x: s.observables, pass: s.fiducial, w: s.weight, obs: o, edges: e)
        let hu = histogram(x: s.observables, pass: s.fiducial, w: up, obs: o, edges: e)
        let hd = histogram(x: s.observables, pass: s.fiducial, w: down, obs: o, edges: e)
        let t0 = h0.reduce(0, +)
        return Row(name: name, observable: obs, edges: e, yieldUp: hu.reduce(0, +) / t0 - 1,
                   yieldDown: hd.reduce(0, +) / t0 - 1, binsUp: relative(hu, h0), binsDown: relative(hd, h0))
    }

    /// Scale variation ν_R = ν_F = ±1 (absolute weights at eq. 83 positions 7 and 0).
    public static func scale(_ s: SimulatedSample, observable: String = "pt_t") -> Row {
        let up = (0..<s.count).map { s.scale[$0 * 8 + 7] }
        let down = (0..<s.count).map { s.scale[$0 * 8 + 0] }
        return reweightRow("scale ν_R=ν_F=±1", s, obs: observable, up: up, down: down)
    }

    /// b-tagging HF or LF ±1 by the reweighting of eqs. (86)–(87).
    public static func bTagging(_ s: SimulatedSample, kind: BTagVariation, observable: String = "m_tt") -> Row {
        let model = s.settings.detector.bTagging, sel = s.settings.detector.selection
        var up = s.weight, down = s.weight
        s.latent.withUnsafeBufferPointer { z in
            for i in 0..<s.count {
                let row = z.baseAddress! + i * Latent.width
                up[i] *= model.weight(row: row, nu: 1, kind: kind, selection: sel)
                down[i] *= model.weight(row: row, nu: -1, kind: kind, selection: sel)
            }
        }
        return reweightRow(kind == .heavy ? "b tagging HF ±1" : "b tagging LF ±1", s, obs: observable,
                           up: up, down: down)
    }

    /// Lepton efficiency ±1 by eq. (89).
    public static func leptons(_ s: SimulatedSample, observable: String = "m_tt") -> Row {
        let model = s.settings.detector.leptons
        var up = s.weight, down = s.weight
        s.latent.withUnsafeBufferPointer { z in
            for i in 0..<s.count {
                let row = z.baseAddress! + i * Latent.width
                up[i] *= model.weight(row: row, nu: 1)
                down[i] *= model.weight(row: row, nu: -1)
            }
        }
        return reweightRow("lepton efficiency ±1", s, obs: observable, up: up, down: down)
    }

    /// JES ±1: shift jets and MET, re-run the reconstruction (eq. 30), compare yields.
    public static func jetEnergyScale(_ s: SimulatedSample, observable: String = "pt_tbar") -> Row {
        let o = ObservableSet.index(of: observable)!
        let e = defaultEdges[observable]!
        let h0 = histogram(x: s.observables, pass: s.fiducial, w: s.weight, obs: o, edges: e)
        var hs: [[Double]] = []
        for nu in [1.0, -1.0] {
            let z = JetEnergyScale.shift(latent: s.latent, nu: nu, model: s.settings.detector.jetEnergyScale)
            let (x, p) = Reconstruction.reconstruct(latent: z, selection: s.settings.detector.selection)
            hs.append(histogram(x: x, pass: p, w: s.weight, obs: o, edges: e))
        }
        let t0 = h0.reduce(0, +)
        return Row(name: "JES ±1", observable: observable, edges: e, yieldUp: hs[0].reduce(0, +) / t0 - 1,
                   yieldDown: hs[1].reduce(0, +) / t0 - 1, binsUp: relative(hs[0], h0), binsDown: relative(hs[1], h0))
    }

    /// SMEFT: weights at θ_poi = +1 and −1 (others 0) from the stored coefficients.
    public static func smeft(_ s: SimulatedSample, poi: Int, observable: String = "m_tt") -> Row {
        var up = s.weight, down = s.weight
        for i in 0..<s.count {
            let r = s.smeft(row: i)
            var t = [Double](repeating: 0, count: 5)
            t[poi] = 1
            up[i] *= SMEFT.weightRatio(coefficients: r, theta: t)
            t[poi] = -1
            down[i] *= SMEFT.weightRatio(coefficients: r, theta: t)
        }
        return reweightRow("SMEFT \(SMEFT.poiNames[poi]) = ±1", s, obs: observable, up: up, down: down)
    }

    /// Alternative generator: ratio of normalized shapes (alternative/nominal − 1) in
    /// `yieldUp`/`binsUp`, the fiducial yield ratio − 1 in `yieldUp`; down is empty.
    public static func alternative(_ nominal: SimulatedSample, _ alt: SimulatedSample, observable: String) -> Row {
        let o = ObservableSet.index(of: observable)!
        let e = defaultEdges[observable]!
        let h0 = histogram(x: nominal.observables, pass: nominal.fiducial, w: nominal.weight, obs: o, edges: e)
        let h1 = histogram(x: alt.observables, pass: alt.fiducial, w: alt.weight, obs: o, edges: e)
        let t0 = h0.reduce(0, +), t1 = h1.reduce(0, +)
        let shape = zip(h1, h0).map { ($0 / t1) / ($1 / t0) - 1 }
        return Row(name: "alternative generator (shape)", observable: observable, edges: e,
                   yieldUp: t1 / t0 - 1, yieldDown: .nan, binsUp: shape, binsDown: [])
    }

    /// All rows of the targets table.
    public static func all(nominal: SimulatedSample, alternative alt: SimulatedSample?) -> [Row] {
        var rows = [scale(nominal), jetEnergyScale(nominal), bTagging(nominal, kind: .heavy),
                    bTagging(nominal, kind: .light), leptons(nominal)]
        if let alt {
            rows.append(alternative(nominal, alt, observable: "pt_t"))
            rows.append(alternative(nominal, alt, observable: "pt_tt"))
            rows.append(alternative(nominal, alt, observable: "m_tt"))
        }
        for poi in 0..<5 { rows.append(smeft(nominal, poi: poi)) }
        rows.append(smeft(nominal, poi: 4, observable: "dabseta_tt"))
        rows.append(smeft(nominal, poi: 0, observable: "pt_t"))
        return rows
    }

    /// A plain-text table of `rows` (percentages).
    public static func table(_ rows: [Row]) -> String {
        func pct(_ v: Double) -> String {
            v.isNaN ? "   -  " : String(format: "%+6.1f", 100 * v)
        }
        var out = "effect                         observable   yield(+)  yield(-)   bins(+) [%] / bins(-) [%]\n"
        for r in rows {
            let name = r.name.padding(toLength: 30, withPad: " ", startingAt: 0)
            let obs = r.observable.padding(toLength: 11, withPad: " ", startingAt: 0)
            out += "\(name) \(obs) \(pct(r.yieldUp))%  \(pct(r.yieldDown))%   "
            out += r.binsUp.map(pct).joined(separator: " ")
            if !r.binsDown.isEmpty { out += "  /  " + r.binsDown.map(pct).joined(separator: " ") }
            out += "\n"
        }
        return out
    }
}
