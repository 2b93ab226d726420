import Foundation

/// What killed commands leave behind, removed by the next command (issue 11, item 6): staging
/// folders of data sets and surrogates, folders moved aside during a replacement, and store
/// snapshots of `pack`. Only leftovers whose owner is certainly gone are removed (same host and
/// boot, no such process: `StagingTag.isAbandoned`), so commands running at the same time, on
/// this node or another one sharing the file system, never lose their work.
public enum Leftovers {
    public static func remove(_ layout: WorkspaceLayout) {
        for folder in [layout.samples, layout.synthetic, layout.surrogates] {
            StagingTag.removeAbandoned(in: folder, marker: ".staging-")
            StagingTag.removeAbandoned(in: folder, marker: ".old-")
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: layout.root.path)) ?? [] {
            guard let tag = WorkspaceLayout.snapshotTag(name), tag.isAbandoned() else { continue }
            try? FileManager.default.removeItem(at: layout.root.appendingPathComponent(name))
        }
    }
}
