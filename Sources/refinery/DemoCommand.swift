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
        with the demo's tree count, writing closure plots and tables.
        """
    )

    @Option(help: "The workspace to run on.")
    var workspace = "workspaces/tt2l"

    @Option(help: "Fiducial events per sample (default: demo.nominal_events of the workspace).")
    var events: Int?

    @Option(help: "Worker threads; the outputs do not depend on it.")
    var threads: Int = defaultThreads

    func run() throws {
        try reportingErrors {
            let workspace = try Workspace.open(self.workspace)
            let summary = try Demo.run(workspace, events: events, threads: threads, executable: currentExecutable, log: note)
            say(summary.text)
            let failed = summary.training.filter { !$0.succeeded }.map(\.name)
            if !failed.isEmpty { throw TrainingError.failures(failed) }
        }
    }
}
