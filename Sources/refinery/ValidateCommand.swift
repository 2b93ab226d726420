import ArgumentParser
import Foundation
import RefineryCore

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Test each surrogate in the full feature space: the classifier two-sample test of section 7.6 (XGBoost).",
        discussion: """
        At every base point ν ≠ 0, XGBoost learns to tell the nominal events from the synthetic \
        data set reweighted back to the SM by the surrogate (eq. 92), on events the surrogate \
        was not trained on; its weighted accuracy is compared with the binomial null and a \
        label-permutation null. Writes validation/<name>/c2st.{svg,md,json}; reuses a result \
        whose surrogate, data sets and settings did not change. Exit status 1 when a surrogate \
        fails the test or cannot be tested (docs/validation.md).
        """
    )

    @OptionGroup var workspaceOption: WorkspaceOption

    @Option(name: .customLong("only"), help: "Validate only this systematic (repeatable).")
    var only: [String] = []

    @Option(help: "Threads for XGBoost; the results do not depend on it.")
    var threads: Int = defaultThreads

    @Flag(help: "Print every surrogate's result (accuracies, p-values, null, verdict) as JSON.")
    var json = false

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    }

    func run() throws {
        try reportingErrors {
            let workspace = try workspaceOption.resolve()
            let outcomes = try Validating.run(workspace, only: only, threads: threads, log: note)
            if json { try sayJSON(outcomes) } else { say(Validating.text(outcomes, layout: workspace.layout)) }
            let failed = outcomes.filter { $0.status != .passed }.map(\.name)
            if !failed.isEmpty { throw SurrogateValidationError.failures(failed) }
        }
    }
}
