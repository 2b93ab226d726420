import Foundation

/// Whether SQLite's locking can be trusted on the file system holding the workspace, for
/// `cluster.store: auto`. SQLite's own documentation: WAL needs shared memory among all
/// processes, which network file systems do not provide across hosts, and their POSIX locks
/// are often broken. Detected from the type of the mount holding the workspace (the longest
/// mount point above it in `/proc/self/mounts`, Linux); elsewhere assumed local.
public enum FileSystemKind: String, Codable, Sendable {
    case local
    case network

    /// Mount types of network file systems (as `/proc/self/mounts` names them).
    static let networkTypes: Set<String> = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "afs", "ceph", "lustre", "gpfs", "glusterfs",
                                            "beegfs", "9p", "fuse.sshfs", "fuse.glusterfs", "fuse.cephfs"]

    public static func of(_ url: URL, mounts: String? = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) -> FileSystemKind {
        guard let mounts, let type = mountType(of: url.resolvingSymlinksInPath().path, mounts: mounts) else { return .local }
        return networkTypes.contains(type) ? .network : .local
    }

    /// The type of the mount whose mount point is the longest prefix of `path`. Mount points
    /// write spaces as `\040` (fstab's escaping).
    static func mountType(of path: String, mounts: String) -> String? {
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = fields[1].replacingOccurrences(of: "\\040", with: " ")
            let inside = point == "/" || path == point || path.hasPrefix(point + "/")
            if inside, point.count >= (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        return best?.type
    }
}

extension ClusterSection.StoreMode {
    /// `auto` made concrete for a workspace: journals on a network file system.
    public func resolved(for root: URL) -> ClusterSection.StoreMode {
        switch self {
        case .auto: return FileSystemKind.of(root) == .network ? .journal : .shared
        case .shared, .journal: return self
        }
    }
}
