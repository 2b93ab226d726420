import EventData
import Foundation

/// Finds plugin libraries on the search path and identifies them by the SHA-256 of their
/// binary.
///
/// Search order (first match wins): the workspace's `plugins/` folder, the folders in
/// `REFINERY_PLUGIN_PATH` (colon-separated), then the folder of the `refinery` executable
/// (the build folder, where `swift build` puts the bundled plugins).
public struct PluginCatalog: Sendable {
    public var searchPath: [URL]

    public init(workspace: Workspace?, executable: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        var path: [URL] = []
        if let workspace { path.append(workspace.root.appendingPathComponent("plugins")) }
        for entry in (environment["REFINERY_PLUGIN_PATH"] ?? "").split(separator: ":") where !entry.isEmpty {
            path.append(URL(fileURLWithPath: String(entry)))
        }
        path.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        searchPath = path
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

    /// The library for plugin `name` (or a path to one).
    public func locate(_ name: String) throws -> URL {
        if name.contains("/") {
            let url = URL(fileURLWithPath: name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw PluginHostError.notFound(name: name, searched: [url.path])
            }
            return url
        }
        for folder in searchPath {
            for file in Self.candidates(name) {
                let url = folder.appendingPathComponent(file)
                if FileManager.default.fileExists(atPath: url.path) { return url }
            }
        }
        throw PluginHostError.notFound(name: name, searched: searchPath.map(\.path))
    }

    /// Every library on the search path that looks like a plugin (first occurrence of each
    /// file name wins), sorted by file name.
    public func libraries() -> [URL] {
        var seen = Set<String>()
        var found: [URL] = []
        for folder in searchPath {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for file in files.sorted() where file.hasSuffix(Self.suffix) && !seen.contains(file) {
                // The host's own support libraries are not plugins.
                if file.hasPrefix("libRefineryPluginKit") || file.hasPrefix("libswift") { continue }
                seen.insert(file)
                found.append(folder.appendingPathComponent(file))
            }
        }
        return found
    }

    /// The plugin's identity: SHA-256 of its binary.
    public static func identity(of url: URL) throws -> String { try FileHash.sha256(file: url) }
}
