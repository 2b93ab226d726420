import Foundation

/// The workspace's commit lock (`.refinery.lock`, an advisory `flock`): steps hold it shared
/// while they commit — record their outputs and move them under their final names — and `pack`
/// holds it exclusively while it snapshots the store and reads the files, so an archive never
/// holds a folder that a running step is replacing, nor a file whose record it lacks
/// (docs/security.md, "Consistency"). Commits of concurrent steps do not exclude each other.
/// The lock is released when the process ends, however it ends.
public enum CommitLock {
    public enum Mode: Sendable { case shared, exclusive }

    /// Runs `body` holding the lock in `mode`, waiting for it as long as it takes.
    public static func with<T>(_ layout: WorkspaceLayout, _ mode: Mode, _ body: () throws -> T) throws -> T {
        let path = layout.commitLock.path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw WorkspaceError.io(path: path, reason: "cannot open the workspace's commit lock: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        while flock(fd, mode == .shared ? LOCK_SH : LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw WorkspaceError.io(path: path, reason: "cannot take the workspace's commit lock: \(String(cString: strerror(errno)))")
            }
        }
        return try body()
    }
}
