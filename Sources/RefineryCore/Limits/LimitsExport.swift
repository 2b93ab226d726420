import EventData
import Foundation
import Inference
import Provenance

extension Limits {
    /// What `limits --export DIR` wrote.
    public struct Exported: Sendable, Encodable {
        public var spec: String
        public var files: [String]
        public var events: Int
        public var pois: [String]
        public var nuisances: [String]
    }

    /// Writes the workspace's model as exactly a SPEC of `refinery asimov` (docs/inference.md)
    /// with its `.npy` arrays, so that anyone can recompute eq. (94) with numpy: `spec.json`,
    /// `w.npy` (fb), `smeft.npy`, `delta_<systematic>.npy`. A recorded step (`limits-export`).
    public static func export(_ workspace: Workspace, to folder: URL, options: Options,
                              log: @escaping (String) -> Void = { _ in }) throws -> Exported {
        let store = try ProvenanceStore.open(workspace: workspace.root)
        let plan = try LimitsPlan.resolve(workspace, store: store, pairs: options.pairs, pois: options.pois)
        let step = ExportStep(plan: plan, folder: folder.standardizedFileURL, threads: options.threads, log: log)
        return try StepRunner(workspace: workspace, store: store).run(step, hashed: plan.inputs).value
    }

    struct ExportStep: Step {
        let plan: LimitsPlan
        let folder: URL
        let threads: Int
        let log: (String) -> Void

        var command: String { "limits-export" }
        var arguments: [String] { ["limits", "--export", folder.path] }

        func run(_ context: StepContext) throws -> Exported {
            let arrays = try LimitsArrays.build(plan, layout: context.layout, store: context.store, threads: threads, log: log)
            // Built once to refuse here what `refinery asimov` would refuse there.
            _ = try arrays.model(plan)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let n = arrays.heldOutEvents
            func write(_ values: [Double], shape: [Int], _ name: String) throws -> HashedFile {
                let data = NpyFile.encode(values, shape: shape)
                let url = folder.appendingPathComponent(name)
                try AtomicFile.write(data, to: url)
                return HashedFile.written(data, to: url, kind: .report)
            }
            var files = [try write(arrays.weights, shape: [n], "w.npy"),
                         try write(arrays.smeft, shape: [n, arrays.smeft.count / n], "smeft.npy")]
            var factors: [AsimovSpec.Factor] = []
            for factor in arrays.factors {
                let file = "delta_\(factor.name).npy"
                files.append(try write(factor.delta, shape: [n, factor.terms.count], file))
                factors.append(.init(name: factor.name, nuisances: factor.nuisances,
                                     terms: factor.terms.map { $0.parameters.map { factor.nuisances[$0] } }, delta: file))
            }
            let spec = AsimovSpec(luminosity: plan.section.luminosity, weights: "w.npy", pois: plan.pois, smeft: "smeft.npy",
                                  factors: factors,
                                  logNormal: LimitsArrays.logNormal(plan.section).map { .init(name: $0.name, nuisance: $0.nuisance, alpha: $0.alpha) },
                                  floating: plan.section.floating ?? [])
            let specURL = folder.appendingPathComponent("spec.json")
            try spec.write(to: specURL)
            files.append(try HashedFile.of(specURL, kind: .report))
            try context.record(outputs: arrays.caches.filter { !$0.reused }.map(\.file) + files)
            return Exported(spec: specURL.path, files: files.map(\.url.path), events: n, pois: plan.pois,
                            nuisances: factors.flatMap(\.nuisances) + spec.logNormal.map(\.nuisance))
        }
    }
}
