import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A data set on disk: a folder of `.npy` columns plus `manifest.json`.
///
/// Reading a column re-hashes the file and compares with the manifest, so a truncated or
/// edited file is caught the moment it is used, with its path in the message.
public struct DataSet: Sendable {
    public let url: URL
    public let manifest: DataSetManifest

    /// Opens the data set at `url` and validates its manifest (not yet the column hashes).
    public static func open(_ url: URL) throws -> DataSet {
        let manifestURL = url.appendingPathComponent(DataSetManifest.fileName)
        guard FileManager.default.fileExists(atPath: manifestURL.path) else {
            throw EventDataError.manifest(path: manifestURL.path,
                reason: "no manifest here; is \(url.path) a data set folder written by `refinery simulate`?")
        }
        let manifest: DataSetManifest
        do {
            manifest = try JSONDecoder().decode(DataSetManifest.self, from: Data(contentsOf: manifestURL))
        } catch let error as DecodingError {
            throw EventDataError.manifest(path: manifestURL.path, reason: "malformed manifest: \(error.fieldDescription)")
        } catch {
            throw EventDataError.manifest(path: manifestURL.path, reason: error.localizedDescription)
        }
        guard manifest.format == DataSetManifest.format else {
            throw EventDataError.manifest(path: manifestURL.path,
                reason: "field 'format' is '\(manifest.format)', expected '\(DataSetManifest.format)'")
        }
        guard manifest.version == DataSetManifest.currentVersion else {
            throw EventDataError.manifest(path: manifestURL.path,
                reason: "field 'version' is \(manifest.version); this Refinery reads version \(DataSetManifest.currentVersion). Use a matching Refinery release or regenerate the data set.")
        }
        try manifest.validate(folder: url, manifestPath: manifestURL.path)
        return DataSet(url: url, manifest: manifest)
    }

    public var count: Int { manifest.count }

    /// Reads column `name` as `T`, checking dtype, shape and SHA-256 against the manifest.
    public func read<T: NpyScalar>(_ name: String, as type: T.Type = T.self) throws -> (shape: [Int], values: [T]) {
        guard let column = manifest.column(named: name) else {
            throw EventDataError.manifest(path: url.appendingPathComponent(DataSetManifest.fileName).path,
                reason: "no column '\(name)'; columns are \(manifest.columns.map(\.name).joined(separator: ", "))")
        }
        let fileURL = url.appendingPathComponent(column.file)
        guard FileManager.default.fileExists(atPath: fileURL.path) else { throw EventDataError.missingFile(path: fileURL.path) }
        if let values = try Self.readDirect(fileURL, column: column, as: type) { return (column.shape, values) }
        let data: Data
        do { data = try Data(contentsOf: fileURL) } catch {
            throw EventDataError.io(path: fileURL.path, reason: error.localizedDescription)
        }
        FileHash.HashTrace.note(fileURL)
        let actual = FileHash.sha256(data)
        guard actual == column.sha256 else {
            throw EventDataError.hashMismatch(path: fileURL.path, recorded: column.sha256, actual: actual)
        }
        let decoded = try NpyFile.decode(data, as: type, path: fileURL.path)
        guard decoded.shape == column.shape else {
            throw EventDataError.shapeMismatch(path: fileURL.path, shape: decoded.shape, expected: "\(column.shape) as in the manifest")
        }
        return decoded
    }

    /// The common case — a column of exactly `T`, little-endian, C order, as `DataSetWriter`
    /// writes it — read straight into its array in blocks while hashing, so that a column is in
    /// memory once, not twice (file bytes, then decoded values): for the 0.7 GB latent column
    /// of a paper-scale sample that halves the peak. nil: anything else, for `read`'s general
    /// path (other dtypes, byte orders, Fortran order, and every malformed file with its message).
    static func readDirect<T: NpyScalar>(_ fileURL: URL, column: DataSetManifest.Column, as _: T.Type) throws -> [T]? {
        guard let source = try DirectSource(fileURL, column: column, as: T.self) else { return nil }
        return try [T](unsafeUninitializedCapacity: source.header.count) { buffer, initialized in
            try source.fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = source.header.count
        }
    }

    /// Reads column `name` into a buffer allocated for it, which the caller owns (and
    /// deallocates): for columns that must stay at one address while a plugin holds a view of
    /// them. Checks as `read` does; the common case is read in place, any other through `read`.
    public func readBuffer<T: NpyScalar>(_ name: String, as type: T.Type = T.self) throws -> UnsafeMutableBufferPointer<T> {
        if let column = manifest.column(named: name), let source = try DirectSource(url.appendingPathComponent(column.file), column: column, as: T.self) {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(source.header.count, 1))
            do { try source.fill(UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[0..<source.header.dataBytes])) } catch {
                buffer.deallocate()
                throw error
            }
            return UnsafeMutableBufferPointer(rebasing: buffer[0..<source.header.count])
        }
        let values = try read(name, as: type).values
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(values.count, 1))
        _ = buffer.initialize(from: values)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<values.count])
    }

    /// An open `.npy` column file whose header allows the in-place read (see `readDirect`).
    struct DirectSource {
        let handle: FileHandle
        let prefix: Data
        let header: NpyFile.Header
        let fileURL: URL
        let sha256: String

        init?<T: NpyScalar>(_ fileURL: URL, column: DataSetManifest.Column, as _: T.Type) throws {
            guard let handle = FileHandle(forReadingAtPath: fileURL.path) else { return nil }
            func ioError(_ reason: String) -> EventDataError { .io(path: fileURL.path, reason: reason) }
            let size: Int
            let prefix: Data
            do {
                size = Int(try handle.seekToEnd())
                try handle.seek(toOffset: 0)
                prefix = try handle.read(upToCount: min(size, 1 << 16)) ?? Data()
            } catch {
                try? handle.close()
                throw ioError(error.localizedDescription)
            }
            guard let header = try? NpyFile.parseHeader(prefix, path: fileURL.path), let wanted = NpyDType(T.npyDescr),
                  header.dtype.sameType(as: wanted), !header.dtype.needsByteSwap, !header.fortranOrder,
                  header.shape == column.shape, header.dataOffset <= prefix.count, size - header.dataOffset == header.dataBytes,
                  header.dtype.itemSize == MemoryLayout<T>.stride else {
                try? handle.close()
                return nil
            }
            (self.handle, self.prefix, self.header, self.fileURL, sha256) = (handle, prefix, header, fileURL, column.sha256)
        }

        /// Reads the data into `destination` (`header.dataBytes` bytes) in blocks, hashing the
        /// whole file on the way, closes the file, and checks the hash against the manifest.
        func fill(_ destination: UnsafeMutableRawBufferPointer) throws {
            defer { try? handle.close() }
            precondition(destination.count >= header.dataBytes, "destination too small")
            FileHash.HashTrace.note(fileURL)
            var hasher = SHA256()
            hasher.update(data: prefix)
            if let base = destination.baseAddress {
                let inPrefix = prefix.count - header.dataOffset
                prefix.withUnsafeBytes { bytes in base.copyMemory(from: bytes.baseAddress! + header.dataOffset, byteCount: inPrefix) }
                var filled = inPrefix
                while filled < header.dataBytes {
                    let n = Glibc.read(handle.fileDescriptor, base + filled, min(8 << 20, header.dataBytes - filled))
                    if n < 0, errno == EINTR { continue }
                    guard n > 0 else {
                        throw n == 0 ? EventDataError.truncated(path: fileURL.path, expectedBytes: header.dataBytes, actualBytes: filled)
                            : EventDataError.io(path: fileURL.path, reason: String(cString: strerror(errno)))
                    }
                    hasher.update(bufferPointer: UnsafeRawBufferPointer(start: base + filled, count: n))
                    filled += n
                }
            }
            let actual = FileHash.hex(hasher.finalize())
            guard actual == sha256 else { throw EventDataError.hashMismatch(path: fileURL.path, recorded: sha256, actual: actual) }
        }
    }

    /// Re-hashes every column file; returns the paths of missing or modified files.
    public func verify() -> [EventDataError] {
        manifest.columns.compactMap { column in
            let fileURL = url.appendingPathComponent(column.file)
            guard FileManager.default.fileExists(atPath: fileURL.path) else { return .missingFile(path: fileURL.path) }
            do {
                let actual = try FileHash.sha256(file: fileURL)
                return actual == column.sha256 ? nil : .hashMismatch(path: fileURL.path, recorded: column.sha256, actual: actual)
            } catch let error as EventDataError { return error } catch { return .io(path: fileURL.path, reason: "\(error)") }
        }
    }
}

extension DecodingError {
    /// "field 'a.b.c': what was wrong", for messages that point at the offending field.
    public var fieldDescription: String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch self {
        case let .keyNotFound(key, context):
            let parent = path(context.codingPath)
            return "missing field '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)'"
        case let .typeMismatch(type, context):
            return "field '\(path(context.codingPath))' has the wrong type, expected \(type)"
        case let .valueNotFound(type, context):
            return "field '\(path(context.codingPath))' is empty, expected \(type)"
        case let .dataCorrupted(context):
            let location = path(context.codingPath)
            return (location.isEmpty ? "" : "field '\(location)': ") + context.debugDescription
        @unknown default:
            return "\(self)"
        }
    }
}
