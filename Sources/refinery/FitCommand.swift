import ArgumentParser
import Foundation
import RefineryCore

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Train a Boosted Parametric Tree (or, with \"learner\": \"bit\", a Boosted Information Tree) on your own numpy data (SPEC format: README, 'Learner on numpy data').",
        discussion: "Settings (SPEC 'settings'): " + LearnerSettingsHelp.text + ". With -w the fit is recorded in that workspace's provenance store (paths inside it are replayed by `reproduce`)."
    )

    @Argument(help: "The JSON spec naming parameters, terms, samples and settings.")
    var spec: String

    @Option(name: .shortAndLong, help: "Where to write the model file.")
    var output: String

    @Option(help: "Worker threads; the model does not depend on it.")
    var threads: Int = defaultThreads

    @Option(name: [.short, .long], help: ArgumentHelp("Record the fit as a step in this workspace.", valueName: "dir"))
    var workspace: String?

    @Flag(help: "Print the model's trees and terms as JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let started = Date()
            let fitted: FittedModel
            if let workspace {
                let step = FitStep(spec: URL(fileURLWithPath: spec), output: URL(fileURLWithPath: output), threads: threads,
                                   workspace: try Workspace.open(workspace))
                fitted = try StepRunner(workspace: Workspace.open(workspace)).run(step).value
            } else {
                fitted = try Fitting.fitAny(spec: spec, output: URL(fileURLWithPath: output), threads: threads)
            }
            if json { return try sayJSON(fitted) }
            say("wrote \(output): \(fitted.trees) trees, terms \(fitted.terms.joined(separator: ", ")) (\(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
        }
    }
}

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Evaluate a model: T(x|ν) = log Ŝ(x|ν) per event, or the coefficient functions Δ_A(x).",
        discussion: "Writes float64 .npy: shape (N,) for T(x|ν), or (N, terms) in the model's term order with --coefficients."
    )

    @Argument(help: "A model written by `refinery fit` or `refinery train`.")
    var model: String

    @Option(help: "Features: float64 .npy of shape (N, features) or (N,).")
    var x: String

    @Option(parsing: .unconditional, help: "The parameter point, comma-separated (e.g. -0.5,0.7).")
    var nu: String?

    @Option(name: .shortAndLong, help: "Output .npy file.")
    var output: String

    @Flag(help: "Write Δ_A(x) instead of T(x|ν).")
    var coefficients = false

    @Option(help: "Worker threads.")
    var threads: Int = defaultThreads

    @Option(name: [.short, .long], help: ArgumentHelp("Record the prediction as a step in this workspace.", valueName: "dir"))
    var workspace: String?

    @Flag(help: "Print the output's path as JSON.")
    var json = false

    func validate() throws {
        if nu == nil && !coefficients { throw ValidationError("Give --nu a,b,... or --coefficients.") }
        if let nu, parsedNu(nu) == nil { throw ValidationError("--nu must be comma-separated numbers, got '\(nu)'.") }
    }

    func parsedNu(_ text: String) -> [Double]? {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        return values.contains(nil) || values.isEmpty ? nil : values.compactMap { $0 }
    }

    func run() throws {
        try reportingErrors {
            if let workspace {
                let step = PredictStep(model: URL(fileURLWithPath: model), x: URL(fileURLWithPath: x), nu: nu.flatMap(parsedNu),
                                       coefficients: coefficients, output: URL(fileURLWithPath: output), threads: threads,
                                       workspace: try Workspace.open(workspace))
                _ = try StepRunner(workspace: Workspace.open(workspace)).run(step)
            } else {
                try Fitting.predict(model: model, x: x, nu: nu.flatMap(parsedNu), coefficients: coefficients,
                                    output: URL(fileURLWithPath: output), threads: threads)
            }
            if json { return try sayJSON(["output": URL(fileURLWithPath: output).standardizedFileURL.path]) }
            say("wrote \(output)")
        }
    }
}
