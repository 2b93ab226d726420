import BoostedParametricTree
import EventData
import Foundation
import Inference
import Provenance

/// The per-event arrays of the model of eq. (82) over the held-out nominal events: weights in
/// fb (L₀ w_i are expected events), the SMEFT surrogate's coefficients for the model's POIs and
/// each systematic's Δ — what `AsimovModel` packs and what `--export` writes as a SPEC.
struct LimitsArrays {
    var weights: [Double]
    /// N × (P + P(P+1)/2), the `smeft.npy` order for the model's POIs.
    var smeft: [Double]
    var factors: [SystematicFactor]
    var caches: [CoefficientCache.Entry]
    var heldOutEvents: Int
    var fiducialEvents: Int
    /// The file an event index refers to in messages (row i = i-th held-out nominal event).
    var source: String
    /// Row i's index among the nominal sample's fiducial events.
    var heldRows: [Int]

    /// Evaluates (or reads from the cache) every surrogate on the held-out events.
    ///
    /// The held-out weights are scaled by Σ_all w / Σ_held-out w so that the expected yield is
    /// that of the whole sample, L₀ σ_fid, and converted from pb to fb.
    static func build(_ plan: LimitsPlan, layout: WorkspaceLayout, store: ProvenanceStore, threads: Int,
                      log: (String) -> Void) throws -> LimitsArrays {
        let nominal = try NominalEvents(layout.nominalSample)
        let heldRows = plan.split.partition(count: nominal.w.count).heldOut
        guard !heldRows.isEmpty else {
            throw WorkspaceError.config(path: layout.config.path, field: "held_out.fraction", problem: "leaves no held-out nominal event to sum over; hold out a larger fraction")
        }
        let nf = nominal.width
        var x: [Double] = []
        x.reserveCapacity(heldRows.count * nf)
        for r in heldRows { x.append(contentsOf: nominal.x[(r * nf)..<((r + 1) * nf)]) }
        let totalAll = nominal.w.reduce(0, +)
        let held = heldRows.map { nominal.w[$0] }
        let scale = 1000 * totalAll / held.reduce(0, +)
        let weights = held.map { $0 * scale }
        let n = heldRows.count
        let cache = CoefficientCache(layout: layout, store: store, nominalSHA256: plan.nominal.sha256, split: plan.split)

        let k = plan.smeftModel.outputCount
        let smeftEntry = try cache.coefficients(plan.smeft, width: k, events: n) {
            plan.smeftModel.coefficients(x: x, count: n, threads: threads)
        }
        log("\(plan.smeft.name): \(smeftEntry.reused ? "coefficients read from the cache" : "evaluated") on \(n) held-out events in \(String(format: "%.2f", smeftEntry.seconds)) s")
        let subset = plan.pois.map { plan.smeftModel.poiNames.firstIndex(of: $0)! }
        let smeft = SmeftColumns.select(smeftEntry.values, width: k,
                                        columns: SmeftColumns.selection(subset: subset, of: plan.smeftModel.poiNames.count))
        var caches = [smeftEntry]
        var factors: [SystematicFactor] = []
        for (surrogate, model) in zip(plan.systematics, plan.systematicModels) {
            let entry = try cache.coefficients(surrogate, width: model.terms.count, events: n) {
                model.coefficients(x: x, count: n, threads: threads)
            }
            log("\(surrogate.name): \(entry.reused ? "coefficients read from the cache" : "evaluated") on \(n) held-out events in \(String(format: "%.2f", entry.seconds)) s")
            caches.append(entry)
            factors.append(SystematicFactor(name: surrogate.name, nuisances: surrogate.nuisances,
                                            terms: surrogate.terms.map { NuisanceTerm($0) }, delta: entry.values))
        }
        return LimitsArrays(weights: weights, smeft: smeft, factors: factors, caches: caches, heldOutEvents: n,
                            fiducialEvents: nominal.w.count,
                            source: "\(layout.relative(smeftEntry.file.url)) (row = held-out nominal event)", heldRows: heldRows)
    }

    /// R ≤ 0 at summed event `event`, named by its row in the nominal sample's files.
    func nonPositiveRate(event: Int, rate: Double, layout: WorkspaceLayout, surrogate: LimitsPlan.Surrogate) throws -> LimitsError {
        let fiducial = try DataSet.open(layout.nominalSample).read("fiducial", as: UInt8.self).values
        var row = -1, seen = -1
        let target = heldRows[event]
        for (i, flag) in fiducial.enumerated() where flag != 0 {
            seen += 1
            if seen == target { row = i; break }
        }
        return .nonPositiveRate(sample: layout.relative(layout.nominalSample), row: row, heldOutEvent: event, rate: rate,
                                surrogate: layout.relative(surrogate.model.url))
    }

    static func logNormal(_ section: WorkspaceConfig.ModelSection) -> [LogNormalFactor] {
        [LogNormalFactor(name: "lumi", nuisance: WorkspaceConfig.ModelSection.lumiNuisance, alpha: section.lumiAlpha),
         LogNormalFactor(name: "norm", nuisance: WorkspaceConfig.ModelSection.normNuisance, alpha: section.normAlpha)]
    }

    func model(_ plan: LimitsPlan) throws -> AsimovModel {
        try AsimovModel(weights: weights, poiNames: plan.pois, smeft: smeft, factors: factors,
                        logNormal: Self.logNormal(plan.section), floating: Set(plan.section.floating ?? []),
                        luminosity: plan.section.luminosity, source: source)
    }
}
