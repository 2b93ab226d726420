import Foundation
import Provenance

/// The one place decisions and outcomes become words. `train` reports what it did
/// ("retrained: plugin configuration changed"), `provenance stale` what it would do
/// ("would retrain: ..."); both say the same thing about the same decision.
public enum DecisionText {
    public enum Tense: Sendable { case done, planned }

    public static func text(_ decision: TrainingDecision, _ tense: Tense = .done) -> String {
        switch decision {
        case .reuse: return tense == .done ? "reused" : "up to date"
        case let .train(reason): return text(reason, tense)
        }
    }

    public static func text(_ reason: TrainReason, _ tense: Tense = .done) -> String {
        let (train, retrain) = tense == .done ? ("trained", "retrained") : ("would train", "would retrain")
        switch reason {
        case .new:
            return "\(train): new"
        case let .fileMissing(path):
            return "\(retrain): \(path) is missing"
        case let .fileModified(path):
            return "\(retrain): \(path) was modified"
        case let .inputsChanged(changes, settings):
            // Name the settings that moved: a demo-sized surrogate asked about with the
            // workspace's full settings should say "trees 100 → 300", not only "learner settings".
            let detail = settings.isEmpty ? "" : " (" + settings.map(text).joined(separator: ", ") + ")"
            let what = changes.isEmpty ? "inputs changed" : changes.map(\.description).joined(separator: ", ") + " changed"
            return "\(retrain): \(what)\(detail)"
        }
    }

    /// "trees 100 → 300".
    public static func text(_ change: SettingChange) -> String {
        func value(_ number: Double?) -> String {
            guard let number else { return "unset" }
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        }
        return "\(change.name) \(value(change.from)) → \(value(change.to))"
    }

    /// The result column of `train`'s summary: the decision, or FAILED.
    public static func text(_ outcome: Training.Outcome) -> String {
        switch outcome.status {
        case .failed: return "FAILED"
        case .reused, .trained: return outcome.decision.map { text($0) } ?? "?"
        }
    }
}
