import Foundation
import GRDB

/// One version of an artifact (a row of `artifacts`): a file under the workspace with a given
/// SHA-256. The same path has a new version each time its content changes.
public struct ArtifactEntry: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    /// Relative to the workspace root.
    public var path: String
    public var kind: ArtifactKind
    public var size: Int64
    /// Lowercase hexadecimal SHA-256 of the content.
    public var sha256: String
    /// When this version was first recorded.
    public var createdAt: Date
    /// The run that first recorded this version (as input or output).
    public var createdByRun: Int64

    static let columns = "id, path, kind, size, sha256, created_at, created_by_run"

    /// `columns` qualified with a table alias, for joins.
    static func columns(_ alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
    }

    init(row: Row) {
        id = row["id"]
        path = row["path"]
        let rawKind: String = row["kind"]
        kind = ArtifactKind(rawValue: rawKind) ?? .report
        size = row["size"]
        sha256 = row["sha256"]
        createdAt = row["created_at"]
        createdByRun = row["created_by_run"]
    }
}
