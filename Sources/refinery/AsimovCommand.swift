import ArgumentParser
import Foundation
import Inference

/// `refinery asimov SPEC.json`: the limits engine on numpy arrays (docs/inference.md).
struct AsimovCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asimov",
        abstract: "Unbinned Asimov test statistic (eq. 94) on numpy arrays: q at a point, a 1-D interval, or a 2-D contour.",
        discussion: """
        SPEC: docs/inference.md. Without --interval or --contour, prints q at --at (named \
        parameters fixed; POIs not named fixed at 0 unless --profile-pois; nuisances not named \
        profiled unless --freeze-nuisances) and the fitted parameters.
        """
    )

    @Argument(help: "The SPEC JSON naming the .npy arrays.")
    var spec: String

    @Option(help: "Fixed parameters, e.g. ctGRe=0.5,nu_lumi=0.")
    var at: String = ""

    @Option(help: "A POI: its 1-D interval at 68% and 95% CL.")
    var interval: String?

    @Option(help: "A POI pair a:b: its 2-D contours at 68% and 95% CL.")
    var contour: String?

    @Flag(help: "Freeze every nuisance at 0 instead of profiling it.")
    var freezeNuisances = false

    @Flag(help: "At a point: profile the POIs not named in --at.")
    var profilePois = false

    @Flag(help: "For --interval: fix the other POIs at 0 instead of profiling them.")
    var fixOtherPois = false

    @Option(help: "Minimizer: newton (analytic Hessian, default), lbfgs or slsqp (NLopt).")
    var method: String = "newton"

    @Option(help: "Worker threads; results do not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if interval != nil && contour != nil { throw ValidationError("Give --interval or --contour, not both.") }
        if MinimizerMethod(rawValue: method) == nil {
            throw ValidationError("Unknown --method '\(method)'. Use one of: \(MinimizerMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    func run() throws {
        do {
            let model = try AsimovSpec.loadModel(URL(fileURLWithPath: spec))
            let profiler = Profiler(statistic: AsimovStatistic(model: model, threads: threads), method: MinimizerMethod(rawValue: method)!)
            let scanner = try LimitScanner(profiler: profiler)
            let mode: NuisanceMode = freezeNuisances ? .frozen : .profiled
            if let interval {
                let poi = try model.index(of: interval)
                let results = try scanner.settings.levels1D.map {
                    try scanner.interval(poi: poi, level: $0, otherPOIsProfiled: !fixOtherPois, nuisances: mode)
                }
                if json { try emit(results) } else {
                    for r in results {
                        print(String(format: "%@ q=%.2f: [%.6g, %.6g]%@", r.poi, r.level, r.lower, r.upper,
                                     r.lowerClosed && r.upperClosed ? "" : " (open: reached the scan range)"))
                    }
                }
            } else if let contour {
                let names = contour.split(separator: ":").map(String.init)
                guard names.count == 2 else { throw ValidationError("--contour takes a:b, got '\(contour)'.") }
                let results = try scanner.contours(try model.index(of: names[0]), try model.index(of: names[1]), nuisances: mode)
                if json { try emit(results) } else {
                    for c in results {
                        print("\(c.pois.joined(separator: ":")) q=\(c.level) nuisances \(c.nuisances.rawValue): \(c.points.count) points, \(c.closed ? "closed" : "OPEN (reached the scan range)"), max chord deviation \(String(format: "%.4f", c.maxChordDeviation)) of the extent")
                        for p in c.points { print(String(format: "  %.6g %.6g", p[0], p[1])) }
                    }
                }
            } else {
                var start = Array(repeating: 0.0, count: model.parameterCount)
                var fixed = Set<Int>()
                for item in at.split(separator: ",") where !item.isEmpty {
                    let parts = item.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2, let value = Double(parts[1]) else { throw ValidationError("--at takes name=value pairs, got '\(item)'.") }
                    let i = try model.index(of: parts[0])
                    start[i] = value
                    fixed.insert(i)
                }
                let p = model.poiNames.count
                let free = (0..<model.parameterCount).filter { !fixed.contains($0) && ($0 < p ? profilePois : !freezeNuisances) }
                let point = try profiler.profile(start: start, free: free)
                if json {
                    try emit(PointOutput(q: point.q, parameters: Dictionary(uniqueKeysWithValues: zip(model.parameterNames, point.x)),
                                         free: free.map { model.parameterNames[$0] }, method: point.method, iterations: point.iterations))
                } else {
                    print(String(format: "q = %.10g  (%@, %d iterations, %d free)", point.q, point.method, point.iterations, free.count))
                    for (i, name) in model.parameterNames.enumerated() {
                        print(String(format: "  %-12@ %12.6g  %@", name, point.x[i], free.contains(i) ? "fitted" : "fixed"))
                    }
                }
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("error: \(error.localizedDescription)\n".utf8))
            throw ExitCode(1)
        }
    }

    struct PointOutput: Encodable {
        var q: Double
        var parameters: [String: Double]
        var free: [String]
        var method: String
        var iterations: Int
    }

    func emit<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
