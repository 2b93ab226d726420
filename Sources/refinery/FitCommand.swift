import ArgumentParser
import Foundation
import RefineryCore

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Train a Boosted Parametric Tree on your own numpy data (SPEC format: README, 'Learner on numpy data').",
        discussion: "Settings (SPEC 'settings'): trees (B, default 300), learning_rate (η, 0.2), max_depth (4), min_node_size (per base point, 50), bins (255)."
    )

    @Argument(help: "The JSON spec naming parameters, terms, samples and settings.")
    var spec: String

    @Option(name: .shortAndLong, help: "Where to write the model file.")
    var output: String

    @Option(help: "Worker threads; the model does not depend on it.")
    var threads: Int = defaultThreads

    func run() throws {
        try reportingErrors {
            let started = Date()
            let model = try Fitting.fit(spec: spec, output: URL(fileURLWithPath: output), threads: threads)
            say("wrote \(output): \(model.trees.count) trees, terms \(model.terms.map { $0.name(parameterNames: model.parameterNames) }.joined(separator: ", ")) (\(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
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
            try Fitting.predict(model: model, x: x, nu: nu.flatMap(parsedNu), coefficients: coefficients,
                                output: URL(fileURLWithPath: output), threads: threads)
            say("wrote \(output)")
        }
    }
}
