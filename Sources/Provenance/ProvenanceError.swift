import Foundation

/// Everything the provenance store can refuse or fail at. Each case names the store file (or the
/// artifact) and its message says what to do about it.
public enum ProvenanceError: LocalizedError, Equatable, Sendable {
    /// The workspace folder that should hold `provenance.sqlite` does not exist.
    case workspaceMissing(path: String)
    /// The store file exists but does not start with the SQLite header; it was left untouched.
    case notSQLite(path: String)
    /// The store was written by a newer Refinery (a higher schema version, or migrations this
    /// build does not know); it was left untouched.
    case newerSchema(path: String, found: Int, supported: Int, unknownMigrations: [String])
    /// SQLite could not open or read the store (corrupt, unreadable, locked for too long...).
    case unreadableStore(path: String, reason: String)
    /// A database operation failed; `operation` says which.
    case database(path: String, operation: String, reason: String)
    /// No run with this id in the store.
    case unknownRun(id: Int64, path: String)
    /// No artifact with this id in the store.
    case unknownArtifactID(id: Int64, path: String)
    /// Neither a recorded artifact path nor the prefix of a recorded SHA-256.
    case unknownArtifact(query: String, path: String)
    /// A hash prefix that matches several artifacts; `candidates` lists "<sha256> <path>".
    case ambiguousHashPrefix(prefix: String, candidates: [String], path: String)
    /// An artifact path that is empty or contains "..".
    case invalidArtifactPath(artifactPath: String, path: String)
    /// Not a SHA-256 in hexadecimal (64 hex digits).
    case invalidHash(hash: String, artifactPath: String, path: String)
    /// `finishRun` was asked to leave a run `running`.
    case invalidFinishStatus(id: Int64, path: String)
    /// `snapshot(to:)` could not write the copy.
    case snapshotFailed(destination: String, path: String, reason: String)
    /// The store's schema holds objects this build does not write (triggers, views, other
    /// tables or indexes, altered definitions); it was refused without running any of them.
    case foreignSchema(path: String, objects: [String])
    /// A store from an archive could not be copied into clean form; `reason` says why.
    case importFailed(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .workspaceMissing(path):
            return "The workspace folder \(path) does not exist, so its provenance store cannot be opened. Create the workspace first (or pass the right folder)."
        case let .notSQLite(path):
            return "\(path) is not an SQLite database (its first bytes are not the SQLite header); Refinery left it untouched. Move it aside (or restore the workspace's provenance.sqlite from an archive) and run the command again."
        case let .newerSchema(path, found, supported, unknown):
            let detail = unknown.isEmpty ? "" : " (migrations unknown to this build: \(unknown.joined(separator: ", ")))"
            return "\(path) was written by a newer Refinery: schema version \(found), this build understands up to \(supported)\(detail). Refinery left it untouched; upgrade Refinery to use this workspace."
        case let .unreadableStore(path, reason):
            return "Cannot open the provenance store \(path): \(reason). Check the file's permissions and free disk space; if it is damaged, restore it from a workspace archive."
        case let .database(path, operation, reason):
            return "Provenance store \(path): could not \(operation): \(reason). \(Self.advice(for: reason))"
        case let .unknownRun(id, path):
            return "No run \(id) in \(path). List the recorded runs with `refinery provenance runs`."
        case let .unknownArtifactID(id, path):
            return "No artifact with id \(id) in \(path); record the artifact (recordArtifact) before referring to it."
        case let .unknownArtifact(query, path):
            return "No recorded artifact has the path or hash prefix '\(query)' in \(path). Give a path relative to the workspace, or at least 4 hex digits of its SHA-256."
        case let .ambiguousHashPrefix(prefix, candidates, path):
            return "The hash prefix '\(prefix)' matches \(candidates.count) artifacts in \(path); give more digits or the path:\n" + candidates.map { "  \($0)" }.joined(separator: "\n")
        case let .invalidArtifactPath(artifactPath, path):
            return "'\(artifactPath)' cannot be recorded in \(path): artifact paths are relative to the workspace (absolute only for files outside it), non-empty and without '..'."
        case let .invalidHash(hash, artifactPath, path):
            return "'\(hash)' recorded for '\(artifactPath)' in \(path) is not a SHA-256 (64 hexadecimal digits); pass the file's SHA-256."
        case let .invalidFinishStatus(id, path):
            return "Run \(id) in \(path) cannot be finished as 'running'; finish it as succeeded, failed or interrupted."
        case let .snapshotFailed(destination, path, reason):
            return "Could not copy the provenance store \(path) to \(destination): \(reason). Check that the destination folder exists and is writable."
        case let .foreignSchema(path, objects):
            let shown = objects.prefix(8).joined(separator: ", ") + (objects.count > 8 ? " and \(objects.count - 8) more" : "")
            return "\(path) holds SQL that this Refinery does not write: \(shown). A provenance store is data, not code, so Refinery refused it without running any of it. Unpack the workspace again from a trusted archive, or remove those objects with sqlite3 if you trust the file."
        case let .importFailed(path, reason):
            return "The provenance store \(path) from the archive cannot be copied into a clean store: \(reason). The archive is damaged or was not written by Refinery."
        }
    }

    /// What to do for the common SQLite failures: the busy case is the one users meet, when
    /// another Refinery process holds the write lock for longer than the busy timeout.
    private static func advice(for reason: String) -> String {
        let lowered = reason.lowercased()
        if lowered.contains("locked") || lowered.contains("busy") {
            return "Another process kept the store locked for more than \(Int(ProvenanceStore.busyTimeout)) s; wait for it to finish and run the command again."
        }
        if lowered.contains("disk") || lowered.contains("full") {
            return "Free some disk space and run the command again."
        }
        if lowered.contains("readonly") || lowered.contains("read-only") {
            return "Make the workspace folder and its provenance.sqlite writable."
        }
        return "If the store is damaged, restore it from a workspace archive."
    }
}
