import ArgumentParser
import Foundation
import RefineryCore

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate the nominal and alternative-generator samples of a workspace.",
        discussion: """
        Writes <workspace>/samples/nominal and <workspace>/samples/alternative, each a folder \
        of .npy arrays with a manifest (docs/data-sets.md). Sizes and seed come from the \
        workspace's refinery.yaml unless overridden here. Samples that already are what these \
        settings simulate are reused; different ones are kept unless --force.
        """
    )

    @OptionGroup var workspaceOption: WorkspaceOption

    @Argument(help: ArgumentHelp("The workspace folder (same as -w).", visibility: .hidden))
    var legacyWorkspace: String?

    @Option(help: "Fiducial events in each sample (default: simulation.nominal_events / alternative_events).")
    var events: Int?

    @Option(help: "Fiducial events in the nominal sample (overrides --events).")
    var nominalEvents: Int?

    @Option(help: "Fiducial events in the alternative-generator sample (overrides --events).")
    var alternativeEvents: Int?

    @Option(help: "Master seed (default: simulation.seed).")
    var seed: UInt64?

    @Option(help: "Worker threads; the output does not depend on it.")
    var threads: Int = defaultThreads

    @Flag(help: "Overwrite samples that differ from what these settings simulate.")
    var force = false

    @Flag(help: "Print what was simulated or reused as JSON.")
    var json = false

    func validate() throws {
        for (name, value) in [("--events", events), ("--nominal-events", nominalEvents), ("--alternative-events", alternativeEvents)] {
            if let value, value < 100 { throw ValidationError("\(name) must be at least 100 (got \(value)).") }
        }
        if threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    }

    func run() throws {
        try reportingErrors {
            let workspace = try workspaceOption.resolve(legacy: legacyWorkspace)
            var options = SampleProduction.Options(workspace: workspace, force: force, threads: threads)
            if let events { options.nominalEvents = events; options.alternativeEvents = events }
            if let nominalEvents { options.nominalEvents = nominalEvents }
            if let alternativeEvents { options.alternativeEvents = alternativeEvents }
            if let seed { options.seed = seed }
            let outcome = try SampleProduction.run(workspace, options: options, log: note)
            if json { try sayJSON(outcome) } else { for sample in outcome.samples { say(sample.url.path) } }
        }
    }
}
