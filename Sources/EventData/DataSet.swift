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
        guard let handle = FileHandle(forReadingAtPath: fileURL.path) else { return nil }
        defer { try? handle.close() }
        func ioError(_ reason: String) -> EventDataError { .io(path: fileURL.path, reason: reason) }
        let size: Int
        do { size = Int(try handle.seekToEnd()); try handle.seek(toOffset: 0) } catch { throw ioError(error.localizedDescription) }
        let prefix: Data
        do { prefix = try handle.read(upToCount: min(size, 1 << 16)) ?? Data() } catch { throw ioError(error.localizedDescription) }
        guard let header = try? NpyFile.parseHeader(prefix, path: fileURL.path), let wanted = NpyDType(T.npyDescr),
              header.dtype.sameType(as: wanted), !header.dtype.needsByteSwap, !header.fortranOrder,
              header.shape == column.shape, header.dataOffset <= prefix.count, size - header.dataOffset == header.dataBytes,
              header.dtype.itemSize == MemoryLayout<T>.stride else { return nil }
        var hasher = SHA256()
        hasher.update(data: prefix)
        let values = try [T](unsafeUninitializedCapacity: header.count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            guard raw.baseAddress != nil else { initialized = 0; return }
            let inPrefix = prefix.count - header.dataOffset
            prefix.withUnsafeBytes { bytes in
                raw.baseAddress!.copyMemory(from: bytes.baseAddress! + header.dataOffset, byteCount: inPrefix)
            }
            var filled = inPrefix
            while filled < header.dataBytes {
                let n = Glibc.read(handle.fileDescriptor, raw.baseAddress! + filled, min(8 << 20, header.dataBytes - filled))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    throw n == 0 ? EventDataError.truncated(path: fileURL.path, expectedBytes: header.dataBytes, actualBytes: filled)
                        : ioError(String(cString: strerror(errno)))
                }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[filled..<(filled + n)]))
                filled += n
            }
            initialized = header.count
        }
        let actual = FileHash.hex(hasher.finalize())
        guard actual == column.sha256 else {
            throw EventDataError.hashMismatch(path: fileURL.path, recorded: column.sha256, actual: actual)
        }
        return values
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
