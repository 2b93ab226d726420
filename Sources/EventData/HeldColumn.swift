import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A column kept at one address for as long as a plugin may hold a view of it
/// (`DataSet.holdColumn`): memory-mapped read-only when the file is a plain column of `T`,
/// otherwise read into a buffer of its own. Released with the value.
public final class HeldColumn<T: NpyScalar>: @unchecked Sendable {
    public let values: UnsafeBufferPointer<T>
    private let release: () -> Void

    init(values: UnsafeBufferPointer<T>, release: @escaping () -> Void) {
        self.values = values
        self.release = release
    }

    deinit { release() }
}

extension DataSet {
    /// Column `name`, checked against the manifest's SHA-256, for a plugin's view.
    ///
    /// The common case (exactly `T`, little-endian, C order, as `DataSetWriter` writes it) is
    /// verified by reading the file once in blocks — through the page cache, never into this
    /// process's memory — and then mapped read-only: the pages a plugin never reads cost no
    /// memory (a two-point plugin reads none of the nominal's 0.7 GB latent column), and no
    /// column is held twice. A file changed after the check and before the plugin reads it is
    /// not seen by the check (the same holds of any file read after it was hashed); a file
    /// truncated meanwhile makes the worker fail, never the host. Any other file: `readBuffer`.
    public func holdColumn<T: NpyScalar>(_ name: String, as type: T.Type = T.self) throws -> HeldColumn<T> {
        if let column = manifest.column(named: name),
           let source = try DirectSource(url.appendingPathComponent(column.file), column: column, as: T.self) {
            defer { try? source.handle.close() }
            guard source.header.dataOffset % MemoryLayout<T>.alignment == 0, source.header.count > 0 else {
                return try copied(name, as: type)
            }
            try source.verify()
            let length = source.header.dataOffset + source.header.dataBytes
            guard let base = mmap(nil, length, PROT_READ, MAP_PRIVATE, source.handle.fileDescriptor, 0), base != MAP_FAILED else {
                throw EventDataError.io(path: source.fileURL.path, reason: "cannot map: \(String(cString: strerror(errno)))")
            }
            let values = UnsafeBufferPointer(start: (base + source.header.dataOffset).assumingMemoryBound(to: T.self),
                                             count: source.header.count)
            return HeldColumn(values: values, release: { munmap(base, length) })
        }
        return try copied(name, as: type)
    }

    private func copied<T: NpyScalar>(_ name: String, as type: T.Type) throws -> HeldColumn<T> {
        let buffer = try readBuffer(name, as: type)
        return HeldColumn(values: UnsafeBufferPointer(buffer), release: { buffer.baseAddress?.deallocate() })
    }
}

extension DataSet.DirectSource {
    /// Hashes the whole file in blocks (without keeping it) and checks the manifest's SHA-256.
    func verify() throws {
        var hasher = SHA256()
        hasher.update(data: prefix)
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 8 << 20, alignment: 64)
        defer { block.deallocate() }
        var remaining = header.dataOffset + header.dataBytes - prefix.count
        while remaining > 0 {
            let n = Glibc.read(handle.fileDescriptor, block.baseAddress!, min(block.count, remaining))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                throw n == 0 ? EventDataError.truncated(path: fileURL.path, expectedBytes: header.dataBytes,
                                                        actualBytes: header.dataBytes - remaining)
                    : EventDataError.io(path: fileURL.path, reason: String(cString: strerror(errno)))
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: block.baseAddress!, count: n))
            remaining -= n
        }
        let actual = FileHash.hex(hasher.finalize())
        guard actual == sha256 else { throw EventDataError.hashMismatch(path: fileURL.path, recorded: sha256, actual: actual) }
    }
}
