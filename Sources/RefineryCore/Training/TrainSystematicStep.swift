import BoostedParametricTree
import EventData
import Foundation
import PluginHost
import Provenance

/// One systematic, end to end, as a recorded step: synthetic data sets (in a plugin worker),
/// training (Algorithm 1), the surrogate's files, closure. Its inputs (configuration, nominal
/// manifest, plugin binary, alternative manifest) arrive hashed by `train`, which used the same
/// values for the identity key; the runner checks them again after the work.
struct TrainSystematicStep: Step {
    let workspace: Workspace
    let plan: SystematicPlan
    let identity: SurrogateIdentity
    let threads: Int
    let process: PluginProcess
    let progress: TrainingProgress
    /// The nominal events, read once per `train` run for all its steps.
    let nominalEvents: NominalEventsCache

    var command: String { "train-systematic" }
    /// Replayed with the tree count it was trained with: `--trees` is the last settings layer,
    /// so this reproduces the settings whatever the workspace default was. A replay reproduces
    /// bytes, closing or not: the closure verdict does not stop it.
    var replay: [String]? { ["train", "--only", plan.name, "--trees", String(plan.settings.trees), "--allow-closure-failure"] }

    /// What one trained systematic produced.
    struct Trained: Sendable {
        var closure: ClosureReport
        var surrogateID: Int64
        var files: [URL]
        var pluginSeconds: Double
        var readingSeconds: Double
        var learnerSeconds: Double
        var closureSeconds: Double
    }

    /// Everything is staged first: the data sets in `synthetic/.<name>.staging-<tag>/`, the five
    /// surrogate files beside the surrogate folder; `SurrogateCommit` records and exchanges
    /// both at the end, so a kill at any moment leaves every folder wholly old or wholly new
    /// (`provenance verify` clean), and `pack` never sees half of a retrain.
    func run(_ context: StepContext) throws -> Trained {
        let layout = workspace.layout
        let final = layout.surrogate(plan.name)
        let family = try layout.inside(layout.syntheticFamily(plan.name))
        let points = plan.spec.basePoints

        // 1. Synthetic data sets, made in a child process and staged until all are valid.
        let pluginStart = Date()
        let staging = try layout.inside(layout.syntheticStaging(plan.name, tag: .current))
        try? FileManager.default.removeItem(at: staging)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        let surrogate = try SurrogateCommit(layout: layout, name: plan.name)
        defer { try? FileManager.default.removeItem(at: staging); surrogate.discard() }
        let job = PluginWorker.Job(systematic: plan.name, plugin: plan.pluginPath, configJSON: plan.configJSON,
                                   nominal: layout.nominalSample.path,
                                   alternative: plan.kind == .alternative ? layout.alternativeSample.path : nil,
                                   output: staging.path, basePoints: points)
        let sandbox = try process.produce(job, pluginName: plan.pluginName) { k in
            progress.basePointProduced(systematic: plan.name, index: k, of: points.count, label: SyntheticValidator.label(points[k]))
        }
        if let sandbox { progress.log("\(plan.name): plugin worker sandbox: \(sandbox)") }
        let pluginSeconds = Date().timeIntervalSince(pluginStart)

        // 2. Training data: the nominal fiducial events and one sample per base point. Each
        //    column is read once; reading verifies it against its manifest's SHA-256.
        let readStart = Date()
        let nominal = try nominalEvents.events(layout.nominalSample, manifestSHA256: identity.nominalSHA256)
        var inputs: [BasePointInput] = []
        var samples: [ClosureCheck.Sample] = []
        var dataSets: [(DataSet, read: Set<String>)] = []
        for k in points.indices {
            let dataSet = try DataSet.open(WorkspaceLayout.dataSet(in: staging, basePoint: k))
            let hasX = dataSet.manifest.column(named: "x") != nil
            dataSets.append((dataSet, hasX ? ["w", "x"] : ["w"]))
            let w = try dataSet.read("w", as: Double.self).values
            if hasX {
                let x = try dataSet.read("x", as: Double.self).values
                inputs.append(.sample(x: x, weights: w))
                samples.append(.init(x: x, w: w))
            } else {
                inputs.append(.reweighted(weights: w))
                samples.append(.init(x: nil, w: w))
            }
        }
        let readingSeconds = Date().timeIntervalSince(readStart)
        let learnStart = Date()
        let data = try BPTTrainingData(nominalX: nominal.x, featureCount: nominal.width, nominalWeights: nominal.w,
                                       basePoints: inputs, bins: plan.settings.bins)
        inputs = []
        let trainer = try BPTTrainer(problem: plan.problem(), settings: plan.settings, threads: threads)
        progress.trainingStarted(systematic: plan.name, trees: plan.settings.trees)
        let report = { (done: Int, total: Int) in progress.tree(systematic: plan.name, done: done, of: total) }
        // Held-out events only when the settings ask for them (docs/closure.md): otherwise every
        // event trains, as Algorithm 1 does and as every earlier surrogate was trained.
        let model = try plan.heldOut.map { try trainer.train(data, holdingOut: $0, progress: report) } ?? trainer.train(data, progress: report)
        let learnerSeconds = Date().timeIntervalSince(learnStart)

        // 3. The surrogate and its description, staged. The record names the plugin by its
        //    identity (SHA-256) and file name, not by where it happened to be installed, so
        //    that a reproduction elsewhere gives the same bytes.
        let modelBytes = Data(model.encoded())
        var portablePlan = plan
        portablePlan.pluginPath = URL(fileURLWithPath: plan.pluginPath).lastPathComponent
        let modelFile = try surrogate.write(modelBytes, as: final.model, kind: .surrogate)
        let record = SurrogateRecord(plan: portablePlan, nominalManifestSHA256: identity.nominalSHA256, modelSHA256: modelFile.sha256)

        // 4. Closure on the training base points; with a held-out split, on the training part
        //    and, for the criterion, on the held-out part (the trainer's own split of each sample).
        let closureStart = Date()
        let closure = ClosureCheck.run(systematic: plan.name, model: model, nominal: nominal, basePoints: points,
                                       samples: samples, heldOut: plan.heldOut, threads: threads)
        let outputs = [
            modelFile,
            try surrogate.write(JSONEncoder.refinery.encode(record), as: final.record, kind: .report),
            try surrogate.write(Data(ClosureCheck.figure(closure, units: nominal.units).render().utf8), as: final.closurePlot, kind: .plot),
            try surrogate.write(Data(ClosureCheck.table(closure).utf8), as: final.closureTable, kind: .report),
            try surrogate.write(JSONEncoder.refinery.encode(closure), as: final.closureJSON, kind: .report),
        ]
        let closureSeconds = Date().timeIntervalSince(closureStart)

        // 5. The commit: the data sets (hashes verified as they were read) and the five files
        //    recorded under their final names with the surrogate's identity, then both staged
        //    folders exchanged with the recorded ones.
        let synthetic = try dataSets.flatMap { try Self.hashedFiles(of: $0.0, read: $0.read, to: family) }
        let surrogateID = try surrogate.commit(context, outputs: outputs, others: synthetic, folders: [(family, staging)]) { modelID in
            try context.store.recordSurrogate(identity.entry(plan: plan, artifactID: modelID, seed: nominal.seed,
                                                             closureFigures: [layout.relative(final.closurePlot)],
                                                             runID: context.runID))
        }
        progress.log("\(plan.name): trained \(model.trees.count) trees in \(String(format: "%.1f", learnerSeconds)) s (plugin \(String(format: "%.1f", pluginSeconds)) s); closure \(closure.closes ? "ok" : "FAILS the criterion"); \(layout.relative(final.folder))/")
        return Trained(closure: closure, surrogateID: surrogateID, files: outputs.map(\.url),
                       pluginSeconds: pluginSeconds, readingSeconds: readingSeconds, learnerSeconds: learnerSeconds,
                       closureSeconds: closureSeconds)
    }

    /// The files of a staged data set, as they will be recorded in the family folder `family`:
    /// the columns in `read` were verified against the manifest's hashes as they were read and
    /// take those hashes; every other file is hashed. Sorted by name, like every recorded data set.
    static func hashedFiles(of dataSet: DataSet, read: Set<String>, to family: URL) throws -> [HashedFile] {
        let folder = family.appendingPathComponent(dataSet.url.lastPathComponent)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dataSet.url.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        return try names.map { name in
            let url = folder.appendingPathComponent(name)
            let staged = dataSet.url.appendingPathComponent(name)
            if let column = dataSet.manifest.columns.first(where: { $0.file == name && read.contains($0.name) }) {
                return HashedFile(url: url, kind: .synthetic, size: HashedFile.fileSize(staged), sha256: column.sha256)
            }
            let hashed = try HashedFile.of(staged, kind: .synthetic)
            return HashedFile(url: url, kind: .synthetic, size: hashed.size, sha256: hashed.sha256)
        }
    }
}
