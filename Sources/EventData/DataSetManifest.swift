import Foundation

/// The manifest of a data set folder (`manifest.json`), schema `refinery-dataset` version 1.
///
/// It lists every column file with its element type, shape, per-column names and units and
/// SHA-256, plus the seed and configuration that produced the data. It holds no time stamps,
/// so the same configuration and seed give byte-identical manifests.
public struct DataSetManifest: Codable, Equatable, Sendable {
    public static let format = "refinery-dataset"
    public static let currentVersion = 1
    public static let fileName = "manifest.json"

    /// One `.npy` file of the data set.
    public struct Column: Codable, Equatable, Sendable {
        public var name: String
        public var file: String
        public var dtype: String
        public var shape: [Int]
        /// Names of the columns along the last axis of a 2-D array (nil for 1-D arrays).
        public var names: [String]?
        /// Units of those columns ("" for dimensionless).
        public var units: [String]?
        public var description: String
        public var sha256: String
    }

    public var format: String
    public var version: Int
    public var name: String
    /// "sample" for simulated samples, "synthetic" for plugin-made data sets D(ν).
    public var kind: String
    public var count: Int
    public var seed: UInt64?
    public var configuration: JSONValue
    /// Scalars a reader needs (e.g. `crossSectionPb`, `generatedEvents`, `nu`).
    public var attributes: [String: JSONValue]
    public var columns: [Column]

    public func column(named name: String) -> Column? { columns.first { $0.name == name } }
}
