import TopPairSimulation
import Foundation
enum SimulationBenchmarks {
    static func run(args: [String]) {
        var n = 20000
        if let i = args.firstIndex(of: "--events"), i + 1 < args.count { n = Int(args[i+1])! }
        if args.contains("--cutflow") {
            for s in CutFlow.measure(SimulationSettings(), events: 200000) { print(s.name, s.events) }
            return
        }
        let t0 = Date()
        let s = Simulation.run(SimulationSettings(seed: 1, generator: .nominal, fiducialEvents: n), threads: 2)
        print(Date().timeIntervalSince(t0), s.count, s.generatedEvents, Double(n)/Double(s.generatedEvents))
        let a = Simulation.run(SimulationSettings(seed: 1, generator: .alternative, fiducialEvents: n), threads: 2)
        print(EffectSizes.table(EffectSizes.all(nominal: s, alternative: a)))
    }
}
