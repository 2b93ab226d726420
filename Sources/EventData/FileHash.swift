import Crypto
import Foundation

/// SHA-256 of files and byte buffers, as lowercase hex.
public enum FileHash {
    /// Hex SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// Hex SHA-256 of `bytes`.
    public static func sha256(bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// Hex SHA-256 of the file at `url`, read in 4 MiB blocks so large samples never sit in
    /// memory twice.
    public static func sha256(file url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw EventDataError.missingFile(path: url.path)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let block: Data
            do { block = try handle.read(upToCount: 4 << 20) ?? Data() } catch {
                throw EventDataError.io(path: url.path, reason: error.localizedDescription)
            }
            if block.isEmpty { break }
            hasher.update(data: block)
        }
        return hex(hasher.finalize())
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits: [Character] = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return text
    }
}
