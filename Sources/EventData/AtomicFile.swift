import CFileExchange
import Foundation

/// Atomic writes: a crash never leaves a half-written artifact under its final name.
public enum AtomicFile {
    /// Writes `data` to a temporary file in the same directory, flushes it, then renames it
    /// over `url` (rename is atomic within one file system).
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { emit in try data.withUnsafeBytes { try emit($0) } }
    }

    /// `write(_:to:)` for contents made of parts: `body` passes each to `emit`, in order, and
    /// none of them is copied into one buffer first (a column of a paper-scale sample is
    /// written from its array).
    public static func write(to url: URL, _ body: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw EventDataError.io(path: directory.path, reason: "cannot create directory: \(error.localizedDescription)")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw EventDataError.io(path: temporary.path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        struct WriteFailure: Error { var reason: String }
        var failure: String?
        do {
            try body { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw WriteFailure(reason: String(cString: strerror(errno)))
                    }
                    offset += written
                }
            }
        } catch let error as WriteFailure {
            failure = error.reason
        } catch {
            close(fd)
            unlink(temporary.path)
            throw error
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if let failure {
            unlink(temporary.path)
            throw EventDataError.io(path: url.path, reason: "write failed: \(failure)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw EventDataError.io(path: url.path, reason: "rename failed: \(reason)")
        }
    }

    /// Replaces directory `destination` by `staged` (a complete directory written next to it),
    /// atomically: at every moment `destination` is either the whole old directory or the whole
    /// new one, so a kill never leaves it missing or mixed. Where the kernel exchanges the two
    /// names in one step (Linux `RENAME_EXCHANGE`), it does; elsewhere the old directory is
    /// moved aside first (a kill between the two renames leaves it, whole, beside the
    /// destination) and removed only after the rename.
    public static func replaceDirectory(_ destination: URL, with staged: URL) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: destination.path) else {
            guard rename(staged.path, destination.path) == 0 else {
                throw EventDataError.io(path: destination.path, reason: "rename failed: \(String(cString: strerror(errno)))")
            }
            return
        }
        if refinery_exchange_paths(staged.path, destination.path) == 0 {
            // `staged` now names the old directory.
            try? fm.removeItem(at: staged)
            return
        }
        guard errno == EINVAL || errno == ENOSYS || errno == ENOTSUP else {
            throw EventDataError.io(path: destination.path, reason: "cannot exchange with \(staged.lastPathComponent): \(String(cString: strerror(errno)))")
        }
        let old = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).old-\(getpid())")
        try? fm.removeItem(at: old)
        guard rename(destination.path, old.path) == 0 else {
            throw EventDataError.io(path: destination.path, reason: "cannot move aside: \(String(cString: strerror(errno)))")
        }
        guard rename(staged.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(old.path, destination.path)
            throw EventDataError.io(path: destination.path, reason: "rename failed: \(reason)")
        }
        try? fm.removeItem(at: old)
    }
}
