import ArgumentParser
import RefineryCore

@main
struct Refinery: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refinery",
        abstract: "Refinable modeling for unbinned SMEFT analyses: simulate, learn systematic surrogates, record and archive.",
        discussion: """
        Start with `refinery demo` in the repository root: it runs the whole pipeline on the \
        default workspace workspaces/tt2l and prints where its outputs are.
        """,
        version: RefineryVersion.description,
        subcommands: [DemoCommand.self, SimulateCommand.self, InspectCommand.self, TrainCommand.self, ValidateCommand.self, PlotsCommand.self, ProvenanceCommand.self, PackCommand.self, UnpackCommand.self, VerifyCommand.self, ReproduceCommand.self, FitCommand.self, PredictCommand.self, AsimovCommand.self, LimitsCommand.self, SubmitCommand.self, JobsCommand.self, MergeJournalsCommand.self, PluginsCommand.self, PluginWorkerCommand.self]
    )
}
