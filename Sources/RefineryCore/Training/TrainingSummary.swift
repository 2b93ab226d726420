import Foundation

/// The table `refinery train` ends with.
public enum TrainingSummary {
    public static func text(_ outcomes: [Training.Outcome], workspace: Workspace) -> String {
        var lines = ["", "systematic        result                                       plugin s  learn s  yield change at base points (data → surrogate; held-out events where the surrogate trained without them)"]
        for outcome in outcomes {
            let name = outcome.name.padding(toLength: 17, withPad: " ", startingAt: 0)
            if let error = outcome.error {
                lines.append("\(name) FAILED    \(error)")
                continue
            }
            let yields = (outcome.closure?.judged ?? []).map { $0.yieldText(digits: 2) }.joined(separator: "  ")
            var decision = DecisionText.text(outcome) + (outcome.closes ? "" : "*")
            decision += String(repeating: " ", count: max(1, 44 - decision.count))
            lines.append("\(name) \(decision) \(String(format: "%8.1f", outcome.timings.plugin)) \(String(format: "%8.1f", outcome.timings.learner))  \(yields)")
        }
        if outcomes.contains(where: { !$0.closes }) {
            lines.append("* closure criterion not met at some base point: see surrogates/<name>/closure.md")
        }
        let plugin = outcomes.reduce(0) { $0 + $1.timings.plugin }, learn = outcomes.reduce(0) { $0 + $1.timings.learner }
        let recording = outcomes.reduce(0) { $0 + $1.timings.recording }
        if plugin + learn > 0 {
            lines.append(String(format: "time: plugins %.1f s, learning %.1f s, provenance records %.2f s (%.2f%% of plugins + learning)",
                                plugin, learn, recording, 100 * recording / (plugin + learn)))
        }
        lines.append("surrogates: \(workspace.layout.surrogates.path)")
        return lines.joined(separator: "\n")
    }
}
