import Foundation

/// The thin POSIX layer for member files: the only place outside the libarchive wrapper that
/// reads `errno`. Failures become `WorkspaceArchiveError.io` naming the path.
final class PosixFile {
    let fd: Int32
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        close(fd)
    }

    /// Opens an existing regular file for reading.
    static func openForReading(_ path: String) throws -> PosixFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw error(path, "cannot open") }
        return PosixFile(fd: fd, path: path)
    }

    /// Creates a new file; fails if anything, even a dangling symlink, exists at `path`.
    static func createExclusive(_ path: String, mode: mode_t) throws -> PosixFile {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw error(path, "cannot create") }
        // The umask may have cleared bits the archive asks for (0755 plugin binaries).
        guard fchmod(fd, mode) == 0 else {
            let failure = error(path, "cannot set mode")
            close(fd)
            throw failure
        }
        return PosixFile(fd: fd, path: path)
    }

    /// Size of a regular file; refuses directories, devices and FIFOs (reading a FIFO could
    /// block forever, and a device has no meaningful size).
    func regularFileSize() throws -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Self.error(path, "cannot stat") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw WorkspaceArchiveError.io(path: path, reason: "not a regular file")
        }
        return Int64(info.st_size)
    }

    /// Reads up to `buffer.count` bytes; 0 at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Foundation.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw Self.error(path, "cannot read") }
        }
    }

    /// Fills `buffer` unless the file ends first; returns the bytes read.
    func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.error(path, "cannot write")
            }
            offset += written
        }
    }

    /// What is at `path`, without following a final symlink.
    enum Kind { case none, file, directory, symlink, other }

    static func kind(_ path: String) throws -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return .none }
            throw error(path, "cannot inspect")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Creates a directory; an existing real directory is fine, anything else (a file, a
    /// symlink that could point elsewhere) is refused.
    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) == 0 { return }
        let reason = errno
        guard reason == EEXIST, try kind(path) == .directory else {
            errno = reason
            throw error(path, "cannot create directory")
        }
    }

    static func rename(_ source: String, to destination: String) throws {
        guard Foundation.rename(source, destination) == 0 else {
            throw error(destination, "cannot move \(source) into place")
        }
    }

    private static func error(_ path: String, _ action: String) -> WorkspaceArchiveError {
        .io(path: path, reason: "\(action): \(String(cString: strerror(errno)))")
    }
}
