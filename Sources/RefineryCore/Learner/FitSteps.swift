import Foundation
import Provenance

/// `refinery fit -w W` and `refinery predict -w W`: the same work as without a workspace,
/// recorded as steps (inputs: the SPEC and its arrays, or the model and the features; output:
/// the file written) and replayed by `reproduce` from paths relative to the workspace.
public struct FitStep: Step {
    public let spec: URL
    public let output: URL
    public let threads: Int
    let layout: WorkspaceLayout

    public init(spec: URL, output: URL, threads: Int, workspace: Workspace) {
        self.spec = spec.standardizedFileURL
        self.output = output.standardizedFileURL
        self.threads = threads
        layout = workspace.layout
    }

    public var command: String { "fit" }
    public var replay: [String]? { ["fit", layout.relative(spec), "-o", layout.relative(output)] }

    public func inputs(_ layout: WorkspaceLayout) throws -> [(URL, ArtifactKind)] {
        // A SPEC that cannot be read is reported by the fit itself, naming the field.
        let folder = spec.deletingLastPathComponent()
        let arrays = (try? JSONDecoder().decode(FitSpec.self, from: Data(contentsOf: spec)))?.files(relativeTo: folder)
            ?? (try? JSONDecoder().decode(BITFitSpec.self, from: Data(contentsOf: spec)))?.files(relativeTo: folder) ?? []
        return [(spec, .configuration)] + arrays.map { ($0, .sample) }
    }

    public func run(_ context: StepContext) throws -> FittedModel {
        let fitted = try Fitting.fitAny(spec: spec.path, output: output, threads: threads)
        try context.record(outputs: [HashedFile.of(output, kind: .surrogate)])
        return fitted
    }
}

/// What `fit` reports.
public struct FittedModel: Sendable, Encodable {
    public var trees: Int
    public var terms: [String]

    public init(trees: Int, terms: [String]) {
        self.trees = trees
        self.terms = terms
    }
}

public struct PredictStep: Step {
    public let model: URL
    public let x: URL
    public let nu: [Double]?
    public let coefficients: Bool
    public let output: URL
    public let threads: Int
    let layout: WorkspaceLayout

    public init(model: URL, x: URL, nu: [Double]?, coefficients: Bool, output: URL, threads: Int, workspace: Workspace) {
        self.model = model.standardizedFileURL
        self.x = x.standardizedFileURL
        self.nu = nu
        self.coefficients = coefficients
        self.output = output.standardizedFileURL
        self.threads = threads
        layout = workspace.layout
    }

    public var command: String { "predict" }
    public var replay: [String]? {
        var arguments = ["predict", layout.relative(model), "--x", layout.relative(x), "-o", layout.relative(output)]
        if coefficients { arguments.append("--coefficients") }
        if let nu { arguments += ["--nu", nu.map { "\($0)" }.joined(separator: ",")] }
        return arguments
    }

    public func inputs(_ layout: WorkspaceLayout) throws -> [(URL, ArtifactKind)] { [(model, .surrogate), (x, .sample)] }

    public func run(_ context: StepContext) throws {
        try Fitting.predict(model: model.path, x: x.path, nu: nu, coefficients: coefficients, output: output, threads: threads)
        try context.record(outputs: [HashedFile.of(output, kind: .report)])
    }
}
