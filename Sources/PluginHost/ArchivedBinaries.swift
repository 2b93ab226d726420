import EventData
import Foundation

/// The record, written by `unpack` and `reproduce` after an archive's files are in place, of
/// the SHA-256 of every file the archive carried: `<workspace>/.refinery-archived.json`.
///
/// All files, not only those of kind "plugin": an archive may label a shared library as
/// anything and put it anywhere. The record is written after extraction, replacing whatever
/// the archive may have carried under the same name.
public enum ArchivedBinaries {
    public static let fileName = ".refinery-archived.json"
    /// Stands for "the record exists but cannot be read".
    static let unreadable = "unreadable"

    struct Record: Codable {
        var format = "refinery-archived-files"
        var version = 1
        var archiveSHA256: String?
        var sha256: [String]
    }

    public static func record(_ hashes: [String], archiveSHA256: String?, in root: URL) throws {
        let record = Record(archiveSHA256: archiveSHA256, sha256: Array(Set(hashes)).sorted())
        try AtomicFile.write(JSONEncoder.refinery.encode(record), to: root.appendingPathComponent(fileName))
    }

    /// The recorded hashes; empty for a workspace that was never unpacked. A record that
    /// cannot be read makes every workspace binary count as archived (the safe side).
    public static func read(in root: URL) -> Set<String> {
        let url = root.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        guard let data = try? Data(contentsOf: url), let record = try? JSONDecoder().decode(Record.self, from: data) else {
            return [unreadable]
        }
        return Set(record.sha256)
    }
}
