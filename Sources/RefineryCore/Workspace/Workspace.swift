import Foundation

/// A workspace folder: its configuration plus every generated output under it. Where each
/// output lives is `layout`'s business alone.
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
        let layout = WorkspaceLayout(root: url)
        guard FileManager.default.fileExists(atPath: layout.config.path) else { throw WorkspaceError.notAWorkspace(path: url.path) }
        return Workspace(root: layout.root, config: try WorkspaceConfig.load(from: layout.config))
    }

    /// The nearest folder at or above `folder` that holds a `refinery.yaml`, as git finds `.git`.
    public static func discover(from folder: URL) -> URL? {
        var current = folder.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: current.appendingPathComponent(WorkspaceConfig.fileName).path) { return current }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }

    public var layout: WorkspaceLayout { WorkspaceLayout(root: root) }

    /// `url` relative to the workspace root, for messages and records.
    public func relative(_ url: URL) -> String { layout.relative(url) }
}
