import ArgumentParser
import Foundation
import RefineryCore

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate the nominal and alternative-generator samples of a workspace.",
        discussion: """
        Writes <workspace>/samples/nominal and <workspace>/samples/alternative, each a folder
        of .npy arrays with a manifest (docs/data-sets.md). Sizes and seed come from the
        workspace's refinery.yaml unless overridden here.
        """
    )

    @Argument(help: "The workspace folder (holding refinery.yaml).")
    var workspace: String

    @Option(help: "Fiducial events in each sample (default: simulation.nominal_events / alternative_events).")
    var events: Int?

    @Option(help: "Master seed (default: simulation.seed).")
    var seed: UInt64?

    @Option(help: "Worker threads; the output does not depend on it.")
    var threads: Int = defaultThreads

    @Flag(help: "Overwrite samples that already exist.")
    var force = false

    func validate() throws {
        if let events, events < 100 { throw ValidationError("--events must be at least 100 (got \(events)).") }
        if threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    }

    func run() throws {
        try reportingErrors {
            let workspace = try Workspace.open(self.workspace)
            var options = SampleProduction.Options(workspace: workspace, force: force, threads: threads)
            if let events { options.nominalEvents = events; options.alternativeEvents = events }
            if let seed { options.seed = seed }
            let written = try SampleProduction.run(workspace, options: options, arguments: Array(CommandLine.arguments.dropFirst()), log: note)
            for sample in written { say(sample.url.path) }
        }
    }
}
