import Foundation

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
