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

    public struct Packed: Sendable, Encodable {
        public var result: PackResult
        public var members: Int
        public var omitted: Int

        enum CodingKeys: String, CodingKey { case archive, sha256, size, members, omitted }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(result.archive.path, forKey: .archive)
            try container.encode(result.sha256, forKey: .sha256)
            try container.encode(result.size, forKey: .size)
            try container.encode(members, forKey: .members)
            try container.encode(omitted, forKey: .omitted)
        }
    }

    /// The default archive path: `<workspace>/archives/<name>.tar.zst`.
    public static func defaultOutput(_ workspace: Workspace, compression: PackRequest.Compression) -> URL {
        workspace.layout.archive(named: workspace.config.name, fileExtension: compression.fileExtension)
    }

    public static func pack(_ workspace: Workspace, output: URL?, withoutData: Bool, compression: PackRequest.Compression,
                            arguments: [String]) throws -> Packed {
        let step = PackStep(output: output ?? defaultOutput(workspace, compression: compression), withoutData: withoutData,
                            compression: compression, arguments: arguments)
        return try StepRunner(workspace: workspace).run(step).value
    }

    /// `pack` as a step: not replayed (it describes the analysis, it is not part of it). Its
    /// inputs are the packed files, with the hashes the packer computed while reading them, so
    /// that `provenance uses` finds the archives a sample went into.
    struct PackStep: Step {
        let output: URL
        let withoutData: Bool
        let compression: PackRequest.Compression
        let arguments: [String]

        var command: String { "pack" }

        /// The store's snapshot and the files are read under the commit lock, held
        /// exclusively: no step commits in between, so every packed folder is whole and every
        /// packed file's record is in the packed store.
        func run(_ context: StepContext) throws -> Packed {
            try CommitLock.with(context.layout, .exclusive) { try pack(context) }
        }

        private func pack(_ context: StepContext) throws -> Packed {
            let workspace = context.workspace
            let layout = context.layout
            let snapshot = layout.storeSnapshot(tag: .current)
            defer { try? FileManager.default.removeItem(at: snapshot) }
            try context.store.archivalSnapshot(to: snapshot, excludingCommands: archiveCommands)
            var members: [PackRequest.Member] = [
                .init(path: WorkspaceConfig.fileName, kind: "configuration"),
                .init(path: layout.relative(layout.store), source: snapshot, kind: "provenance"),
            ]
            var omitted: [ArchiveManifest.Omitted] = []
            for (folder, kind) in WorkspaceLayout.packedFolders {
                for file in files(under: layout.url(folder), root: workspace.root) {
                    let isArray = (kind == "sample" || kind == "synthetic") && !file.hasSuffix("/" + DataSetManifest.fileName)
                    if withoutData && isArray {
                        // Without data the (large, regenerable) arrays are left out but their
                        // manifests, which describe and hash them, stay.
                        let url = layout.url(file)
                        omitted.append(.init(path: file, kind: kind, size: HashedFile.fileSize(url), sha256: try FileHash.sha256(file: url)))
                    } else {
                        members.append(.init(path: file, kind: kind == "surrogate" && !file.hasSuffix("model.json") ? "report" : kind))
                    }
                }
            }
            // Every other file a recorded step read or made (e.g. a `fit -w` SPEC, its arrays and
            // its model), so that the archive's steps can be replayed from the archive alone.
            for (path, kind) in try context.store.recordedPaths()
            where !members.contains(where: { $0.path == path }) && !omitted.contains(where: { $0.path == path })
                && !path.hasPrefix(layout.relative(layout.archives) + "/")
                && path != layout.relative(layout.store) && FileManager.default.fileExists(atPath: layout.url(path).path) {
                members.append(.init(path: path, kind: kind.rawValue))
            }
            // The plugin binaries the surrogates were trained with, if not already in plugins/.
            var identityKeys: [String: String] = [:]
            for entry in workspace.config.systematics {
                guard let surrogate = try context.store.latestSurrogate(systematic: entry.name) else { continue }
                identityKeys[entry.name] = surrogate.identityKey
                let binary = URL(fileURLWithPath: surrogate.pluginPath)
                let path = layout.relative(layout.plugins.appendingPathComponent(binary.lastPathComponent))
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
            let packed = result.manifest.members.filter { $0.kind != "provenance" && FileManager.default.fileExists(atPath: layout.url($0.path).path) }.map { member in
                HashedFile(url: layout.url(member.path), kind: ArtifactKind(rawValue: member.kind) ?? .report, size: member.size, sha256: member.sha256)
            }
            try context.recorder.record(packed, role: .input)
            try context.record(outputs: [HashedFile(url: output, kind: .archive, size: result.size, sha256: result.sha256)])
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

    /// Unpacks into a new workspace folder and records the unpack there (a step that is not
    /// replayed; its input is the archive).
    public static func unpack(_ archive: URL, into directory: URL, force: Bool, maxTotalBytes: Int64?,
                              arguments: [String]) throws -> UnpackReport {
        var options = UnpackOptions.forWorkspace(force: force)
        if let maxTotalBytes { options.maxTotalBytes = maxTotalBytes }
        let hashed = try HashedFile.of(archive.standardizedFileURL, kind: .archive)
        let report = try WorkspaceArchive.unpack(archive, into: directory, options: options)
        // What came from the archive is someone else's: its binaries run only with consent.
        try ArchivedBinaries.record(report.manifest.members.map(\.sha256), archiveSHA256: nil, in: directory)
        let workspace = try Workspace.open(directory.path)
        _ = try StepRunner(workspace: workspace).run(UnpackStep(arguments: arguments), hashed: [hashed])
        return report
    }

    struct UnpackStep: Step {
        let arguments: [String]
        var command: String { "unpack" }
        func run(_ context: StepContext) throws {}
    }
}

extension UnpackOptions {
    /// Unpacking a workspace: the archived store is data, not code. Before it is placed it is
    /// checked against this build's exact schema and replaced by a clean copy of its rows (a
    /// trigger, view or unknown object refuses the archive, naming it).
    static func forWorkspace(force: Bool = false) -> UnpackOptions {
        var options = UnpackOptions(force: force)
        options.vetStagedMember = { member, staged in
            if member.path == ProvenanceStore.fileName { try ArchivedStore.replaceWithCleanCopy(staged) }
        }
        return options
    }
}
