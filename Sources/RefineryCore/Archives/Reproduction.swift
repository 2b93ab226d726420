import EventData
import Foundation
import PluginHost
import Provenance
import WorkspaceArchive

/// `refinery reproduce`: unpacks an archive into a scratch workspace and replays the recorded
/// steps that made its files, each with the command line recorded with its run, then compares
/// the hash of every regenerated file with the archived one. It knows nothing about what a
/// step does: a step added later is replayed the same way.
public enum Reproduction {
    public struct Comparison: Codable, Sendable {
        public enum Status: String, Codable, Sendable { case identical, differs, missing }
        public var path: String
        public var kind: String
        public var recorded: String
        public var regenerated: String?
        public var status: Status
    }

    /// One replayed step.
    public struct Replayed: Codable, Sendable {
        public var run: Int64
        public var command: String
        public var arguments: [String]
        public var succeeded: Bool
    }

    public struct Report: Codable, Sendable {
        public var archive: String
        public var scratch: String
        public var replayed: [Replayed]
        public var comparisons: [Comparison]
        public var errors: [String]
        public var identical: Bool { errors.isEmpty && !comparisons.isEmpty && comparisons.allSatisfy { $0.status == .identical } }

        public var text: String {
            var lines = replayed.map { "replayed   run \($0.run): refinery \($0.arguments.joined(separator: " "))\($0.succeeded ? "" : "  FAILED")" }
            lines += comparisons.map { "\($0.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \($0.path)" + ($0.status == .differs ? "  (recorded \($0.recorded.prefix(12))…, regenerated \($0.regenerated?.prefix(12) ?? "?")…)" : "") }
            lines += errors.map { "ERROR      \($0)" }
            let same = comparisons.filter { $0.status == .identical }.count
            lines.append(identical ? "reproduced: all \(comparisons.count) files made by \(replayed.count) recorded steps are identical (scratch workspace \(scratch))"
                                   : "NOT reproduced: \(comparisons.count - same) of \(comparisons.count) files differ or are missing (scratch workspace \(scratch))")
            return lines.joined(separator: "\n")
        }
    }

    public enum ReproductionError: LocalizedError {
        case nothingToReplay(archive: String)
        case pluginsNeedConsent(archive: String, binaries: [String])

        public var errorDescription: String? {
            switch self {
            case let .pluginsNeedConsent(archive, binaries):
                return "\(archive) carries plugin binaries that reproducing would run: \(binaries.joined(separator: ", ")). They are native code from whoever made the archive; rerun with --trust-archived-plugins to consent (docs/security.md)."
            case let .nothingToReplay(archive):
                return "\(archive): its provenance store records no replayable step that made one of its files (archives made before Refinery 0.4 record none). Re-pack the workspace with this Refinery."
            }
        }
    }

    public static func run(_ archive: URL, scratch: URL?, threads: Int, executable: URL, trustArchivedPlugins: Bool = false,
                           arguments: [String], log: @escaping (String) -> Void) throws -> Report {
        let manifest = try WorkspaceArchive.readManifest(archive)
        // The archive's plugin binaries are someone else's native code: say which would run,
        // and run none without consent.
        let binaries = manifest.members.filter { $0.kind == "plugin" }
        if !binaries.isEmpty && !trustArchivedPlugins && ProcessInfo.processInfo.environment[PluginTrust.consentVariable] != "1" {
            throw ReproductionError.pluginsNeedConsent(archive: archive.path, binaries: binaries.map { "\($0.path) (sha256 \($0.sha256))" })
        }
        for binary in binaries { log("will run archived plugin \(binary.path) sha256 \(binary.sha256)") }
        let directory = scratch ?? FileManager.default.temporaryDirectory.appendingPathComponent("refinery-reproduce-\(UUID().uuidString)")
        log("unpacking \(archive.path) into \(directory.path)")
        _ = try WorkspaceArchive.unpack(archive, into: directory, options: .forWorkspace())
        try ArchivedBinaries.record(manifest.members.map(\.sha256), archiveSHA256: nil, in: directory)
        let workspace = try Workspace.open(directory.path)
        var archived: [String: (sha256: String, kind: String)] = [:]
        for member in manifest.members { archived[member.path] = (member.sha256, member.kind) }
        for member in manifest.omitted { archived[member.path] = (member.sha256, member.kind) }

        let store = try ProvenanceStore.open(workspace: workspace.root)
        let steps = try store.replayableRuns(producing: archived.map { ($0.key, $0.value.sha256) })
        guard !steps.isEmpty else { throw ReproductionError.nothingToReplay(archive: archive.path) }
        // Every file those steps made is compared, and removed first so that nothing is reused.
        var produced: Set<String> = []
        for step in steps { for output in try store.run(step.id).outputs where archived[output.path] != nil { produced.insert(output.path) } }
        for path in produced { try? FileManager.default.removeItem(at: workspace.layout.url(path)) }

        var replayed: [Replayed] = []
        var errors: [String] = []
        // The reproduction is itself a run of the scratch workspace; each replayed step records
        // its own run there, as it would anywhere.
        let recorder = try RunRecorder(store: store, workspace: workspace, command: "reproduce", arguments: arguments)
        try recorder.perform { _ in
            for step in steps {
                let replay = step.replay ?? []
                log("replaying run \(step.id) (\(step.command)): refinery \(replay.joined(separator: " "))")
                let result = try Self.replay(replay, in: workspace.root, executable: executable, threads: threads, trusted: !binaries.isEmpty)
                replayed.append(Replayed(run: step.id, command: step.command, arguments: replay, succeeded: result.status == 0))
                if result.status != 0 {
                    errors.append("run \(step.id) (refinery \(replay.joined(separator: " "))) exited with status \(result.status): \(result.stderrTail)")
                }
            }
        }
        let comparisons = try produced.sorted().map { path -> Comparison in
            let (sha256, kind) = archived[path]!
            let url = workspace.layout.url(path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                return Comparison(path: path, kind: kind, recorded: sha256, regenerated: nil, status: .missing)
            }
            let now = try FileHash.sha256(file: url)
            return Comparison(path: path, kind: kind, recorded: sha256, regenerated: now, status: now == sha256 ? .identical : .differs)
        }
        return Report(archive: archive.path, scratch: directory.path, replayed: replayed, comparisons: comparisons, errors: errors)
    }

    /// Runs `refinery <arguments> -w .` in the workspace (recorded paths are relative to it).
    static func replay(_ arguments: [String], in root: URL, executable: URL, threads: Int, trusted: Bool) throws -> (status: Int32, stderrTail: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + ["-w", "."]
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["REFINERY_THREADS"] = String(threads)
        // Consent was given (or nothing archived would run): the replayed steps inherit it.
        if trusted { environment[PluginTrust.consentVariable] = "1" }
        process.environment = environment
        let errorFile = root.appendingPathComponent(".replay-\(StagingTag.current.suffix).log")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let text = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        let tail = text.split(separator: "\n").suffix(3).joined(separator: " / ")
        return (process.terminationStatus, tail)
    }
}
