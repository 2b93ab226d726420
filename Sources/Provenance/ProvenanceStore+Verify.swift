import Foundation
import GRDB

extension ProvenanceStore {
    /// Re-hashes the latest recorded version of every path (relative paths under `root`,
    /// normally the workspace; absolute ones where they are) and lists the missing, modified and unreadable ones.
    ///
    /// - Parameter hash: the host's SHA-256 of a file or folder, in hex (the store does not
    ///   link a hashing library; the host already has one).
    public func verify(root: URL, hash: (URL) throws -> String) throws -> VerifyReport {
        let latest = try perform("list recorded artifacts") {
            try pool.read { db in
                // SQLite returns the other columns of the row holding MAX(e.id) (a documented
                // "bare column" behaviour): the latest version of each path.
                try db.cachedRows("""
                    SELECT \(ArtifactEntry.columns("a")), MAX(e.id) AS last_edge FROM artifacts a
                    JOIN edges e ON e.artifact_id = a.id GROUP BY a.path ORDER BY a.path
                    """).map(ArtifactEntry.init(row:))
            }
        }
        var report = VerifyReport(checked: latest.count, missing: [], modified: [], unreadable: [])
        let fileManager = FileManager.default
        for artifact in latest {
            let file = self.file(of: artifact, root: root)
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: file.path, isDirectory: &isDirectory) else {
                report.missing.append(artifact)
                continue
            }
            // For a plain file a different size proves the change without reading it; folders
            // (data sets) have no meaningful size and are always hashed.
            var actualSize: Int64?
            if !isDirectory.boolValue {
                actualSize = (try? fileManager.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value
                if let actualSize, actualSize != artifact.size {
                    report.modified.append(.init(artifact: artifact, actualSize: actualSize, actualSHA256: nil))
                    continue
                }
            }
            do {
                let actual = try hash(file).lowercased()
                if actual != artifact.sha256 {
                    report.modified.append(.init(artifact: artifact, actualSize: actualSize, actualSHA256: actual))
                }
            } catch {
                report.unreadable.append(.init(artifact: artifact, reason: "\(error.localizedDescription)"))
            }
        }
        return report
    }
}
