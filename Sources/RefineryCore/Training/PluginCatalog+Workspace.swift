import Foundation
import PluginHost

/// The plugin catalog of a workspace: its `plugins/` folder first, relative plugin paths
/// resolved against its root, and its archived binaries refused without consent.
extension PluginCatalog {
    public init(workspace: Workspace?, executable: URL, trustArchivedPlugins: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(workspaceRoot: workspace?.root, executable: executable,
                  trust: PluginTrust(workspaceRoot: workspace?.root, allowArchived: trustArchivedPlugins),
                  environment: environment)
    }
}
