// Benchmark and diagnostics of the toy tt̄(2ℓ) simulation (`refinery-bench simulate`).

import Foundation
import TopPairSimulation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Times the paper-scale simulation and prints the effect sizes of the physics-toy targets.
///
/// Options: `--events N` fiducial events to simulate (default 1 200 000, the paper's
/// nominal sample), `--threads T` (default: active processors), `--seed S`,
/// `--effect-events M` sample size for the effect table (default 100 000; 0 skips it),
/// `--cutflow` to print the selection cut flow on 10⁶ generated events.
enum SimulationBenchmarks {
    static func run(args: [String]) {
        func option(_ name: String) -> Int? { BenchSupport.intOption(name, in: args) }
        let events = option("--events") ?? 1_200_000
        let threads = option("--threads") ?? ProcessInfo.processInfo.activeProcessorCount
        let seed = UInt64(option("--seed") ?? 1)
        let effectEvents = option("--effect-events") ?? 100_000

        if args.contains("--cutflow") {
            printCutFlow(seed: seed)
            return
        }

        print("TopPairSimulation benchmark: \(events) nominal-fiducial events, \(threads) threads")
        let start = DispatchTime.now().uptimeNanoseconds
        let sample = Simulation.run(SimulationSettings(seed: seed, generator: .nominal, fiducialEvents: events),
                                    threads: threads)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        let rss = Double(BenchSupport.peakRSSBytes()) / 1_048_576
        let efficiency = Double(sample.fiducialCount) / Double(sample.generatedEvents)
        print(String(format: "wall time            %.2f s", seconds))
        print(String(format: "fiducial events/s    %.0f", Double(sample.fiducialCount) / seconds))
        print(String(format: "generated events/s   %.0f  (%d generated)", Double(sample.generatedEvents) / seconds,
                     sample.generatedEvents))
        print(String(format: "stored rows          %d  (%d fiducial + %d JES pre-selected)", sample.count,
                     sample.fiducialCount, sample.count - sample.fiducialCount))
        print(String(format: "fiducial efficiency  %.5f  (σ_gen = 0.31 pb / eff = %.4f pb; configured %.4f pb)",
                     efficiency, 0.31 / efficiency, Simulation.calibratedGeneratedCrossSectionPb))
        print(String(format: "peak RSS             %.0f MB", rss))
        print("threads              \(threads)")

        guard effectEvents > 0 else { return }
        let n = min(effectEvents, events)
        let nominal = n == events ? sample : Simulation.run(
            SimulationSettings(seed: seed, generator: .nominal, fiducialEvents: n), threads: threads)
        let alternative = Simulation.run(
            SimulationSettings(seed: seed, generator: .alternative, fiducialEvents: n), threads: threads)
        print("\nEffect sizes on \(n) fiducial events (relative change, %):")
        print(effects(nominal: nominal, alternative: alternative))
    }

    /// The effect-size table of the physics-toy targets for a nominal and an alternative sample.
    static func effects(nominal: SimulatedSample, alternative: SimulatedSample) -> String {
        var text = EffectSizes.table(EffectSizes.all(nominal: nominal, alternative: alternative))
        let negative = Double(alternative.weight.filter { $0 < 0 }.count) / Double(alternative.count)
        let altYield = zip(alternative.weight, alternative.fiducial).filter { $0.1 == 1 }.map(\.0).reduce(0, +)
        text += String(format: "alternative: %.1f%% negative-weight rows, fiducial σ = %.4f pb (nominal 0.31 pb)\n",
                       100 * negative, altYield)
        text += "bin lower edges: " + EffectSizes.defaultEdges.sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value.map { String(format: "%g", $0) }.joined(separator: ","))" }
            .joined(separator: "; ")
        return text
    }

    static func printCutFlow(seed: UInt64) {
        var settings = SimulationSettings()
        settings.seed = seed
        let steps = CutFlow.measure(settings, events: 1_000_000)
        let total = Double(steps[0].events)
        for s in steps {
            print(s.name.padding(toLength: 48, withPad: " ", startingAt: 0)
                  + String(format: "%9d  %6.2f%%", s.events, 100 * Double(s.events) / total))
        }
    }

}
