import BoostedParametricTree
import EventData
import Foundation
import PluginHost
import Provenance
import Validation

/// The classifier two-sample test of one surrogate (section 7.6) as a recorded step: at every
/// base point ν ≠ 0, D_SM against D_reweighted (eq. 92) and against D_ν, on events the
/// surrogate was not trained on (its recorded held-out split), with the permutation and the
/// binomial nulls; writes `validation/<name>/c2st.{json,md,svg}`.
struct ValidateSurrogateStep: Step {
    let name: String
    let threads: Int
    let inputs: ValidationInputs

    var command: String { "validate-surrogate" }
    var replay: [String]? { ["validate", "--only", name] }

    func inputs(_ layout: WorkspaceLayout) throws -> [(URL, ArtifactKind)] { [] }

    func run(_ context: StepContext) throws -> C2STReport {
        let layout = context.layout
        let settings = inputs.settings
        let nominal = try NominalEvents(layout.nominalSample)
        let model = inputs.model
        guard let split = model.validation?.split else {
            throw SurrogateValidationError.trainedOnEveryEvent(systematic: name, command: "refinery train -w \(layout.root.path) --only \(name)")
        }
        let nf = nominal.width
        let nominalSample = try WeightedSample(x: nominal.x, w: nominal.w, featureCount: nf)
        var points: [C2STReport.BasePoint] = []
        let tested = inputs.plan.spec.basePoints.indices.filter { inputs.plan.spec.basePoints[$0].contains { $0 != 0 } }
        let threshold = settings.alpha / Double(max(tested.count, 1))
        for k in tested {
            let nu = inputs.plan.spec.basePoints[k]
            let dataSet = try DataSet.open(layout.syntheticDataSet(name, basePoint: k))
            let result: TwoSampleTest.Result
            do {
                let (reference, varied) = try C2STEvents.samples(nominal: nominalSample, nominalEvents: nominal.events,
                                                                 varied: try variedEvents(dataSet, width: nf, layout: layout),
                                                                 split: split, seed: settings.seed)
                result = try C2STEvents.test(model: model, nu: nu, reference: reference, varied: varied,
                                             settings: settings, threads: threads)
            } catch {
                throw SurrogateValidationError.testFailed(systematic: name, message: "at ν = \(nu) (\(layout.relative(dataSet.url))): "
                    + ((error as? LocalizedError)?.errorDescription ?? "\(error)"))
            }
            points.append(.init(nu: nu, test: result, passed: result.pValue > threshold,
                                effectDetected: (result.pValueUnreweighted ?? 1) <= threshold))
        }
        let report = C2STReport(systematic: name, identityKey: inputs.identityKey, modelSHA256: inputs.modelFile.sha256,
                                split: split, settings: settings, xgboostVersion: try XGBoostInfo.version(),
                                basePoints: points, threshold: threshold)
        let files = layout.validationFiles(name)
        try FileManager.default.createDirectory(at: files.folder, withIntermediateDirectories: true)
        let outputs = [
            try layout.write(Data(C2STFigure.figure(report).render().utf8), to: files.figure, kind: .plot),
            try layout.write(Data(report.table.utf8), to: files.table, kind: .report),
            try layout.write(JSONEncoder.refinery.encode(report), to: files.json, kind: .report),
        ]
        try context.record(outputs: outputs)
        return report
    }

    /// D_ν as the test reads it, by the plugin kind that made it.
    func variedEvents(_ dataSet: DataSet, width: Int, layout: WorkspaceLayout) throws -> C2STEvents.Varied {
        let w = try dataSet.read("w", as: Double.self).values
        switch inputs.plan.kind {
        case .reweight:
            return .reweighted(weights: w)
        case .alternative:
            return .independent(try WeightedSample(x: dataSet.read("x", as: Double.self).values, w: w, featureCount: width))
        case .calibrate:
            guard dataSet.manifest.column(named: RecalibratedDataContract.eventColumn) != nil else {
                throw SurrogateValidationError.noEventColumn(systematic: name, path: layout.relative(dataSet.url),
                                                             surrogate: layout.relative(layout.surrogate(name).folder),
                                                             command: "refinery train -w \(layout.root.path) --only \(name)")
            }
            let own = try WeightedSample(x: dataSet.read("x", as: Double.self).values, w: w, featureCount: width)
            let events = try dataSet.read(RecalibratedDataContract.eventColumn, as: Int64.self).values
            return .recalibrated(own, events: events.map { Int($0) })
        }
    }
}

/// What one surrogate's test reads, hashed once: the model, its record, the nominal manifest
/// and each data set's manifest (whose column hashes are checked as the columns are read).
struct ValidationInputs {
    var plan: SystematicPlan
    var model: BPTModel
    var modelFile: HashedFile
    var files: [HashedFile]
    var settings: ClassifierSettings
    var identityKey: String

    init(name: String, workspace: Workspace) throws {
        let layout = workspace.layout
        let surrogate = layout.surrogate(name)
        let train = "refinery train -w \(layout.root.path) --only \(name)"
        guard FileManager.default.fileExists(atPath: surrogate.model.path), FileManager.default.fileExists(atPath: surrogate.record.path) else {
            throw SurrogateValidationError.noSurrogate(systematic: name, path: layout.relative(surrogate.folder), command: train)
        }
        modelFile = try HashedFile.of(surrogate.model, kind: .surrogate)
        let recordFile = try HashedFile.of(surrogate.record, kind: .report)
        model = try BPTModel(decoding: [UInt8](Data(contentsOf: surrogate.model)))
        plan = try JSONDecoder().decode(SurrogateRecord.self, from: Data(contentsOf: surrogate.record)).plan
        let nominalManifest = layout.nominalSample.appendingPathComponent(DataSetManifest.fileName)
        guard FileManager.default.fileExists(atPath: nominalManifest.path) else {
            throw WorkspaceError.missingSample(path: layout.nominalSample.path, command: "refinery simulate -w \(layout.root.path)")
        }
        var files = [modelFile, recordFile, try HashedFile.of(nominalManifest, kind: .sample)]
        for k in plan.spec.basePoints.indices {
            let manifest = layout.syntheticDataSet(name, basePoint: k).appendingPathComponent(DataSetManifest.fileName)
            guard FileManager.default.fileExists(atPath: manifest.path) else {
                throw SurrogateValidationError.noDataSets(systematic: name, path: layout.relative(manifest.deletingLastPathComponent()), command: train)
            }
            files.append(try HashedFile.of(manifest, kind: .synthetic))
        }
        self.files = files
        settings = try workspace.config.validationSettings.classifier.validated()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let settingsJSON = String(decoding: try encoder.encode(settings), as: UTF8.self)
        identityKey = FileHash.sha256(Data((["c2st-3", settingsJSON] + files.map(\.sha256)).joined(separator: "\n").utf8))
    }
}

/// The XGBoost library's version, for reports.
enum XGBoostInfo {
    static func version() throws -> String { try TwoSampleTest.libraryVersion() }
}
