import Foundation
import Provenance
import Validation

/// `refinery validate`: the classifier two-sample test of each selected surrogate, one
/// recorded step each, reused (no new run) when its report's identity key — model, record,
/// nominal and data set manifests, classifier settings — is unchanged and its files are there.
/// One surrogate's failure or error never stops the others.
public enum Validating {
    public struct Outcome: Sendable, Encodable {
        public enum Status: String, Sendable, Encodable { case passed, failed, error }
        public var name: String
        public var status: Status
        public var reused: Bool
        public var report: C2STReport?
        public var error: String?
        public var files: [String]
        public var seconds: Double
        public var runID: Int64?
    }

    public static func run(_ workspace: Workspace, only: [String], threads: Int, log: (String) -> Void) throws -> [Outcome] {
        let entries = try Training.select(workspace, only: only)
        let layout = workspace.layout
        let store = try ProvenanceStore.open(workspace: workspace.root)
        let runner = StepRunner(workspace: workspace, store: store)
        var outcomes: [Outcome] = []
        for entry in entries {
            let start = Date()
            let files = layout.validationFiles(entry.name)
            var outcome = Outcome(name: entry.name, status: .error, reused: false, report: nil, error: nil,
                                  files: files.all.map(layout.relative), seconds: 0, runID: nil)
            do {
                let inputs = try ValidationInputs(name: entry.name, workspace: workspace)
                if let previous = try? JSONDecoder().decode(C2STReport.self, from: Data(contentsOf: files.json)),
                   previous.identityKey == inputs.identityKey,
                   files.all.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) {
                    outcome.reused = true
                    outcome.report = previous
                    log("\(entry.name): reused (inputs unchanged since \(layout.relative(files.json)))")
                } else {
                    log("\(entry.name): testing \(inputs.plan.spec.basePoints.filter { $0.contains { $0 != 0 } }.count) base points")
                    let finished = try runner.run(ValidateSurrogateStep(name: entry.name, threads: threads, inputs: inputs), hashed: inputs.files)
                    outcome.report = finished.value
                    outcome.runID = finished.runID
                }
                outcome.status = outcome.report!.passed ? .passed : .failed
                for point in outcome.report!.basePoints {
                    log("  ν = \(point.nu): accuracy \(String(format: "%.4f", point.test.accuracy)) (p = \(String(format: "%.3g", point.test.pValue))), "
                        + "unreweighted \(point.test.accuracyUnreweighted.map { String(format: "%.4f", $0) } ?? "–"): \(point.passed ? "pass" : "FAIL")")
                }
            } catch {
                // No earlier verdict may outlive a test that could not run now (provenance
                // validated then answers "stale", never an old "passed").
                for file in files.all { try? FileManager.default.removeItem(at: file) }
                outcome.error = (error as? LocalizedError)?.errorDescription ?? "\(error)"
                log("\(entry.name): ERROR: \(outcome.error!)")
            }
            outcome.seconds = Date().timeIntervalSince(start)
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// The sentence per surrogate that `validate` prints.
    public static func text(_ outcomes: [Outcome], layout: WorkspaceLayout) -> String {
        outcomes.map { outcome in
            guard let report = outcome.report else { return "\(outcome.name): ERROR: \(outcome.error ?? "?")" }
            let worst = report.basePoints.min { $0.test.pValue < $1.test.pValue }
            let detail = worst.map {
                String(format: "lowest p = %.3g at ν = (", $0.test.pValue) + $0.nu.map { String(format: "%g", $0) }.joined(separator: ",")
                    + String(format: "): accuracy %.4f reweighted, %.4f unreweighted", $0.test.accuracy, $0.test.accuracyUnreweighted ?? .nan)
            } ?? "no base point with ν ≠ 0"
            return "\(outcome.name): \(report.passed ? "pass" : "FAIL")\(outcome.reused ? " (reused)" : ""); \(detail); "
                + layout.relative(layout.validationFiles(outcome.name).table)
        }.joined(separator: "\n")
    }
}
