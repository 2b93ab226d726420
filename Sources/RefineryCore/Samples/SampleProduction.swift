import EventData
import Foundation
import TopPairSimulation

/// `refinery simulate`: runs the toy simulation for the nominal and the alternative
/// generator and writes both samples as data sets under `<workspace>/samples/`.
public enum SampleProduction {
    public struct Options: Sendable {
        public var nominalEvents: Int
        public var alternativeEvents: Int
        public var seed: UInt64
        public var force: Bool
        public var threads: Int

        public init(nominalEvents: Int, alternativeEvents: Int, seed: UInt64, force: Bool, threads: Int) {
            self.nominalEvents = nominalEvents
            self.alternativeEvents = alternativeEvents
            self.seed = seed
            self.force = force
            self.threads = threads
        }

        /// The workspace's own sizes and seed.
        public init(workspace: Workspace, force: Bool = false, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
            self.init(nominalEvents: workspace.config.simulation.nominalEvents,
                      alternativeEvents: workspace.config.simulation.alternativeEvents,
                      seed: workspace.config.simulation.seed, force: force, threads: threads)
        }
    }

    /// One written sample: where it is and how long it took.
    public struct Written: Sendable {
        public var url: URL
        public var manifest: DataSetManifest
        public var seconds: Double
    }

    /// Simulates and writes both samples, as one run in the provenance store. Existing samples
    /// are kept unless `force`.
    public static func run(_ workspace: Workspace, options: Options, arguments: [String] = ["simulate"],
                           log: (String) -> Void = { _ in }) throws -> [Written] {
        let recorder = try RunRecorder(workspace: workspace, command: "simulate", arguments: arguments)
        return try recorder.perform { recorder in
            try recorder.record([(workspace.configURL, .configuration)], role: .input)
            let written = try simulate(workspace, options: options, log: log)
            for sample in written { try recorder.recordDataSet(sample.url, kind: .sample, role: .output) }
            return written
        }
    }

    static func simulate(_ workspace: Workspace, options: Options, log: (String) -> Void) throws -> [Written] {
        let targets: [(URL, Generator, Int)] = [
            (workspace.nominalSample, .nominal, options.nominalEvents),
            (workspace.alternativeSample, .alternative, options.alternativeEvents),
        ]
        if !options.force {
            for (url, _, _) in targets where FileManager.default.fileExists(atPath: url.path) {
                throw EventDataError.outputExists(path: url.path)
            }
        }
        var written: [Written] = []
        for (url, generator, events) in targets {
            let start = Date()
            log("simulating \(generator) sample: \(events) fiducial events, seed \(options.seed), \(options.threads) threads")
            var settings = SimulationSettings(seed: options.seed, generator: generator, fiducialEvents: events)
            settings.crossSectionPb = workspace.config.simulation.crossSectionPb
            let sample = Simulation.run(settings, threads: options.threads)
            let manifest = try write(sample, settings: settings, to: url, overwrite: options.force)
            let seconds = Date().timeIntervalSince(start)
            log("wrote \(workspace.relative(url)): \(sample.count) events (\(String(format: "%.1f", seconds)) s)")
            written.append(Written(url: url, manifest: manifest, seconds: seconds))
        }
        return written
    }

    /// Writes one simulated sample as a data set (columns documented in docs/data-sets.md).
    public static func write(_ sample: SimulatedSample, settings: SimulationSettings, to url: URL, overwrite: Bool) throws -> DataSetManifest {
        let n = sample.count
        var writer = DataSetWriter(name: url.lastPathComponent, kind: "sample", count: n, seed: settings.seed,
                                   configuration: try JSONValue.from(settings))
        writer.attributes = [
            "generator": .string("\(settings.generator)"),
            "pois": .array(SMEFT.poiNames.map { .string($0) }),
            "crossSectionPb": .number(settings.crossSectionPb),
            "generatedEvents": .number(Double(sample.generatedEvents)),
            "fiducialEvents": .number(Double(sample.fiducial.reduce(0) { $0 + Int($1) })),
        ]
        writer.add("x", values: sample.observables, shape: [n, ObservableSet.names.count],
                   names: ObservableSet.names, units: ObservableSet.units,
                   description: "observables of section 7.1 after the nominal reconstruction; NaN where an event cannot be reconstructed")
        writer.add("z", values: sample.latent, shape: [n, Latent.width], names: Latent.names, units: Latent.units,
                   description: "latent features: parton, particle and reconstruction level (see docs/simulation.md)")
        writer.add("w", values: sample.weight, shape: [n], description: "event weight in pb")
        writer.add("smeft", values: sample.smeft, shape: [n, SMEFT.coefficientNames.count], names: SMEFT.coefficientNames,
                   units: Array(repeating: "", count: SMEFT.coefficientNames.count),
                   description: "per-event SMEFT coefficients: w(θ) = w·(1 + θ_m r_m + θ_m θ_n r_mn), appendix A")
        writer.add("scale", values: sample.scale, shape: [n, ScaleWeights.names.count], names: ScaleWeights.names,
                   units: Array(repeating: "pb", count: ScaleWeights.names.count),
                   description: "absolute event weights at the 8 scale variations (ν_R, ν_F) of eq. (83)")
        writer.add("fiducial", values: sample.fiducial, shape: [n],
                   description: "1 if the event passes the nominal selection; 0 for events kept because a ±3σ JES shift could make them pass")
        return try writer.write(to: url, overwrite: overwrite)
    }
}
