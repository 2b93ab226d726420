import ArgumentParser
import Foundation
import RefineryCore

struct PlotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plots",
        abstract: "Draw the observables of the nominal sample for the SM and each Wilson coefficient (figure 4).",
        discussion: "Writes plots/observables.svg and plots/observables-ratio.svg, recorded as a step."
    )

    @OptionGroup var workspaceOption: WorkspaceOption
    @Flag(help: "Print the written files as JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let workspace = try workspaceOption.resolve()
            let files = try StepRunner(workspace: workspace).run(PlotsStep()).value
            if json { return try sayJSON(files.map(\.path)) }
            for file in files { say(file.path) }
        }
    }
}
