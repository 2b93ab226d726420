import Crypto
import Foundation

/// Collects the columns of a data set and writes them as one folder, atomically: the folder
/// is staged next to its destination and renamed into place only when complete.
public struct DataSetWriter {
    public var name: String
    public var kind: String
    public var seed: UInt64?
    public var configuration: JSONValue
    public var attributes: [String: JSONValue] = [:]
    public private(set) var count: Int
    /// Each column's header and a way to pass its values' bytes on: the values stay in their
    /// array until `write`, never copied into a file image (that doubled a sample's memory).
    private var pending: [(column: DataSetManifest.Column, header: [UInt8], bytes: Payload)] = []
    typealias Payload = ((UnsafeRawBufferPointer) throws -> Void) throws -> Void

    public init(name: String, kind: String, count: Int, seed: UInt64?, configuration: JSONValue) {
        self.name = name
        self.kind = kind
        self.count = count
        self.seed = seed
        self.configuration = configuration
    }

    /// Adds a column. `shape[0]` must be the event count; `names`/`units` label the last axis.
    public mutating func add<T: NpyScalar>(_ name: String, values: [T], shape: [Int], names: [String]? = nil,
                                           units: [String]? = nil, description: String) {
        precondition(shape.first == count, "column \(name) has \(shape.first ?? -1) rows, data set has \(count)")
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
        // The file is the header, then the values' bytes (NpyFile.encode's layout).
        let header = NpyFile.header(T.self, shape: shape)
        var hasher = SHA256()
        hasher.update(data: header)
        values.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        let column = DataSetManifest.Column(name: name, file: "\(name).npy", dtype: T.npyDescr, shape: shape,
                                            names: names, units: units, description: description,
                                            sha256: FileHash.hex(hasher.finalize()))
        pending.append((column, header, { emit in try values.withUnsafeBytes { try emit($0) } }))
    }

    /// The manifest that `write` will record.
    public var manifest: DataSetManifest {
        DataSetManifest(format: DataSetManifest.format, version: DataSetManifest.currentVersion, name: name,
                        kind: kind, count: count, seed: seed, configuration: configuration,
                        attributes: attributes, columns: pending.map(\.column))
    }

    /// Writes the data set to `url`. Refuses to replace an existing folder unless `overwrite`.
    @discardableResult
    public func write(to url: URL, overwrite: Bool) throws -> DataSetManifest {
        let fm = FileManager.default
        if fm.fileExists(atPath: url.path), !overwrite { throw EventDataError.outputExists(path: url.path) }
        let parent = url.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(url.lastPathComponent).staging-\(getpid())")
        do {
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw EventDataError.io(path: staging.path, reason: "cannot create: \(error.localizedDescription)")
        }
        do {
            for (column, header, bytes) in pending {
                try AtomicFile.write(to: staging.appendingPathComponent(column.file)) { emit in
                    try header.withUnsafeBytes { try emit($0) }
                    try bytes(emit)
                }
            }
            let manifest = self.manifest
            try AtomicFile.write(JSONEncoder.refinery.encode(manifest), to: staging.appendingPathComponent(DataSetManifest.fileName))
            try AtomicFile.replaceDirectory(url, with: staging)
            return manifest
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }
}
