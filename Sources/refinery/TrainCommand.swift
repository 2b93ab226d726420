import ArgumentParser
import Foundation
import RefineryCore

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Make each systematic's synthetic data sets with its plugin and train its BPT surrogate.",
        discussion: """
        Plugins run in isolated worker processes: a failing or crashing plugin is reported and \
        the other systematics are still trained and kept. Outputs: synthetic/<name>/nu<k>/ (data \
        sets), surrogates/<name>/model.json, closure.svg, closure.md.
        """
    )

    @Argument(help: "The workspace folder.")
    var workspace: String

    @Option(name: .customLong("only"), help: "Train only this systematic (repeatable).")
    var only: [String] = []

    @Option(help: "Override every systematic's number of trees (for quick runs).")
    var trees: Int?

    @Option(help: "Worker threads for the learner; the surrogates do not depend on it.")
    var threads: Int = defaultThreads

    func validate() throws {
        if let trees, trees < 1 { throw ValidationError("--trees must be at least 1 (got \(trees)).") }
        if threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    }

    func run() throws {
        try reportingErrors {
            let workspace = try Workspace.open(self.workspace)
            let outcomes = try Training.run(workspace, options: .init(only: only, trees: trees, threads: threads,
                                                                      executable: currentExecutable),
                                            progress: TrainingProgress(), arguments: Array(CommandLine.arguments.dropFirst()))
            say(TrainingSummary.text(outcomes, workspace: workspace))
            let failed = outcomes.filter { !$0.succeeded }.map(\.name)
            if !failed.isEmpty { throw TrainingError.failures(failed) }
        }
    }
}
