import EventData
import Foundation
import Provenance

/// "Did this surrogate pass validation?", answered from the store: the newest recorded
/// `c2st.json` of each systematic, whether the file on disk is that recorded file, and whether
/// it tested the surrogate now on disk (its model's SHA-256).
public struct ValidationStatus: Sendable, Encodable, Equatable {
    public enum State: String, Sendable, Encodable {
        /// Recorded, current, passed.
        case passed
        /// Recorded, current, failed.
        case failed
        /// The surrogate changed since it was tested (or the report was edited): run `validate`.
        case stale
        /// Never tested.
        case notValidated = "not-validated"
    }

    public var systematic: String
    public var state: State
    /// The run that recorded the report.
    public var runID: Int64?
    public var text: String

    public static func of(_ workspace: Workspace) throws -> [ValidationStatus] {
        let layout = workspace.layout
        let store = try ProvenanceStore.open(workspace: workspace.root)
        return try workspace.config.systematics.map { entry in
            let files = layout.validationFiles(entry.name)
            guard let recorded = try store.latestArtifact(path: layout.relative(files.json)) else {
                return ValidationStatus(systematic: entry.name, state: .notValidated, runID: nil,
                                        text: "\(entry.name): not validated; run refinery validate -w \(layout.root.path) --only \(entry.name)")
            }
            let onDisk = (try? FileHash.sha256(file: files.json)) ?? ""
            let model = (try? FileHash.sha256(file: layout.surrogate(entry.name).model)) ?? ""
            guard onDisk == recorded.sha256,
                  let report = try? JSONDecoder().decode(C2STReport.self, from: Data(contentsOf: files.json)),
                  report.modelSHA256 == model else {
                return ValidationStatus(systematic: entry.name, state: .stale, runID: recorded.createdByRun,
                                        text: "\(entry.name): the surrogate or its report changed since run \(recorded.createdByRun) tested it; run refinery validate -w \(layout.root.path) --only \(entry.name)")
            }
            return ValidationStatus(systematic: entry.name, state: report.passed ? .passed : .failed, runID: recorded.createdByRun,
                                    text: "\(entry.name): \(report.passed ? "passed" : "FAILED") the classifier two-sample test (run \(recorded.createdByRun), model sha256 \(model.prefix(12)))")
        }
    }
}
