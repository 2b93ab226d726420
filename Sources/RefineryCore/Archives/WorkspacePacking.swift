import EventData
import Foundation
import PluginHost
import Provenance
import WorkspaceArchive

/// `refinery pack` and `refinery unpack`: a workspace as one deterministic archive
/// (docs/archives.md) holding its configuration, samples, surrogates, plots, a snapshot of
/// the provenance store and the plugin binaries the surrogates were trained with.
public enum WorkspacePacking {
    /// Commands whose runs are left out of the archived store: they describe archives, not
    /// the analysis, and would make every archive of an unchanged workspace differ.
    static let archiveCommands = ["pack", "unpack", "reproduce"]

    public struct Packed: Sendable {
        public var result: PackResult
        public var members: Int
        public var omitted: Int
    }

    /// The default archive path: `<workspace>/archives/<name>.tar.zst`.
    public static func defaultOutput(_ workspace: Workspace, compression: PackRequest.Compression) -> URL {
        workspace.root.appendingPathComponent("archives/\(workspace.config.name).\(compression.fileExtension)")
    }

    public static func pack(_ workspace: Workspace, output: URL?, withoutData: Bool, compression: PackRequest.Compression,
                            arguments: [String]) throws -> Packed {
        let output = output ?? defaultOutput(workspace, compression: compression)
        let recorder = try RunRecorder(workspace: workspace, command: "pack", arguments: arguments)
        return try recorder.perform { recorder in
            let snapshot = workspace.root.appendingPathComponent(".provenance-snapshot-\(getpid()).sqlite")
            defer { try? FileManager.default.removeItem(at: snapshot) }
            try recorder.store.archivalSnapshot(to: snapshot, excludingCommands: archiveCommands)
            var members: [PackRequest.Member] = [
                .init(path: WorkspaceConfig.fileName, kind: "configuration"),
                .init(path: "provenance.sqlite", source: snapshot, kind: "provenance"),
            ]
            var omitted: [ArchiveManifest.Omitted] = []
            for (folder, kind) in [("samples", "sample"), ("synthetic", "synthetic")] {
                for file in files(under: workspace.root.appendingPathComponent(folder), root: workspace.root) {
                    // Without data the (large, regenerable) arrays are left out but their
                    // manifests, which describe and hash them, stay.
                    if withoutData && !file.hasSuffix("/" + DataSetManifest.fileName) {
                        let url = workspace.root.appendingPathComponent(file)
                        omitted.append(.init(path: file, kind: kind, size: RunRecorder.size(of: url), sha256: try FileHash.sha256(file: url)))
                    } else {
                        members.append(.init(path: file, kind: kind))
                    }
                }
            }
            for (folder, kind) in [("surrogates", "surrogate"), ("plots", "plot"), ("reports", "report"), ("plugins", "plugin")] {
                for file in files(under: workspace.root.appendingPathComponent(folder), root: workspace.root) {
                    members.append(.init(path: file, kind: kind == "surrogate" && !file.hasSuffix("model.json") ? "report" : kind))
                }
            }
            // The plugin binaries the surrogates were trained with, if not already in plugins/.
            var identityKeys: [String: String] = [:]
            for entry in workspace.config.systematics {
                guard let surrogate = try recorder.store.latestSurrogate(systematic: entry.name) else { continue }
                identityKeys[entry.name] = surrogate.identityKey
                let binary = URL(fileURLWithPath: surrogate.pluginPath)
                let path = "plugins/\(binary.lastPathComponent)"
                guard !members.contains(where: { $0.path == path }), FileManager.default.fileExists(atPath: binary.path),
                      try FileHash.sha256(file: binary) == surrogate.pluginSHA256 else { continue }
                members.append(.init(path: path, source: binary, kind: "plugin"))
            }
            let request = PackRequest(root: workspace.root, members: members.sorted { $0.path < $1.path }, omitted: omitted,
                                      compression: compression, hostVersion: RefineryVersion.version,
                                      hostCommit: RefineryVersion.commit, identityKeys: identityKeys,
                                      extra: ["workspace": workspace.config.name])
            try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
            let result = try WorkspaceArchive.pack(request, to: output)
            _ = try recorder.store.recordArtifact(run: recorder.runID, role: .output, path: workspace.relative(output),
                                                  kind: .archive, sha256: result.sha256, size: result.size)
            return Packed(result: result, members: members.count, omitted: omitted.count)
        }
    }

    /// Regular files under `folder`, as sorted workspace-relative paths; hidden files (temporary
    /// and staging files of running commands) are skipped.
    static func files(under folder: URL, root: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey],
                                                              options: [.skipsHiddenFiles]) else { return [] }
        let base = root.standardizedFileURL.path + "/"
        var paths: [String] = []
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let path = url.standardizedFileURL.path
            if path.hasPrefix(base) { paths.append(String(path.dropFirst(base.count))) }
        }
        return paths.sorted()
    }

    /// Unpacks into a new workspace folder and records the unpack there.
    public static func unpack(_ archive: URL, into directory: URL, force: Bool, maxTotalBytes: Int64?,
                              arguments: [String]) throws -> UnpackReport {
        var options = UnpackOptions(force: force)
        if let maxTotalBytes { options.maxTotalBytes = maxTotalBytes }
        let report = try WorkspaceArchive.unpack(archive, into: directory, options: options)
        // What came from the archive is someone else's: its binaries run only with consent.
        try ArchivedBinaries.record(report.manifest.members.map(\.sha256), archiveSHA256: nil, in: directory)
        let workspace = try Workspace.open(directory.path)
        let recorder = try RunRecorder(workspace: workspace, command: "unpack", arguments: arguments)
        try recorder.perform { recorder in
            _ = try recorder.store.recordArtifact(run: recorder.runID, role: .input, path: archive.standardizedFileURL.path,
                                                  kind: .archive, sha256: try FileHash.sha256(file: archive),
                                                  size: RunRecorder.size(of: archive))
        }
        return report
    }
}
