import EventData
import Foundation

/// Finds plugin libraries on the documented search path and identifies them by the SHA-256
/// of their binary (docs/plugins.md, "Where plugins come from").
///
/// Search path: the workspace's `plugins/` folder, the folders in `REFINERY_PLUGIN_PATH`
/// (colon-separated), then the folder of the `refinery` executable (the bundled plugins).
/// A name found in more than one place with different binaries is an error listing every
/// path: no plugin silently shadows another.
public struct PluginCatalog: Sendable {
    public var searchPath: [SearchFolder]
    /// The workspace relative plugin paths are resolved against.
    public var workspaceRoot: URL?
    public var trust: PluginTrust

    public struct SearchFolder: Sendable, Equatable, Codable {
        public enum Origin: String, Sendable, Codable { case workspace, environment, bundled }
        public var url: URL
        public var origin: Origin
    }

    public init(workspaceRoot: URL?, executable: URL, trust: PluginTrust? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        var path: [SearchFolder] = []
        if let workspaceRoot { path.append(.init(url: workspaceRoot.appendingPathComponent("plugins"), origin: .workspace)) }
        for entry in (environment["REFINERY_PLUGIN_PATH"] ?? "").split(separator: ":") where !entry.isEmpty {
            path.append(.init(url: URL(fileURLWithPath: String(entry)), origin: .environment))
        }
        path.append(.init(url: executable.resolvingSymlinksInPath().deletingLastPathComponent(), origin: .bundled))
        searchPath = path
        self.workspaceRoot = workspaceRoot
        self.trust = trust ?? PluginTrust(workspaceRoot: workspaceRoot, allowArchived: false)
    }

    #if os(macOS)
    static let suffix = ".dylib"
    #else
    static let suffix = ".so"
    #endif

    /// File names a plugin called `name` may have.
    static func candidates(_ name: String) -> [String] {
        ["lib\(name)\(suffix)", "libRefinery\(name)\(suffix)", "\(name)\(suffix)"]
    }

    /// The plugin name a library file stands for (`libRefineryScale.so` → `Scale`).
    static func name(ofFile file: String) -> String {
        var stem = String(file.dropLast(suffix.count))
        for prefix in ["libRefinery", "lib"] where stem.hasPrefix(prefix) && stem.count > prefix.count {
            stem.removeFirst(prefix.count)
            break
        }
        return stem
    }

    /// The library for plugin `name` (or a path to one); see `resolve`.
    public func locate(_ name: String) throws -> URL { try resolve(name).url }

    /// Resolves `name`: a value containing `/` is a path, relative to the workspace (not the
    /// current folder); any other value is looked up in every folder of the search path.
    /// - Parameter recorded: the SHA-256 the workspace's store recorded for the binary this
    ///   name ran as before. When the name matches different binaries, it settles the choice
    ///   only with the user's consent to run archived binaries, and only for the archived copy
    ///   with exactly that hash: reproducing an archive on another machine, whose own build of
    ///   a bundled plugin differs from the archived one, runs the recorded binary. In every
    ///   other case different binaries under one name stay an error.
    public func resolve(_ name: String, recorded: String? = nil) throws -> PluginResolution {
        if name.contains("/") {
            let base = workspaceRoot ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : base.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw PluginHostError.notFound(name: name, searched: [url.standardizedFileURL.path])
            }
            return PluginResolution(name: name, url: url.standardizedFileURL, origin: nil, sha256: try FileHash.sha256(file: url),
                                    candidates: [url.standardizedFileURL.path])
        }
        var found: [(url: URL, origin: SearchFolder.Origin, sha256: String)] = []
        var seen = Set<String>()
        for folder in searchPath {
            for file in Self.candidates(name) {
                let url = folder.url.appendingPathComponent(file)
                guard FileManager.default.fileExists(atPath: url.path) else { continue }
                // The same file reached twice (a folder listed twice, a symlink) is one place.
                guard seen.insert(url.resolvingSymlinksInPath().path).inserted else { continue }
                found.append((url, folder.origin, try FileHash.sha256(file: url)))
            }
        }
        guard let first = found.first else { throw PluginHostError.notFound(name: name, searched: searchPath.map(\.url.path)) }
        guard Set(found.map(\.sha256)).count == 1 else {
            if let recorded, trust.allowArchived,
               let pinned = found.first(where: { $0.sha256 == recorded.lowercased() && trust.isArchived($0.url, sha256: $0.sha256) }) {
                return PluginResolution(name: name, url: pinned.url, origin: pinned.origin, sha256: pinned.sha256,
                                        candidates: found.map(\.url.path), chosenByRecord: true)
            }
            throw PluginHostError.ambiguous(name: name, paths: found.map(\.url.path))
        }
        // Identical binaries in several places are one plugin (an archive carries copies of
        // the bundled ones); the copy that needs no consent is the one run.
        let chosen = found.first { !trust.isArchived($0.url, sha256: $0.sha256) } ?? first
        return PluginResolution(name: name, url: chosen.url, origin: chosen.origin, sha256: chosen.sha256,
                                candidates: found.map(\.url.path))
    }

    /// Every library on the search path that looks like a plugin, in search order, sorted by
    /// file name within a folder.
    public func libraries() -> [URL] {
        var seen = Set<String>()
        var found: [URL] = []
        for folder in searchPath {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.url.path)) ?? []
            for file in files.sorted() where file.hasSuffix(Self.suffix) {
                // The host's own support libraries are not plugins.
                if file.hasPrefix("libRefineryPluginKit") || file.hasPrefix("libswift") { continue }
                let url = folder.url.appendingPathComponent(file)
                guard seen.insert(url.resolvingSymlinksInPath().path).inserted else { continue }
                found.append(url)
            }
        }
        return found
    }

    /// The plugin's identity: SHA-256 of its binary.
    public static func identity(of url: URL) throws -> String { try FileHash.sha256(file: url) }
}
