import ArgumentParser
import Foundation
import RefineryCore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the end-to-end job on the default workspace and print where the outputs are.",
        discussion: """
        Simulates the nominal and alternative samples at the workspace's demo size (reusing \
        samples that already match), inspects them, draws the observables for the SM and each \
        Wilson coefficient (figure 4 of the paper), and trains every systematic's surrogate \
        with the demo's tree count, writing closure plots and tables. With a smeft: section it         also trains the SMEFT surrogate and ends with `refinery limits` for the first two POIs         and their pair of figure 11, printing the intervals and where the figure is.
        """
    )

    @OptionGroup var workspaceOption: WorkspaceOption

    @Option(help: "Fiducial events per sample (default: demo.nominal_events of the workspace).")
    var events: Int?

    @Option(help: "Worker threads; the outputs do not depend on it.")
    var threads: Int = defaultThreads

    @Flag(help: "Print the summary as JSON (samples, reports, plots, every systematic's outcome, the archive).")
    var json = false

    func run() throws {
        try reportingErrors {
            // Outside any workspace, the demo runs on the repository's default one.
            let workspace = try workspaceOption.resolve(fallback: "workspaces/tt2l")
            let summary = try Demo.run(workspace, events: events, threads: threads, executable: currentExecutable, log: note)
            if json { try sayJSON(summary) } else { say(summary.text) }
            let failed = summary.training.filter { !$0.succeeded }.map(\.name)
            if !failed.isEmpty { throw TrainingError.failures(failed) }
            // The classifier test's verdicts are reported (summary, validation/<name>/c2st.md), not
            // the demo's exit status: a surrogate that cannot be tested (JES) is a finding, not a broken pipeline.
            let invalid = summary.validation.filter { $0.status != .passed }.map(\.name)
            if !invalid.isEmpty { note("classifier two-sample test not passed by: \(invalid.joined(separator: ", ")) (validation/<name>/c2st.md)") }
        }
    }
}
