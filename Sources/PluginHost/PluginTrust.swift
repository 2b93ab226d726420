import EventData
import Foundation

/// Which plugin binaries may run. A binary that came from a workspace archive (someone
/// else's native code) runs only with the user's consent (`--trust-archived-plugins`).
///
/// A binary is *archived* when it lies inside a workspace that was unpacked from an archive
/// and its SHA-256 equals that of a file the archive carried (`ArchivedBinaries`). Both are
/// needed: the bundled plugins packed into an archive have the bundled binaries' hashes, and
/// the bundled ones, outside the workspace, stay trusted.
public struct PluginTrust: Sendable, Equatable {
    /// The workspace the archived hashes belong to.
    public var workspaceRoot: URL?
    /// SHA-256 of every file the workspace's archive carried.
    public var archivedSHA256: Set<String>
    /// The user's consent to run archived binaries.
    public var allowArchived: Bool

    /// Trusts everything (no workspace, or one created here).
    public static let none = PluginTrust(workspaceRoot: nil, archivedSHA256: [], allowArchived: true)

    public init(workspaceRoot: URL?, archivedSHA256: Set<String>, allowArchived: Bool) {
        self.workspaceRoot = workspaceRoot
        self.archivedSHA256 = archivedSHA256
        self.allowArchived = allowArchived
    }

    /// The policy for a workspace: reads its archived-binaries record, if it has one.
    /// `REFINERY_TRUST_ARCHIVED_PLUGINS=1` in the environment is consent too, for commands
    /// that do not (yet) take `--trust-archived-plugins`.
    public init(workspaceRoot: URL?, allowArchived: Bool,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(workspaceRoot: workspaceRoot,
                  archivedSHA256: workspaceRoot.map { ArchivedBinaries.read(in: $0) } ?? [],
                  allowArchived: allowArchived || environment[Self.consentVariable] == "1")
    }

    public static let consentVariable = "REFINERY_TRUST_ARCHIVED_PLUGINS"

    /// Whether the binary at `url` came from the workspace's archive.
    public func isArchived(_ url: URL, sha256: String? = nil) -> Bool {
        guard let workspaceRoot, !archivedSHA256.isEmpty else { return false }
        let root = workspaceRoot.resolvingSymlinksInPath().path + "/"
        guard url.resolvingSymlinksInPath().path.hasPrefix(root) else { return false }
        if archivedSHA256.contains(ArchivedBinaries.unreadable) { return true }
        guard let hash = sha256 ?? (try? FileHash.sha256(file: url)) else { return true }
        return archivedSHA256.contains(hash)
    }

    /// Throws unless the binary may be executed.
    public func check(_ url: URL) throws {
        // Only a binary inside an unpacked workspace can be archived: others are not re-hashed.
        guard !allowArchived, let workspaceRoot, !archivedSHA256.isEmpty,
              url.resolvingSymlinksInPath().path.hasPrefix(workspaceRoot.resolvingSymlinksInPath().path + "/") else { return }
        let hash = (try? FileHash.sha256(file: url)) ?? "unreadable"
        if isArchived(url, sha256: hash) { throw PluginHostError.archivedNotTrusted(path: url.path, sha256: hash) }
    }
}
