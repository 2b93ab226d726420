import CArchive
import Foundation

/// The read half of the thin libarchive layer: walks the entries of a tar stream (zstd, gzip
/// or uncompressed) and reads their data. Together with `ArchiveWriter`, the only code that
/// reads libarchive status codes; failures become `WorkspaceArchiveError.libarchive`.
///
/// It never writes to disk: callers decide what to do with each entry.
final class ArchiveReader {
    /// What libarchive reports about one entry, before any of its data is read.
    struct Header {
        /// The entry path, or nil when its bytes are not valid UTF-8.
        var path: String?
        /// The path for messages: the UTF-8 path, or a lossy rendering of the raw bytes.
        var displayPath: String
        var type: EntryType
        /// The size the header declares, if any.
        var size: Int64?
        var permissions: UInt32
    }

    enum EntryType: Equatable {
        case regular
        case directory
        case symlink(target: String)
        case hardlink(target: String)
        case characterDevice
        case blockDevice
        case fifo
        case socket
        case unknown(mode: UInt32)
    }

    private let archive: OpaquePointer
    private let path: String

    /// Opens `url` for reading, accepting only tar formats behind zstd, gzip or no filter: a
    /// workspace archive is never anything else, and fewer parsers mean less attack surface.
    init(url: URL, blockSize: Int = 1 << 20) throws {
        guard let archive = archive_read_new() else {
            throw WorkspaceArchiveError.libarchive(path: url.path, operation: "archive_read_new", message: "out of memory")
        }
        self.archive = archive
        self.path = url.path
        try check(archive_read_support_filter_zstd(archive), "support_filter_zstd")
        try check(archive_read_support_filter_gzip(archive), "support_filter_gzip")
        try check(archive_read_support_format_tar(archive), "support_format_tar")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw WorkspaceArchiveError.io(path: url.path, reason: "no such file")
        }
        try check(archive_read_open_filename(archive, url.path, blockSize), "open")
    }

    deinit {
        archive_read_free(archive)
    }

    /// The next entry's header, or nil at the end of the archive.
    func next() throws -> Header? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return nil }
        // ARCHIVE_WARN on read is a recoverable oddity (e.g. a name in another charset); the
        // entry is still checked field by field below.
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
            throw failure("read_next_header", status: status)
        }
        let (memberPath, displayPath) = Self.pathname(entry)
        return Header(path: memberPath, displayPath: displayPath, type: Self.entryType(entry),
                      size: archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil,
                      permissions: UInt32(archive_entry_perm(entry)))
    }

    /// Reads up to `buffer.count` bytes of the current entry's data; 0 at its end. Holes of
    /// sparse entries come back as zeros, so the count is the logical size.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = archive_read_data(archive, buffer.baseAddress, buffer.count)
        guard count >= 0 else { throw failure("read_data", status: Int32(count)) }
        return count
    }

    /// Skips the rest of the current entry's data.
    func skip() throws {
        try check(archive_read_data_skip(archive), "read_data_skip")
    }

    private static func pathname(_ entry: OpaquePointer) -> (String?, String) {
        if let utf8 = archive_entry_pathname_utf8(entry), let text = String(validatingCString: utf8) {
            return (text, text)
        }
        guard let raw = archive_entry_pathname(entry) else { return ("", "") }
        if let text = String(validatingCString: raw) { return (text, text) }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
        return (nil, String(decoding: bytes, as: UTF8.self))
    }

    private static func entryType(_ entry: OpaquePointer) -> EntryType {
        // Tar stores hard links with a regular-file type and a link name: check it first.
        if let target = archive_entry_hardlink(entry) {
            return .hardlink(target: String(cString: target))
        }
        let type = Int(archive_entry_filetype(entry)) & LibArchiveFileType.mask
        switch type {
        case LibArchiveFileType.regular: return .regular
        case LibArchiveFileType.directory: return .directory
        case LibArchiveFileType.symlink:
            return .symlink(target: archive_entry_symlink(entry).map { String(cString: $0) } ?? "")
        case LibArchiveFileType.characterDevice: return .characterDevice
        case LibArchiveFileType.blockDevice: return .blockDevice
        case LibArchiveFileType.fifo: return .fifo
        case LibArchiveFileType.socket: return .socket
        default: return .unknown(mode: UInt32(type))
        }
    }

    private func check(_ status: Int32, _ operation: String) throws {
        guard status == ARCHIVE_OK else { throw failure(operation, status: status) }
    }

    private func failure(_ operation: String, status: Int32) -> WorkspaceArchiveError {
        let message = archive_error_string(archive).map { String(cString: $0) } ?? "status \(status)"
        return .libarchive(path: path, operation: operation, message: message)
    }
}
