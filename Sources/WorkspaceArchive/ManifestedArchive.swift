import Foundation

/// An archive opened for reading with its manifest already read and validated: the common
/// start of `verify`, `unpack` and `readManifest`.
struct ManifestedArchive {
    let reader: ArchiveReader
    let manifest: ArchiveManifest

    /// Opens `url` and reads its first entry, which must be `refinery-archive.json`.
    init(url: URL) throws {
        let reader = try ArchiveReader(url: url)
        self.reader = reader
        func refuse(_ reason: String) -> WorkspaceArchiveError {
            .notARefineryArchive(path: url.path, reason: reason)
        }
        guard let header = try reader.next() else { throw refuse("it holds no members") }
        guard header.path == ArchiveManifest.fileName, header.type == .regular else {
            throw refuse("its first member is '\(header.displayPath)', not \(ArchiveManifest.fileName)")
        }
        guard let size = header.size, size <= ArchiveManifest.maximumBytes else {
            throw refuse("\(ArchiveManifest.fileName) is larger than \(ArchiveManifest.maximumBytes) bytes")
        }
        var data = Data(count: Int(size) + 1)
        // One byte of slack shows whether the data is longer than the header claims.
        let count = try data.withUnsafeMutableBytes { raw in
            var filled = 0
            while filled < raw.count {
                let read = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                if read == 0 { break }
                filled += read
            }
            return filled
        }
        guard count == Int(size) else { throw refuse("\(ArchiveManifest.fileName) is truncated") }
        manifest = try ArchiveManifest.decode(data.prefix(count), archivePath: url.path)
    }
}
