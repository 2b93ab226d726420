import BoostedParametricTree
import EventData
import Foundation
import PluginHost
import Provenance

/// The SMEFT surrogate R̂(x|θ) (eq. 67) as a recorded step: a Boosted Information Tree learned
/// from the training part of the nominal sample's held-out split (per-event coefficients of
/// appendix A), its five files under `surrogates/smeft/`, and closure on the held-out part
/// against the exact per-event reweighting (`SmeftClosure`).
struct TrainSmeftStep: Step {
    let workspace: Workspace
    let plan: SmeftPlan
    let identity: SmeftIdentity
    let threads: Int
    let progress: TrainingProgress
    /// The nominal events, read once per `train` run for all its steps.
    let nominalEvents: NominalEventsCache

    var command: String { "train-smeft" }
    var replay: [String]? { ["train", "--only", plan.name, "--trees", String(plan.settings.trees), "--allow-closure-failure"] }

    struct Trained: Sendable {
        var closure: ClosureReport
        var surrogateID: Int64
        var readingSeconds: Double
        var learnerSeconds: Double
        var closureSeconds: Double
    }

    func run(_ context: StepContext) throws -> Trained {
        let layout = workspace.layout
        let surrogate = try SurrogateCommit(layout: layout, name: plan.name)
        defer { surrogate.discard() }
        let files = surrogate.final
        let readStart = Date()
        let nominal = try nominalEvents.events(layout.nominalSample, manifestSHA256: identity.nominalSHA256)
        let sample = try SmeftSample(layout.nominalSample, plan: plan)
        let readingSeconds = Date().timeIntervalSince(readStart)
        let start = Date()
        let k = SmeftColumns.count(plan.pois.count)
        let (training, heldOut) = SmeftClosure.parts(nominal: nominal, sample: sample, split: plan.heldOut, outputs: k)
        let data = try BITTrainingData(x: training.x, featureCount: nominal.width, weights: training.w,
                                       coefficients: training.coefficients, outputCount: k, bins: plan.settings.bins)
        let trainer = try BITTrainer(poiNames: plan.pois, settings: plan.settings, threads: threads)
        progress.trainingStarted(systematic: plan.name, trees: plan.settings.trees)
        let model = try trainer.train(data) { done, total in progress.tree(systematic: plan.name, done: done, of: total) }
        let learnerSeconds = Date().timeIntervalSince(start)

        let modelBytes = Data(model.encoded())
        let modelFile = try surrogate.write(modelBytes, as: files.model, kind: .surrogate)
        let record = SmeftRecord(plan: plan, nominalManifestSHA256: identity.nominalSHA256, modelSHA256: modelFile.sha256,
                                 trainingEvents: training.count, heldOutEvents: heldOut.count)
        let recordFile = try surrogate.write(JSONEncoder.refinery.encode(record), as: files.record, kind: .report)

        // Closure on events the surrogate did not see, with the training events' precision.
        let closureStart = Date()
        let closure = SmeftClosure.run(name: plan.name, model: model, heldOut: heldOut, training: training, poiNames: plan.pois,
                                       points: plan.closurePoints, names: nominal.names, threads: threads)
        let outputs = [
            modelFile, recordFile,
            try surrogate.write(Data(SmeftClosure.figure(closure, units: nominal.units, poiNames: plan.pois).render().utf8), as: files.closurePlot, kind: .plot),
            try surrogate.write(Data(SmeftClosure.table(closure, poiNames: plan.pois).utf8), as: files.closureTable, kind: .report),
            try surrogate.write(JSONEncoder.refinery.encode(closure), as: files.closureJSON, kind: .report),
        ]
        let closureSeconds = Date().timeIntervalSince(closureStart)
        let surrogateID = try surrogate.commit(context, outputs: outputs) { modelID in
            try context.store.recordSurrogate(identity.entry(artifactID: modelID, seed: nominal.seed,
                                                             closureFigures: [layout.relative(files.closurePlot)],
                                                             runID: context.runID))
        }
        progress.log("\(plan.name): trained \(model.trees.count) BIT trees on \(training.count) events in \(String(format: "%.1f", learnerSeconds)) s; closure on \(heldOut.count) held-out events \(closure.closes ? "ok" : "FAILS the criterion"); \(layout.relative(files.folder))/")
        return Trained(closure: closure, surrogateID: surrogateID, readingSeconds: readingSeconds, learnerSeconds: learnerSeconds,
                       closureSeconds: closureSeconds)
    }
}

/// The nominal sample's per-event SMEFT coefficients of the fiducial events, reduced to the
/// plan's POIs and order (`smeft.npy`, appendix A).
struct SmeftSample {
    /// Row-major fiducial events × K.
    var coefficients: [Double]

    init(_ url: URL, plan: SmeftPlan) throws {
        let dataSet = try DataSet.open(url)
        let (shape, all) = try dataSet.read("smeft", as: Double.self)
        let fiducial = try dataSet.read("fiducial", as: UInt8.self).values
        let p = plan.samplePOIs.count
        guard shape.count == 2, shape[1] == SmeftColumns.count(p) else {
            throw SmeftError.noCoefficients(sample: url.appendingPathComponent("smeft.npy").path)
        }
        let rows = ReweightedDataContract.fiducialRows(all, width: shape[1], fiducial: fiducial)
        let subset = plan.pois.map { plan.samplePOIs.firstIndex(of: $0)! }
        coefficients = SmeftColumns.select(rows, width: shape[1], columns: SmeftColumns.selection(subset: subset, of: p, order: plan.order))
    }
}

extension Training {
    /// What `train` would decide for the SMEFT surrogate now (`provenance stale`, `submit`).
    static func smeftDecision(_ workspace: Workspace, inputs: TrainingInputs, store: ProvenanceStore, trees: Int?) throws -> TrainingDecision {
        let plan = try SmeftPlan.resolve(workspace, trees: trees)
        return try SmeftIdentity(plan: plan, nominalSHA256: inputs.nominal.sha256).decide(store: store, layout: workspace.layout)
    }

    /// Decides and, unless reused, trains the SMEFT surrogate inside `train`'s run.
    static func trainSmeft(_ workspace: Workspace, inputs: TrainingInputs, runner: StepRunner, store: ProvenanceStore,
                           nominalEvents: NominalEventsCache, trees: Int?, threads: Int, progress: TrainingProgress) -> Outcome {
        let layout = workspace.layout
        var outcome = Outcome(name: WorkspaceConfig.SmeftSection.surrogateName)
        let started = Date()
        do {
            let plan = try SmeftPlan.resolve(workspace, trees: trees)
            let identity = SmeftIdentity(plan: plan, nominalSHA256: inputs.nominal.sha256)
            outcome.identityKey = identity.key
            let decision = try identity.decide(store: store, layout: layout)
            outcome.decision = decision
            outcome.files = layout.surrogate(plan.name).all.map(layout.relative)
            switch decision {
            case let .reuse(surrogateID):
                outcome.status = .reused
                outcome.surrogateID = surrogateID
                outcome.closure = try? JSONDecoder().decode(ClosureReport.self, from: Data(contentsOf: layout.surrogate(plan.name).closureJSON))
                progress.log("\(plan.name): reused (identity \(identity.key.prefix(12)) unchanged)")
            case let .train(reason):
                progress.log("\(plan.name): \(DecisionText.text(reason)); BIT, \(plan.pois.count) POIs, order \(plan.order), \(plan.settings.trees) trees")
                let step = TrainSmeftStep(workspace: workspace, plan: plan, identity: identity, threads: threads, progress: progress,
                                          nominalEvents: nominalEvents)
                let finished = try runner.run(step, hashed: [inputs.configuration, inputs.nominal])
                outcome.status = .trained
                outcome.surrogateID = finished.value.surrogateID
                outcome.closure = finished.value.closure
                outcome.timings.reading = finished.value.readingSeconds
                outcome.timings.learner = finished.value.learnerSeconds
                outcome.timings.closure = finished.value.closureSeconds
                outcome.timings.recording = finished.recordingSeconds
            }
        } catch {
            outcome.status = .failed
            outcome.error = (error as? LocalizedError)?.errorDescription ?? "\(error)"
            progress.log("\(outcome.name): FAILED: \(outcome.error!)")
        }
        outcome.timings.total = Date().timeIntervalSince(started)
        return outcome
    }
}
