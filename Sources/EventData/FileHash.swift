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
        HashTrace.note(url)
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

    /// With `REFINERY_HASH_TRACE=<file>` in the environment, every file hashed (on its own or
    /// while a column is read) is appended to that file as "<pid> <path>": the tests count how
    /// often a step reads its inputs.
    enum HashTrace {
        static let path = ProcessInfo.processInfo.environment["REFINERY_HASH_TRACE"]

        static func note(_ url: URL) {
            guard let path, let handle = FileHandle(forWritingAtPath: path) else { return }
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            handle.write(Data("\(getpid()) \(url.standardizedFileURL.path)\n".utf8))
        }
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
