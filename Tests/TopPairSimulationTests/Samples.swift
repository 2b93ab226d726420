import TopPairSimulation

/// Shared samples, generated once per test process (global lets are lazy and thread-safe).
enum Samples {
    /// 20 000 nominal-fiducial events, seed 7, two threads.
    static let nominal = Simulation.run(SimulationSettings(seed: 7, generator: .nominal, fiducialEvents: 20_000),
                                        threads: 2)
    /// 100 000 nominal-fiducial events, seed 7, for effects that need the tails populated.
    static let large = Simulation.run(SimulationSettings(seed: 7, generator: .nominal, fiducialEvents: 100_000),
                                      threads: 2)
    /// 20 000 alternative-generator fiducial events, same seed (independent stream).
    static let alternative = Simulation.run(
        SimulationSettings(seed: 7, generator: .alternative, fiducialEvents: 20_000), threads: 2)
}

/// Kahan-compensated sum, so that normalization checks test the weights, not the adder.
func compensatedSum<S: Sequence>(_ values: S) -> Double where S.Element == Double {
    var sum = 0.0, c = 0.0
    for v in values {
        let y = v - c
        let t = sum + y
        c = (t - sum) - y
        sum = t
    }
    return sum
}
