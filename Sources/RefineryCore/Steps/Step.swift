import Foundation
import Provenance

/// One recorded unit of work: `simulate`, a systematic's training, plots, `pack`, `fit`, ...
/// A step declares its inputs and the command line that replays it; `StepRunner` does the
/// rest the same way for every step (docs/architecture.md).
public protocol Step {
    associatedtype Value

    /// The command recorded for the run (`provenance runs` shows it).
    var command: String { get }

    /// The `refinery` arguments that redo this step on a workspace (`refinery <replay> -w W`),
    /// recorded with the run so that `reproduce` replays it without knowing what it is; nil for
    /// steps that describe archives rather than the analysis (pack, unpack, reproduce).
    var replay: [String]? { get }

    /// Arguments recorded for the run when it is not replayable (e.g. the command line).
    var arguments: [String] { get }

    /// The files the step reads, hashed once by the runner before `run` and checked after it.
    /// Inputs hashed earlier by the caller (for an identity key) are passed to the runner
    /// instead and not hashed again.
    func inputs(_ layout: WorkspaceLayout) throws -> [(URL, ArtifactKind)]

    /// The work. Outputs are recorded through `context.record(outputs:)` once written.
    func run(_ context: StepContext) throws -> Value
}

extension Step {
    public var replay: [String]? { nil }
    public var arguments: [String] { replay ?? [command] }
    public func inputs(_ layout: WorkspaceLayout) throws -> [(URL, ArtifactKind)] { [] }
}

/// What a running step sees: its workspace, its hashed inputs and the run it records into.
public final class StepContext: @unchecked Sendable {
    public let workspace: Workspace
    public let recorder: RunRecorder
    public let inputs: [HashedFile]
    /// Outputs recorded so far, with the artifact ids the store returned.
    public private(set) var outputs: [RecordedFile] = []
    private var inputsChecked = false

    init(workspace: Workspace, recorder: RunRecorder, inputs: [HashedFile]) {
        self.workspace = workspace
        self.recorder = recorder
        self.inputs = inputs
    }

    public var layout: WorkspaceLayout { workspace.layout }
    public var store: ProvenanceStore { recorder.store }
    public var runID: Int64 { recorder.runID }

    /// The hashed input at `url`, if it is one.
    public func input(_ url: URL) -> HashedFile? {
        let path = url.standardizedFileURL.path
        return inputs.first { $0.url.standardizedFileURL.path == path }
    }

    /// Re-hashes every input once; throws if one changed while the step ran (its outputs
    /// would then describe inputs that are no longer there).
    public func checkInputsUnchanged() throws {
        guard !inputsChecked else { return }
        for input in inputs where try !input.isUnchanged() {
            throw StepError.inputChanged(path: layout.relative(input.url))
        }
        inputsChecked = true
    }

    /// Records written outputs (after checking the inputs, once); returns them with their ids.
    @discardableResult
    public func record(outputs files: [HashedFile]) throws -> [RecordedFile] {
        try checkInputsUnchanged()
        let ids = try recorder.record(files, role: .output)
        let recorded = zip(files, ids).map { RecordedFile(file: $0.0, artifactID: $0.1) }
        outputs += recorded
        return recorded
    }
}

/// An output as recorded: the file and the id of its artifact row.
public struct RecordedFile: Sendable, Equatable {
    public let file: HashedFile
    public let artifactID: Int64
}

public enum StepError: LocalizedError, Equatable {
    case inputChanged(path: String)

    public var errorDescription: String? {
        switch self {
        case let .inputChanged(path):
            return "\(path) changed while the step ran; its outputs were not recorded. Run the command again."
        }
    }
}
