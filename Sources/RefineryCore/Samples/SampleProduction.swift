import EventData
import Foundation
import Provenance
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

    /// One written (or reused) sample: where it is and how long it took.
    public struct Written: Sendable, Encodable {
        public var url: URL
        public var events: Int
        public var seconds: Double

        enum CodingKeys: String, CodingKey { case path, events, seconds }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(url.path, forKey: .path)
            try container.encode(events, forKey: .events)
            try container.encode(seconds, forKey: .seconds)
        }
    }

    /// What `simulate` did.
    public struct Outcome: Sendable, Encodable {
        public enum Status: String, Sendable, Encodable {
            /// The samples on disk already are what these settings simulate.
            case reused
            case simulated
        }

        public var status: Status
        public var samples: [Written]
    }

    /// Simulates and writes both samples as one recorded step, unless the samples on disk
    /// already are what these options would write (then nothing runs and nothing is
    /// recorded). Samples that differ are kept unless `force`.
    public static func run(_ workspace: Workspace, options: Options, log: @escaping (String) -> Void = { _ in }) throws -> Outcome {
        let layout = workspace.layout
        // The store is opened first even for a reuse: a damaged or newer store is refused
        // before anything is decided.
        let store = try ProvenanceStore.open(workspace: workspace.root)
        Leftovers.remove(layout)
        let targets = Target.all(layout, options: options, crossSectionPb: workspace.config.simulation.crossSectionPb)
        // A sample already on disk with exactly these settings is kept: after an interrupted
        // `simulate` the next one finishes the rest without `--force`.
        let upToDate = targets.map(\.isUpToDate)
        if upToDate.allSatisfy({ $0 }) {
            log("samples are up to date (same seed, size and simulation settings): reusing them")
            return Outcome(status: .reused, samples: targets.map { Written(url: $0.url, events: $0.events, seconds: 0) })
        }
        let pending = zip(targets, upToDate).filter { !$0.1 }.map(\.0)
        if !options.force {
            for target in pending where FileManager.default.fileExists(atPath: target.url.path) {
                throw EventDataError.outputExists(path: target.url.path)
            }
        }
        for (target, current) in zip(targets, upToDate) where current {
            log("\(layout.relative(target.url)) is up to date: kept")
        }
        let step = SimulateStep(options: options, targets: pending, log: log)
        let written = try StepRunner(workspace: workspace, store: store).run(step).value
        let samples = targets.map { target in
            written.first { $0.url == target.url } ?? Written(url: target.url, events: target.events, seconds: 0)
        }
        return Outcome(status: .simulated, samples: samples)
    }

    /// One sample to simulate.
    struct Target {
        var url: URL
        var settings: SimulationSettings
        var events: Int { settings.fiducialEvents }

        static func all(_ layout: WorkspaceLayout, options: Options, crossSectionPb: Double) -> [Target] {
            [(layout.nominalSample, Generator.nominal, options.nominalEvents),
             (layout.alternativeSample, Generator.alternative, options.alternativeEvents)].map { url, generator, events in
                var settings = SimulationSettings(seed: options.seed, generator: generator, fiducialEvents: events)
                settings.crossSectionPb = crossSectionPb
                return Target(url: url, settings: settings)
            }
        }

        /// The data set on disk was simulated with exactly these settings and is intact.
        var isUpToDate: Bool {
            guard let dataSet = try? DataSet.open(url), let expected = try? JSONValue.from(settings) else { return false }
            return dataSet.manifest.configuration == expected && dataSet.verify().isEmpty
        }
    }

    /// The simulation as a recorded step; replayed with the sizes and seed it ran with.
    struct SimulateStep: Step {
        let options: Options
        let targets: [Target]
        let log: (String) -> Void

        var command: String { "simulate" }
        var replay: [String]? {
            ["simulate", "--nominal-events", String(options.nominalEvents), "--alternative-events", String(options.alternativeEvents),
             "--seed", String(options.seed), "--force"]
        }

        func inputs(_ layout: WorkspaceLayout) throws -> [(URL, ArtifactKind)] { [(layout.config, .configuration)] }

        func run(_ context: StepContext) throws -> [Written] {
            var written: [Written] = []
            for target in targets {
                let start = Date()
                log("simulating \(target.settings.generator) sample: \(target.events) fiducial events, seed \(options.seed), \(options.threads) threads")
                let sample = Simulation.run(target.settings, threads: options.threads)
                _ = try write(sample, settings: target.settings, to: context.layout.inside(target.url), overwrite: options.force)
                let seconds = Date().timeIntervalSince(start)
                log("wrote \(context.layout.relative(target.url)): \(sample.count) events (\(String(format: "%.1f", seconds)) s)")
                written.append(Written(url: target.url, events: sample.count, seconds: seconds))
                try context.record(outputs: DataSetFiles.hashed(target.url, kind: .sample))
            }
            return written
        }
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
