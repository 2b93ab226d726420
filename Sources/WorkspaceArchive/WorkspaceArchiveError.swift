import Foundation

/// Errors raised while packing, verifying or unpacking a workspace archive. Every case names
/// the archive, member or file involved and says what to do about it.
public enum WorkspaceArchiveError: LocalizedError, Equatable, Sendable {
    /// libarchive reported a failure; `operation` is the call that failed, `message` is
    /// libarchive's own `archive_error_string`.
    case libarchive(path: String, operation: String, message: String)
    /// Reading or writing a file outside libarchive failed.
    case io(path: String, reason: String)
    /// The archive does not start with a Refinery manifest, or the manifest is not valid JSON
    /// of the `refinery-archive` schema.
    case notARefineryArchive(path: String, reason: String)
    /// The manifest declares a schema version this build does not read.
    case unsupportedManifestVersion(path: String, found: Int, supported: Int)
    /// The manifest is well-formed JSON but inconsistent (bad path, bad hash, duplicate entry).
    case invalidManifest(path: String, reason: String)
    /// A member of the archive was refused; `problem` says why.
    case memberRejected(member: String, problem: MemberProblem)
    /// Members listed in the manifest never appeared in the archive.
    case missingMembers([String])
    /// Unpacking would write more than `limit` bytes; `member` is where the limit was crossed.
    case expansionLimitExceeded(member: String, limit: Int64)
    /// The unpack target exists and is not empty (pass `force` to unpack into it anyway).
    case destinationNotEmpty(path: String)
    /// A file that unpacking would create already exists (pass `force` to replace it).
    case fileExists(path: String)
    /// A pack request is inconsistent (duplicate or unsafe member paths, missing source).
    case invalidRequest(reason: String)
    /// A source file changed between hashing and archiving it.
    case sourceChanged(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .libarchive(path, operation, message):
            return "\(path): libarchive \(operation) failed: \(message)"
        case let .io(path, reason):
            return "\(path): \(reason)"
        case let .notARefineryArchive(path, reason):
            return "\(path) is not a Refinery workspace archive: \(reason). Create archives with `refinery pack`."
        case let .unsupportedManifestVersion(path, found, supported):
            return "\(path) has manifest version \(found); this Refinery reads version \(supported). Use a Refinery release that supports version \(found)."
        case let .invalidManifest(path, reason):
            return "\(path): invalid manifest \(ArchiveManifest.fileName): \(reason). The archive is damaged; re-create it with `refinery pack`."
        case let .memberRejected(member, problem):
            return "member '\(member)' refused: \(problem.description)"
        case let .missingMembers(members):
            let shown = members.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            let more = members.count > 5 ? " and \(members.count - 5) more" : ""
            return "the manifest lists \(shown)\(more) but the archive does not contain \(members.count == 1 ? "it" : "them"). The archive is truncated or was altered; re-create it with `refinery pack`."
        case let .expansionLimitExceeded(member, limit):
            return "member '\(member)' would take the unpacked size beyond the limit of \(limit) bytes (by default \(UnpackOptions.defaultExpansionFactor) times the archive's size, at least 1 GiB). Raise the limit (--max-bytes) if you trust this archive."
        case let .destinationNotEmpty(path):
            return "\(path) exists and is not empty. Unpack into a new directory, or pass --force."
        case let .fileExists(path):
            return "\(path) already exists. Pass --force to overwrite it."
        case let .invalidRequest(reason):
            return "cannot pack: \(reason)"
        case let .sourceChanged(path, reason):
            return "\(path) changed while it was being packed (\(reason)). Pack again when the workspace is idle."
        }
    }
}
