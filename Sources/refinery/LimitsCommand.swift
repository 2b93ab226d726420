import ArgumentParser
import Foundation
import Inference
import RefineryCore

/// `refinery limits`: expected limits from the workspace's trained surrogates (docs/inference.md).
struct LimitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limits",
        abstract: "Expected unbinned Asimov limits (eq. 94) from the workspace's surrogates: intervals, figure 11, breakdown, constraints.",
        discussion: """
        The model of eq. (82) (refinery.yaml's model: section) over the held-out nominal events: \
        the SMEFT surrogate (train --only smeft) and each systematic's surrogate are evaluated \
        once per event into a coefficient cache. Writes limits/: limits.json, intervals.csv, \
        contours.csv, breakdown.csv, breakdown.md, contours.svg (figure 11), breakdown.svg. \
        Reused when neither the configuration, the nominal sample nor any surrogate changed. \
        --export DIR writes the model as a SPEC of `refinery asimov` with its .npy arrays instead.
        """
    )

    @OptionGroup var workspaceOption: WorkspaceOption

    @Option(help: "POI pairs for figure 11, e.g. ctGRe:ctGIm,cQj18:cQj38 (default: model.pairs, else all pairs).")
    var pairs: String?

    @Option(help: "Only these POIs, e.g. ctGRe,ctGIm (the others fixed at 0; default: the model's).")
    var pois: String?

    @Option(help: ArgumentHelp("Write the model as an asimov SPEC with its .npy arrays into this folder.", valueName: "dir"))
    var export: String?

    @Option(help: "Worker threads; the results do not depend on it.")
    var threads: Int = defaultThreads

    @Flag(help: "Print the outcome (intervals, contours, breakdown, constraints, caches) as JSON.")
    var json = false

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    }

    func run() throws {
        try reportingErrors {
            let workspace = try workspaceOption.resolve()
            let options = Limits.Options(pairs: pairs, pois: pois, threads: threads)
            if let export {
                let exported = try Limits.export(workspace, to: URL(fileURLWithPath: export), options: options, log: note)
                if json { return try sayJSON(exported) }
                say("wrote \(exported.spec) (\(exported.events) held-out events, POIs \(exported.pois.joined(separator: ", ")), nuisances \(exported.nuisances.joined(separator: ", "))); evaluate with `refinery asimov \(exported.spec)`")
                return
            }
            let outcome = try Limits.run(workspace, options: options, log: note)
            if json { return try sayJSON(outcome) }
            say(LimitsText.text(outcome, layout: workspace.layout))
        }
    }
}
