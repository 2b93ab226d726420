import BoostedParametricTree
import EventData
import Foundation
import PluginHost
import Provenance

/// One systematic, end to end: synthetic data sets (worker), training, model file, closure.
struct SurrogateTrainer {
    let workspace: Workspace
    let plan: SystematicPlan
    let threads: Int
    let progress: TrainingProgress

    var syntheticDirectory: URL { workspace.root.appendingPathComponent("synthetic").appendingPathComponent(plan.name) }
    var surrogateDirectory: URL { workspace.root.appendingPathComponent("surrogates").appendingPathComponent(plan.name) }

    func run(process: PluginProcess, outcome: inout Training.Outcome, identity: SurrogateIdentity, recorder: RunRecorder) throws {
        // Inputs are hashed before the step and checked again after it.
        let nominalManifest = workspace.nominalSample.appendingPathComponent(DataSetManifest.fileName)
        var recordedInputs: [(URL, ArtifactKind)] = [(workspace.configURL, .configuration), (nominalManifest, .sample),
                                             (URL(fileURLWithPath: plan.pluginPath), .plugin)]
        if plan.kind == .alternative {
            recordedInputs.append((workspace.alternativeSample.appendingPathComponent(DataSetManifest.fileName), .sample))
        }
        let before = try recordedInputs.map { try FileHash.sha256(file: $0.0) }
        try recorder.record(recordedInputs, role: .input)
        // 1. Synthetic data sets, made in a child process and staged until all are valid.
        let pluginStart = Date()
        let staging = workspace.root.appendingPathComponent("synthetic").appendingPathComponent(".\(plan.name).staging-\(getpid())")
        try? FileManager.default.removeItem(at: staging)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        let job = PluginWorker.Job(systematic: plan.name, plugin: plan.pluginPath, configJSON: plan.configJSON,
                                   nominal: workspace.nominalSample.path,
                                   alternative: plan.kind == .alternative ? workspace.alternativeSample.path : nil,
                                   output: staging.path, basePoints: plan.spec.basePoints)
        let points = plan.spec.basePoints
        let sandbox = try process.produce(job, pluginName: plan.pluginName) { k in
            progress.basePointProduced(systematic: plan.name, index: k, of: points.count, label: SyntheticValidator.label(points[k]))
        }
        if let sandbox { progress.log("\(plan.name): plugin worker sandbox: \(sandbox)") }
        try AtomicFile.replaceDirectory(syntheticDirectory, with: staging)
        outcome.pluginSeconds = Date().timeIntervalSince(pluginStart)

        // 2. Training data: the nominal fiducial events and one sample per base point.
        let learnStart = Date()
        let nominal = try DataSet.open(workspace.nominalSample)
        let (xShape, xAll) = try nominal.read("x", as: Double.self)
        let wAll = try nominal.read("w", as: Double.self).values
        let fiducial = try nominal.read("fiducial", as: UInt8.self).values
        let width = xShape[1]
        // The rows a reweighted D(ν)'s weights belong to: the contract the validator wrote them by.
        let nominalX = ReweightedDataContract.fiducialRows(xAll, width: width, fiducial: fiducial)
        let nominalW = ReweightedDataContract.fiducialRows(wAll, fiducial: fiducial)
        var inputs: [BasePointInput] = []
        var samples: [ClosureCheck.Sample] = []
        for k in points.indices {
            let dataSet = try DataSet.open(syntheticDirectory.appendingPathComponent("nu\(k)"))
            let w = try dataSet.read("w", as: Double.self).values
            if dataSet.manifest.column(named: "x") != nil {
                let x = try dataSet.read("x", as: Double.self).values
                inputs.append(.sample(x: x, weights: w))
                samples.append(.init(x: x, w: w))
            } else {
                inputs.append(.reweighted(weights: w))
                samples.append(.init(x: nil, w: w))
            }
        }
        let data = try BPTTrainingData(nominalX: nominalX, featureCount: width, nominalWeights: nominalW,
                                       basePoints: inputs, bins: plan.settings.bins)
        let trainer = try BPTTrainer(problem: plan.problem(), settings: plan.settings, threads: threads)
        progress.trainingStarted(systematic: plan.name, trees: plan.settings.trees)
        let model = try trainer.train(data) { done, total in progress.tree(systematic: plan.name, done: done, of: total) }
        outcome.learnerSeconds = Date().timeIntervalSince(learnStart)

        // 3. The surrogate and its description.
        let modelURL = surrogateDirectory.appendingPathComponent("model.json")
        try AtomicFile.write(Data(model.encoded()), to: modelURL)
        // The file names the plugin by its identity (SHA-256) and file name, not by where it
        // happened to be installed, so that a reproduction elsewhere gives the same bytes.
        var portablePlan = plan
        portablePlan.pluginPath = URL(fileURLWithPath: plan.pluginPath).lastPathComponent
        let record = SurrogateRecord(plan: portablePlan, nominalManifestSHA256: try FileHash.sha256(file: nominal.url.appendingPathComponent(DataSetManifest.fileName)),
                                     modelSHA256: try FileHash.sha256(file: modelURL))
        try AtomicFile.write(JSONEncoder.refinery.encode(record), to: surrogateDirectory.appendingPathComponent("surrogate.json"))

        // 4. Closure on the training base points.
        let names = nominal.manifest.column(named: "x")?.names ?? (0..<width).map { "x\($0)" }
        let units = nominal.manifest.column(named: "x")?.units ?? Array(repeating: "", count: width)
        let closure = ClosureCheck.run(systematic: plan.name, model: model, nominalX: nominalX, nominalW: nominalW,
                                       names: names, units: units, basePoints: points, samples: samples, threads: threads)
        let plot = surrogateDirectory.appendingPathComponent("closure.svg")
        try AtomicFile.write(Data(ClosureCheck.figure(closure, units: units).render().utf8), to: plot)
        let table = surrogateDirectory.appendingPathComponent("closure.md")
        try AtomicFile.write(Data(ClosureCheck.table(closure).utf8), to: table)
        let json = surrogateDirectory.appendingPathComponent("closure.json")
        try AtomicFile.write(JSONEncoder.refinery.encode(closure), to: json)
        outcome.closure = closure
        outcome.files = [modelURL, surrogateDirectory.appendingPathComponent("surrogate.json"), plot, table, json]

        // 5. The record: inputs unchanged, then outputs and the surrogate's identity.
        for ((url, _), hash) in zip(recordedInputs, before) where try FileHash.sha256(file: url) != hash {
            throw TrainingError.inputChanged(path: url.path)
        }
        for k in points.indices {
            try recorder.recordDataSet(syntheticDirectory.appendingPathComponent("nu\(k)"), kind: .synthetic, role: .output)
        }
        try recorder.record([(modelURL, .surrogate), (outcome.files[1], .report), (plot, .plot), (table, .report), (json, .report)],
                            role: .output)
        guard let modelArtifact = try recorder.store.latestArtifact(path: workspace.relative(modelURL)) else {
            throw TrainingError.inputChanged(path: modelURL.path)
        }
        _ = try recorder.store.recordSurrogate(identity.entry(plan: plan, artifactID: modelArtifact.id,
                                                              seed: nominal.manifest.seed ?? 0,
                                                              closureFigures: [workspace.relative(plot)], runID: recorder.runID))
        progress.log("\(plan.name): trained \(plan.settings.trees) trees in \(String(format: "%.1f", outcome.learnerSeconds)) s (plugin \(String(format: "%.1f", outcome.pluginSeconds)) s); closure \(closure.closes ? "ok" : "FAILS the criterion"); \(workspace.relative(surrogateDirectory))/")
    }
}

/// `surrogates/<name>/surrogate.json`: what made this surrogate.
public struct SurrogateRecord: Codable, Sendable {
    public var format = "refinery-surrogate"
    public var version = 1
    public var plan: SystematicPlan
    public var nominalManifestSHA256: String
    public var modelSHA256: String
}
