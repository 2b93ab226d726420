import Foundation
import GRDB

extension ProvenanceStore {
    /// Re-hashes every recorded path (relative paths under `root`, normally the workspace;
    /// absolute ones where they are) and lists the missing, modified and unreadable ones.
    ///
    /// A path's expected content is its latest version recorded by a finished run (succeeded
    /// or failed). A step records its outputs before it moves them under their final names and
    /// finishes its run after, so a run that is still going, or was killed in between
    /// (interrupted), may have recorded a version that is on disk or may not be yet: either is
    /// fine. Such files are listed as `unfinished` (naming the run); a path that only
    /// unfinished runs recorded and that does not exist was never made and is not missing.
    ///
    /// - Parameter hash: the host's SHA-256 of a file or folder, in hex (the store does not
    ///   link a hashing library; the host already has one).
    public func verify(root: URL, hash: (URL) throws -> String) throws -> VerifyReport {
        let versions = try perform("list recorded artifacts") {
            try pool.read { db in
                try db.cachedRows("""
                    SELECT \(ArtifactEntry.columns("a")), r.status AS run_status FROM artifacts a
                    JOIN edges e ON e.artifact_id = a.id JOIN runs r ON r.id = e.run_id ORDER BY a.path, e.id
                    """).map { row -> (ArtifactEntry, finished: Bool) in
                    let status = RunStatus(rawValue: row["run_status"]) ?? .failed
                    return (ArtifactEntry(row: row), status == .succeeded || status == .failed)
                }
            }
        }
        var byPath: [(path: String, expected: ArtifactEntry?, unfinished: [ArtifactEntry])] = []
        for (artifact, finished) in versions {
            if byPath.last?.path != artifact.path { byPath.append((artifact.path, nil, [])) }
            if finished {
                byPath[byPath.count - 1].expected = artifact
                byPath[byPath.count - 1].unfinished = []
            } else if !byPath[byPath.count - 1].unfinished.contains(where: { $0.id == artifact.id }) {
                byPath[byPath.count - 1].unfinished.append(artifact)
            }
        }
        var report = VerifyReport(checked: byPath.count, missing: [], modified: [], unreadable: [])
        let fileManager = FileManager.default
        for (_, expected, unfinished) in byPath {
            let candidates = (expected.map { [$0] } ?? []) + unfinished
            let shown = expected ?? unfinished[unfinished.count - 1]
            let file = self.file(of: shown, root: root)
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: file.path, isDirectory: &isDirectory) else {
                if expected != nil { report.missing.append(shown) }
                continue
            }
            // For a plain file a different size proves the change without reading it; folders
            // (data sets) have no meaningful size and are always hashed.
            var actualSize: Int64?
            if !isDirectory.boolValue {
                actualSize = (try? fileManager.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value
                if let actualSize, !candidates.contains(where: { $0.size == actualSize }) {
                    report.modified.append(.init(artifact: shown, actualSize: actualSize, actualSHA256: nil))
                    continue
                }
            }
            do {
                let actual = try hash(file).lowercased()
                if let match = candidates.first(where: { $0.sha256 == actual }) {
                    if match.id != expected?.id { report.unfinished.append(match) }
                } else {
                    report.modified.append(.init(artifact: shown, actualSize: actualSize, actualSHA256: actual))
                }
            } catch {
                report.unreadable.append(.init(artifact: shown, reason: "\(error.localizedDescription)"))
            }
        }
        return report
    }
}
