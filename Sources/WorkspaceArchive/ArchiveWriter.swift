import CArchive
import Foundation

/// The write half of the thin libarchive layer: a pax-restricted tar stream through a zstd or
/// gzip filter into a file descriptor. With `ArchiveReader`, the only code that calls
/// libarchive's write functions or reads its status codes; failures become
/// `WorkspaceArchiveError.libarchive` carrying `archive_error_string`.
///
/// Every header field that could vary between runs or machines is fixed here: mtime, owner,
/// group, names, and no atime/ctime, so equal content gives equal bytes.
final class ArchiveWriter {
    /// 2000-01-01T00:00:00Z: a fixed, unremarkable mtime for every member (tools warn on 0).
    static let fixedModificationTime = 946_684_800

    private let archive: OpaquePointer
    private let sink: Sink
    private let path: String

    /// Opens a writer on `fd` (owned by the caller); `path` is used only in error messages.
    /// `observe` sees every byte of the compressed archive, in order.
    init(fd: Int32, path: String, compression: PackRequest.Compression,
         observe: @escaping (UnsafeRawBufferPointer) -> Void) throws {
        guard let archive = archive_write_new() else {
            throw WorkspaceArchiveError.libarchive(path: path, operation: "archive_write_new", message: "out of memory")
        }
        self.archive = archive
        self.path = path
        self.sink = Sink(fd: fd, observe: observe)
        try check(archive_write_set_format_pax_restricted(archive), "set_format_pax_restricted")
        // Paths are stored as their raw UTF-8 bytes, marked `hdrcharset=BINARY` in pax headers.
        // libarchive would otherwise convert them through the process locale, which is "C" in
        // a Swift program: non-ASCII names then fail to convert (or crash libarchive 3.6 in
        // write_header), and the bytes would depend on the machine's locale.
        try check(archive_write_set_format_option(archive, "pax", "hdrcharset", "BINARY"), "pax hdrcharset")
        // No padding after the compressed stream: tape-style padding of the last 10 KiB block
        // appends zeros that zstd readers take for a corrupt next frame.
        try check(archive_write_set_bytes_in_last_block(archive, 1), "set_bytes_in_last_block")
        let level = String(compression.level)
        switch compression.algorithm {
        case .zstd:
            try check(archive_write_add_filter_zstd(archive), "add_filter_zstd")
            try check(archive_write_set_filter_option(archive, "zstd", "compression-level", level), "zstd compression-level")
            // zstd's multi-threaded output depends only on its parameters, not on the worker
            // count or scheduling (tested), so any count ≥ 1 gives the same archive.
            if compression.threads > 0 {
                try check(archive_write_set_filter_option(archive, "zstd", "threads", String(compression.threads)), "zstd threads")
            }
        case .gzip:
            try check(archive_write_add_filter_gzip(archive), "add_filter_gzip")
            try check(archive_write_set_filter_option(archive, "gzip", "compression-level", level), "gzip compression-level")
            // A nil value turns the option off: no mtime in the gzip header (and libarchive
            // writes no original file name unless asked).
            try check(archive_write_set_filter_option(archive, "gzip", "timestamp", nil), "gzip !timestamp")
        }
        let context = Unmanaged.passUnretained(sink).toOpaque()
        try check(archive_write_open2(archive, context, nil, { _, context, buffer, length in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            return sink.append(buffer, length) ? length : -1
        }, nil, nil), "open")
    }

    deinit {
        archive_write_free(archive)
    }

    /// Starts a regular-file member of `size` bytes; its data follows through `write`.
    func beginFile(path memberPath: String, size: Int64, executable: Bool) throws {
        guard let entry = archive_entry_new() else {
            throw WorkspaceArchiveError.libarchive(path: path, operation: "archive_entry_new", message: "out of memory")
        }
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, memberPath)
        archive_entry_set_filetype(entry, UInt32(LibArchiveFileType.regular))
        archive_entry_set_perm(entry, executable ? 0o755 : 0o644)
        archive_entry_set_size(entry, size)
        archive_entry_set_mtime(entry, ArchiveWriter.fixedModificationTime, 0)
        archive_entry_set_uid(entry, 0)
        archive_entry_set_gid(entry, 0)
        try check(archive_write_header(archive, entry), "write_header '\(memberPath)'")
    }

    /// Appends `bytes` to the current member.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let written = archive_write_data(archive, base + offset, bytes.count - offset)
            guard written > 0 else { throw failure("write_data", status: Int32(written)) }
            offset += written
        }
    }

    /// Writes the tar trailer, flushes the compressor and the output buffer.
    func finish() throws {
        try check(archive_write_close(archive), "close")
        guard sink.flush() else { throw failure("close", status: ARCHIVE_FATAL) }
    }

    private func check(_ status: Int32, _ operation: String) throws {
        // ARCHIVE_WARN on write means libarchive stored something other than what it was
        // given (e.g. a truncated name): a reproducibility and correctness failure here.
        guard status == ARCHIVE_OK else { throw failure(operation, status: status) }
    }

    private func failure(_ operation: String, status: Int32) -> WorkspaceArchiveError {
        if let ioFailure = sink.failure {
            return .io(path: path, reason: "cannot write: \(ioFailure)")
        }
        let message = archive_error_string(archive).map { String(cString: $0) } ?? "status \(status)"
        return .libarchive(path: path, operation: operation, message: message)
    }
}

extension ArchiveWriter {
    /// Receives the compressed bytes libarchive emits (in blocks of about 10 KiB), gathers
    /// them into 1 MiB writes, and hands those to `observe`: one write(2) per libarchive block
    /// cost more than compressing.
    private final class Sink {
        let fd: Int32
        let observe: (UnsafeRawBufferPointer) -> Void
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
        var filled = 0
        var failure: String?

        init(fd: Int32, observe: @escaping (UnsafeRawBufferPointer) -> Void) {
            self.fd = fd
            self.observe = observe
        }

        deinit {
            buffer.deallocate()
        }

        /// Appends `length` bytes at `source`, writing out full buffers; false on I/O failure.
        func append(_ source: UnsafeRawPointer?, _ length: Int) -> Bool {
            guard let source else { return true }
            var offset = 0
            while offset < length {
                let count = min(buffer.count - filled, length - offset)
                memcpy(buffer.baseAddress! + filled, source + offset, count)
                filled += count
                offset += count
                if filled == buffer.count, !flush() { return false }
            }
            return true
        }

        /// Writes out what is buffered; false on I/O failure (the reason is in `failure`).
        func flush() -> Bool {
            guard filled > 0 else { return true }
            let bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: filled)
            var offset = 0
            while offset < filled {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, filled - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return false
                }
                offset += written
            }
            observe(bytes)
            filled = 0
            return true
        }
    }
}

/// libarchive's `AE_IF*` file-type constants: the C macros contain casts, so Swift does not
/// import them.
enum LibArchiveFileType {
    static let mask = 0o170000
    static let regular = 0o100000
    static let symlink = 0o120000
    static let socket = 0o140000
    static let characterDevice = 0o020000
    static let blockDevice = 0o060000
    static let directory = 0o040000
    static let fifo = 0o010000
}
