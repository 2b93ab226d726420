import EventData
import Foundation
import PluginHost
import Provenance
import TopPairSimulation
import WorkspaceArchive

/// `refinery reproduce`: unpacks an archive into a scratch workspace, re-runs the recorded
/// pipeline from the archived configuration, seeds and plugin binaries, and compares the hash
/// of every regenerated sample and surrogate file with the recorded one.
public enum Reproduction {
    public struct Comparison: Codable, Sendable {
        public enum Status: String, Codable, Sendable { case identical, differs, missing }
        public var path: String
        public var kind: String
        public var recorded: String
        public var regenerated: String?
        public var status: Status
    }

    public struct Report: Codable, Sendable {
        public var archive: String
        public var scratch: String
        public var comparisons: [Comparison]
        public var errors: [String]
        public var identical: Bool { errors.isEmpty && comparisons.allSatisfy { $0.status == .identical } }

        public var text: String {
            var lines = comparisons.map { "\($0.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \($0.path)" + ($0.status == .differs ? "  (recorded \($0.recorded.prefix(12))…, regenerated \($0.regenerated?.prefix(12) ?? "?")…)" : "") }
            lines += errors.map { "ERROR      \($0)" }
            let same = comparisons.filter { $0.status == .identical }.count
            lines.append(identical ? "reproduced: all \(comparisons.count) sample and surrogate files are identical (scratch workspace \(scratch))"
                                   : "NOT reproduced: \(comparisons.count - same) of \(comparisons.count) files differ or are missing (scratch workspace \(scratch))")
            return lines.joined(separator: "\n")
        }
    }

    public static func run(_ archive: URL, scratch: URL?, threads: Int, executable: URL, arguments: [String],
                           log: @escaping (String) -> Void) throws -> Report {
        let manifest = try WorkspaceArchive.readManifest(archive)
        let directory = scratch ?? FileManager.default.temporaryDirectory.appendingPathComponent("refinery-reproduce-\(UUID().uuidString)")
        log("unpacking \(archive.path) into \(directory.path)")
        _ = try WorkspaceArchive.unpack(archive, into: directory, options: UnpackOptions())
        try ArchivedBinaries.record(manifest.members.map(\.sha256), archiveSHA256: nil, in: directory)
        let workspace = try Workspace.open(directory.path)
        var recorded: [String: (sha: String, kind: String)] = [:]
        for member in manifest.members { recorded[member.path] = (member.sha256, member.kind) }
        for member in manifest.omitted { recorded[member.path] = (member.sha256, member.kind) }
        var errors: [String] = []
        let recorder = try RunRecorder(workspace: workspace, command: "reproduce", arguments: arguments)
        try recorder.perform { _ in
            // 1. Samples, from the settings and seed recorded in their manifests.
            for sample in [workspace.nominalSample, workspace.alternativeSample] {
                let manifestURL = sample.appendingPathComponent(DataSetManifest.fileName)
                guard FileManager.default.fileExists(atPath: manifestURL.path) else { continue }
                let dataSetManifest = try JSONDecoder().decode(DataSetManifest.self, from: Data(contentsOf: manifestURL))
                let settings = try JSONDecoder().decode(SimulationSettings.self, from: JSONEncoder().encode(dataSetManifest.configuration))
                log("re-simulating \(workspace.relative(sample)): \(settings.fiducialEvents) fiducial events, seed \(settings.seed)")
                let result = Simulation.run(settings, threads: threads)
                _ = try SampleProduction.write(result, settings: settings, to: sample, overwrite: true)
            }
            // 2. Surrogates, with each one's recorded learner settings, after setting the
            //    archived ones aside so that nothing is reused.
            let surrogates = workspace.root.appendingPathComponent("surrogates")
            let synthetic = workspace.root.appendingPathComponent("synthetic")
            var trees: [String: Int] = [:]
            for entry in workspace.config.systematics {
                let record = surrogates.appendingPathComponent("\(entry.name)/surrogate.json")
                if let data = try? Data(contentsOf: record), let surrogate = try? JSONDecoder().decode(SurrogateRecord.self, from: data) {
                    trees[entry.name] = surrogate.plan.settings.trees
                }
            }
            try? FileManager.default.removeItem(at: surrogates)
            try? FileManager.default.removeItem(at: synthetic)
            for entry in workspace.config.systematics where trees[entry.name] != nil {
                log("re-training \(entry.name) with \(trees[entry.name]!) trees")
                let outcomes = try Training.run(workspace, options: .init(only: [entry.name], trees: trees[entry.name], threads: threads,
                                                                          executable: executable),
                                                progress: TrainingProgress(interactive: false, write: { _ in }),
                                                arguments: ["reproduce", "train", entry.name])
                errors += outcomes.compactMap { $0.error.map { "\(entry.name): \($0)" } }
            }
        }
        // 3. Compare every recorded sample, synthetic and surrogate file.
        let comparisons = try recorded.keys.sorted().compactMap { path -> Comparison? in
            guard let (sha, kind) = recorded[path], ["sample", "synthetic", "surrogate", "report"].contains(kind),
                  path.hasPrefix("samples/") || path.hasPrefix("synthetic/") || path.hasPrefix("surrogates/") else { return nil }
            let url = workspace.root.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                return Comparison(path: path, kind: kind, recorded: sha, regenerated: nil, status: .missing)
            }
            let now = try FileHash.sha256(file: url)
            return Comparison(path: path, kind: kind, recorded: sha, regenerated: now, status: now == sha ? .identical : .differs)
        }
        return Report(archive: archive.path, scratch: directory.path, comparisons: comparisons, errors: errors)
    }
}
