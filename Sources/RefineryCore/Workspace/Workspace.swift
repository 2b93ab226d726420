import Foundation

/// A workspace folder: its configuration plus every generated output under it.
///
/// Layout (outputs are git-ignored):
/// `refinery.yaml`, `samples/<name>/` (data sets), `plots/`, `reports/`.
public struct Workspace: Sendable {
    public let root: URL
    public let config: WorkspaceConfig

    /// Opens the workspace at `path` (the folder, or its `refinery.yaml`).
    public static func open(_ path: String) throws -> Workspace {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        if url.lastPathComponent == WorkspaceConfig.fileName { url.deleteLastPathComponent() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WorkspaceError.notAWorkspace(path: url.path)
        }
        let configURL = url.appendingPathComponent(WorkspaceConfig.fileName)
        guard FileManager.default.fileExists(atPath: configURL.path) else { throw WorkspaceError.notAWorkspace(path: url.path) }
        return Workspace(root: url, config: try WorkspaceConfig.load(from: configURL))
    }

    public var configURL: URL { root.appendingPathComponent(WorkspaceConfig.fileName) }
    public var samplesDirectory: URL { root.appendingPathComponent("samples") }
    public var nominalSample: URL { samplesDirectory.appendingPathComponent("nominal") }
    public var alternativeSample: URL { samplesDirectory.appendingPathComponent("alternative") }
    public var plotsDirectory: URL { root.appendingPathComponent("plots") }
    public var reportsDirectory: URL { root.appendingPathComponent("reports") }

    /// `url` relative to the workspace root, for messages and records.
    public func relative(_ url: URL) -> String {
        let base = root.standardizedFileURL.path + "/"
        let full = url.standardizedFileURL.path
        return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full
    }
}
