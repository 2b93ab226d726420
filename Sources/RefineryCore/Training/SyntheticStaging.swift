import Foundation

/// Staging folders of synthetic data sets left by killed `train` processes.
enum SyntheticStaging {
    /// Removes `synthetic/.<name>.staging-<pid>` folders whose process is gone; those of live
    /// processes (a concurrent `train --only`) are left alone.
    static func removeAbandoned(in workspace: Workspace) {
        let folder = workspace.root.appendingPathComponent("synthetic")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".") {
            guard let range = name.range(of: ".staging-", options: .backwards), let pid = Int32(name[range.upperBound...]) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }
}
