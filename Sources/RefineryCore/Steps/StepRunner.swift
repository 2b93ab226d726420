import Foundation
import Provenance

/// Runs steps: begins the run, hashes each input once, runs the work, re-checks the inputs,
/// records the outputs, and ends the run with the step's outcome. Every command that changes a
/// workspace goes through here (docs/architecture.md).
public struct StepRunner {
    public let workspace: Workspace
    public let store: ProvenanceStore

    public init(workspace: Workspace, store: ProvenanceStore) {
        self.workspace = workspace
        self.store = store
    }

    /// Opens the workspace's store (creating it on first use).
    public init(workspace: Workspace) throws {
        try self.init(workspace: workspace, store: ProvenanceStore.open(workspace: workspace.root))
    }

    /// A finished step: its value and how its run was recorded.
    public struct Finished<Value> {
        public var value: Value
        public var runID: Int64
        /// Wall time spent hashing and recording.
        public var recordingSeconds: Double
    }

    /// Runs `step`. `hashed` are inputs the caller already hashed (e.g. for an identity key);
    /// the step's other inputs are hashed here, once.
    public func run<S: Step>(_ step: S, hashed: [HashedFile] = []) throws -> Finished<S.Value> {
        let recorder = try RunRecorder(store: store, workspace: workspace, command: step.command,
                                       arguments: step.replay ?? step.arguments, replay: step.replay)
        let value = try recorder.perform { recorder in
            var inputs = hashed
            for (url, kind) in try step.inputs(workspace.layout) where !inputs.contains(where: { $0.url == url }) {
                inputs.append(try HashedFile.of(url, kind: kind))
            }
            try recorder.record(inputs, role: .input)
            let context = StepContext(workspace: workspace, recorder: recorder, inputs: inputs)
            let value = try step.run(context)
            try context.checkInputsUnchanged()
            return value
        }
        return Finished(value: value, runID: recorder.runID, recordingSeconds: recorder.recordingSeconds)
    }
}
