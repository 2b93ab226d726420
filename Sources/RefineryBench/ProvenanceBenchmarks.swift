import Foundation
import Provenance

/// Benchmarks of the provenance store (`refinery-bench provenance [options]`). They print
/// figures and never fail on a timing.
///
/// Fills a temporary store with 10 000 runs and 100 000 artifacts: 200 pipelines of 50 runs,
/// each run reading two outputs of the previous run of its pipeline, a plugin binary, a
/// configuration and its pipeline's nominal sample, and writing 10 artifacts; the last 10 runs
/// of each pipeline record a surrogate (2 000 surrogates over 20 systematics). Then it times,
/// 20 times each (median):
///
/// - `lineage` of the last artifact of a pipeline: 50 producing runs deep (target < 100 ms);
/// - a `stale`-style check of 20 systematics: `latestSurrogate(identityKey:)` and
///   `latestArtifact(path:)` of its model file for each (target < 100 ms);
/// - `surrogates(systematic:)`, `runs(limit: 20)` and `run(_:)`;
/// - recording one run with 20 artifacts, one call per artifact and in one batch: the host's
///   overhead per `train` run, to compare with the run's wall time (target < 1%).
///
/// Options: `--runs N` (default 10000), `--artifacts-per-run N` (default 10), `--depth N` (runs
/// per pipeline, default 50), `--repeats N` (default 20), `--keep` (print and keep the store).
enum ProvenanceBenchmarks {
    static func run(args: [String]) {
        var runs = 10_000, perRun = 10, depth = 50, repeats = 20, keep = false
        var i = 0
        while i < args.count {
            let value = i + 1 < args.count ? args[i + 1] : ""
            switch args[i] {
            case "--runs": runs = Int(value) ?? runs; i += 1
            case "--artifacts-per-run": perRun = Int(value) ?? perRun; i += 1
            case "--depth": depth = Int(value) ?? depth; i += 1
            case "--repeats": repeats = Int(value) ?? repeats; i += 1
            case "--keep": keep = true
            default: print("provenance benchmark: ignoring unknown argument '\(args[i])'")
            }
            i += 1
        }
        depth = max(1, min(depth, runs))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-provenance-bench-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            defer { if !keep { try? FileManager.default.removeItem(at: root) } }
            try measure(root: root, runs: runs, perRun: perRun, depth: depth, repeats: repeats)
            if keep { print("store kept at \(root.appendingPathComponent(ProvenanceStore.fileName).path)") }
        } catch {
            print("provenance benchmark failed: \(error.localizedDescription)")
        }
    }

    /// A deterministic, distinct 64-hex-digit stand-in for a file's SHA-256.
    static func hash(_ a: Int, _ b: Int) -> String {
        var state = UInt64(truncatingIfNeeded: a) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: b) &* 0xC2B2_AE3D_27D4_EB4F
        var text = ""
        for _ in 0..<4 {
            state = state &+ 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let hex = String(z, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return text
    }

    static func outputPath(run: Int, file: Int) -> String { "runs/\(run)/out-\(file).npy" }

    private static func measure(root: URL, runs: Int, perRun: Int, depth: Int, repeats: Int) throws {
        let store = try ProvenanceStore.open(workspace: root)
        let systematics = 20, plugins = 20, configurations = 50
        let pipelines = (runs + depth - 1) / depth

        // Fill: three short transactions per run, as a host records it.
        let fillStart = DispatchTime.now()
        var runIDs: [Int64] = []
        runIDs.reserveCapacity(runs)
        var surrogateCount = 0
        for index in 0..<runs {
            let pipeline = index / depth, step = index % depth
            let run = try store.beginRun(command: step == 0 ? "simulate" : "train", arguments: ["--pipeline", "\(pipeline)"],
                                         hostVersion: "bench", hostCommit: "0000000")
            var inputs: [ArtifactRecord] = [
                ArtifactRecord(role: .input, path: "plugins/lib\(index % plugins).so", kind: .plugin, sha256: hash(-1, index % plugins), size: 1 << 20),
                ArtifactRecord(role: .input, path: "config/\(index % configurations).yaml", kind: .configuration,
                               sha256: hash(-2, index % configurations), size: 2_000),
            ]
            if step > 0 {
                let nominal = pipeline * depth
                inputs.append(ArtifactRecord(role: .input, path: outputPath(run: nominal, file: 0), kind: .sample,
                                             sha256: hash(nominal, 0), size: 1 << 24))
                for file in 0..<min(2, perRun) {
                    inputs.append(ArtifactRecord(role: .input, path: outputPath(run: index - 1, file: file), kind: .synthetic,
                                                 sha256: hash(index - 1, file), size: 1 << 22))
                }
            }
            _ = try store.recordArtifacts(run: run, inputs)
            let outputs = (0..<perRun).map { file in
                ArtifactRecord(role: .output, path: outputPath(run: index, file: file), kind: step == 0 ? .sample : .synthetic,
                               sha256: hash(index, file), size: 1 << 22)
            }
            let outputIDs = try store.recordArtifacts(run: run, outputs)
            if step >= depth - 10, let model = outputIDs.last {
                let systematic = pipeline % systematics
                _ = try store.recordSurrogate(SurrogateEntry(
                    artifactID: model, systematic: "S\(systematic)", nuisances: ["nu"], terms: [[0], [0, 0]], basePoints: [[-1], [1]],
                    settings: ["trees": 300], seed: UInt64(index), identityKey: identityKey(pipeline: pipeline, step: step),
                    pluginSHA256: hash(-1, index % plugins), pluginName: "S\(systematic)", pluginVersion: "1",
                    pluginPath: "plugins/lib\(index % plugins).so", configJSON: "{}", nominalSHA256: hash(pipeline * depth, 0),
                    learnerVersion: "bench", closureFigures: [], runID: run))
                surrogateCount += 1
            }
            try store.finishRun(run, status: .succeeded, message: nil)
            runIDs.append(run)
        }
        let fillSeconds = seconds(since: fillStart)
        try store.close()
        let size = (try? FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(ProvenanceStore.fileName).path)[.size] as? NSNumber)?.int64Value ?? 0
        print("provenance: filled \(runs) runs, \(runs * perRun) output artifacts, \(surrogateCount) surrogates in \(format(fillSeconds)) s (store \(size / 1_000_000) MB)")

        let openStart = DispatchTime.now()
        let reopened = try ProvenanceStore.open(workspace: root)
        print("  open (schema check + interrupted-run scan): \(format(seconds(since: openStart) * 1000)) ms")

        // The last output of the last complete pipeline: `depth` producing runs deep.
        let lastPipeline = runs / depth - 1
        if lastPipeline >= 0 {
            let deepRun = lastPipeline * depth + depth - 1
            let deepPath = outputPath(run: deepRun, file: 0)
            var nodes = 0, levels = 0
            let lineage = try median(repeats) {
                let tree = try reopened.lineage(of: deepPath)
                nodes = count(tree)
                levels = height(tree)
            }
            print("  lineage of \(deepPath) (\(levels) levels, \(nodes) nodes): median \(format(lineage)) ms (target < 100 ms)")
            let prefix = String(hash(deepRun, 0).prefix(10))
            let byHash = try median(repeats) { _ = try reopened.lineage(of: prefix) }
            print("  lineage by hash prefix \(prefix): median \(format(byHash)) ms")
        }

        // What `stale` does per systematic (minus re-hashing the files).
        let checked = min(systematics, pipelines)
        let stale = try median(repeats) {
            for systematic in 0..<checked {
                let pipeline = max(0, pipelines - 1 - systematic)
                if let surrogate = try reopened.latestSurrogate(identityKey: identityKey(pipeline: pipeline, step: depth - 1)) {
                    _ = try reopened.artifact(id: surrogate.artifactID)
                    _ = try reopened.latestArtifact(path: outputPath(run: pipeline * depth + depth - 1, file: perRun - 1))
                }
                _ = try reopened.latestSurrogate(systematic: "S\(systematic)")
            }
        }
        print("  stale-style check of \(checked) systematics (identity key + latest model version + latest surrogate): median \(format(stale)) ms (target < 100 ms)")
        var historyCount = 0
        let history = try median(repeats) { historyCount = try reopened.surrogates(systematic: "S0").count }
        print("  history of S0 (\(historyCount) surrogates): median \(format(history)) ms")
        let listing = try median(repeats) { _ = try reopened.runs(limit: 20) }
        print("  runs(limit: 20): median \(format(listing)) ms")
        if let last = runIDs.last {
            let show = try median(repeats) { _ = try reopened.run(last) }
            print("  run(\(last)) with inputs and outputs: median \(format(show)) ms")
        }

        // Recording overhead of one train-like run with 20 artifacts.
        var serial = 0
        let oneByOne = try median(repeats) {
            serial += 1
            let run = try reopened.beginRun(command: "train", arguments: [], hostVersion: "bench", hostCommit: "0")
            for file in 0..<20 {
                _ = try reopened.recordArtifact(run: run, role: file < 5 ? .input : .output, path: "overhead/\(serial)/\(file)",
                                                kind: .synthetic, sha256: hash(-100 - serial, file), size: 1)
            }
            try reopened.finishRun(run, status: .succeeded, message: nil)
        }
        let batched = try median(repeats) {
            serial += 1
            let run = try reopened.beginRun(command: "train", arguments: [], hostVersion: "bench", hostCommit: "0")
            _ = try reopened.recordArtifacts(run: run, (0..<20).map {
                ArtifactRecord(role: $0 < 5 ? .input : .output, path: "overhead/\(serial)/\($0)", kind: .synthetic,
                               sha256: hash(-100 - serial, $0), size: 1)
            })
            try reopened.finishRun(run, status: .succeeded, message: nil)
        }
        print("  record one run with 20 artifacts: median \(format(oneByOne)) ms one call each, \(format(batched)) ms batched")
        print("  → below 1% of a train run that takes longer than \(format(oneByOne / 10)) s (one call each; the store's share only, hashing the files is the host's)")
        try reopened.close()
    }

    static func identityKey(pipeline: Int, step: Int) -> String { "key-\(pipeline)-\(step)" }

    /// Median wall time of `body` in milliseconds.
    private static func median(_ repeats: Int, _ body: () throws -> Void) throws -> Double {
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now()
            try body()
            times.append(seconds(since: start) * 1000)
        }
        times.sort()
        return times[times.count / 2]
    }

    private static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    private static func count(_ node: LineageNode) -> Int { 1 + node.inputs.reduce(0) { $0 + count($1) } }
    private static func height(_ node: LineageNode) -> Int { node.producedBy == nil ? 0 : 1 + (node.inputs.map(height).max() ?? 0) }

    private static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
