import Dispatch
import Foundation

/// Writes a deterministic workspace archive: the manifest first, then the members sorted by
/// the UTF-8 bytes of their paths, every header field fixed by `ArchiveWriter`.
///
/// Two passes: the first hashes every member (in parallel) because the manifest, written
/// first, must hold the hashes; the second streams the members into libarchive, checking
/// each against the first pass so a file edited in between cannot slip in unrecorded.
enum Packer {
    /// Block size for reading sources: large enough that per-call overhead vanishes.
    static let blockSize = 4 << 20

    static func pack(_ request: PackRequest, to output: URL) throws -> PackResult {
        let members = try validated(request)
        let hashed = try hashAll(members, request: request)
        let manifest = ArchiveManifest(
            format: ArchiveManifest.format, version: ArchiveManifest.currentVersion,
            hostVersion: request.hostVersion, hostCommit: request.hostCommit,
            identityKeys: request.identityKeys, members: hashed,
            omitted: request.omitted.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) },
            extra: request.extra)
        try manifest.validate(archivePath: output.path)
        let manifestBytes = try manifest.encoded()

        // Write beside the output and rename at the end: a failed pack leaves no partial
        // archive under the final name.
        let temporary = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).tmp-\(getpid())")
        unlink(temporary.path)  // left by a crashed pack of this process id, if any
        let file = try PosixFile.createExclusive(temporary.path, mode: 0o644)
        var succeeded = false
        defer { if !succeeded { unlink(temporary.path) } }

        final class Digest { var hash = StreamingSHA256(); var size: Int64 = 0 }
        let digest = Digest()
        let writer = try ArchiveWriter(fd: file.fd, path: output.path, compression: request.compression) { bytes in
            digest.hash.update(bytes)
            digest.size += Int64(bytes.count)
        }
        try writer.beginFile(path: ArchiveManifest.fileName, size: Int64(manifestBytes.count), executable: false)
        try manifestBytes.withUnsafeBytes { try writer.write($0) }
        // Reading and re-hashing the sources runs on a second thread while this one formats
        // and compresses: compression is the bottleneck, as it is for tar.
        let sources = members.map { request.source(of: $0).path }
        try BlockPipeline<Int>.run(blockSize: blockSize, produce: { producer in
            for (index, recorded) in hashed.enumerated() {
                try read(sources[index], recorded: recorded, index: index, into: producer)
            }
        }, consume: { message in
            switch message {
            case let .begin(index):
                try writer.beginFile(path: hashed[index].path, size: hashed[index].size, executable: hashed[index].executable)
            case let .data(bytes):
                try writer.write(bytes)
            case .end:
                break
            }
        })
        try writer.finish()
        // No fsync, like tar: flushing a gigabyte would double the pack time; the rename still
        // guarantees no reader ever sees a partial archive under the final name.
        try PosixFile.rename(temporary.path, to: output.path)
        succeeded = true
        return PackResult(archive: output, size: digest.size, sha256: digest.hash.finalize(), manifest: manifest)
    }

    /// Members sorted by path, after checking paths are safe, unique and non-conflicting.
    private static func validated(_ request: PackRequest) throws -> [PackRequest.Member] {
        var seen = Set<String>()
        for path in request.members.map(\.path) + request.omitted.map(\.path) {
            if let problem = MemberPath.problem(path) {
                throw WorkspaceArchiveError.invalidRequest(reason: "member path '\(path)': \(problem)")
            }
            guard seen.insert(path).inserted else {
                throw WorkspaceArchiveError.invalidRequest(reason: "member path '\(path)' is listed twice")
            }
        }
        if let (file, descendant) = MemberPath.firstConflict(in: seen.sorted()) {
            throw WorkspaceArchiveError.invalidRequest(reason: "'\(file)' is a file but '\(descendant)' needs it to be a directory")
        }
        return request.members.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// Size and SHA-256 of every member, hashed concurrently: with SHA-NI one core hashes
    /// faster than the disk cache delivers, so two cores halve the first pass.
    private static func hashAll(_ members: [PackRequest.Member], request: PackRequest) throws -> [ArchiveManifest.Member] {
        final class Results: @unchecked Sendable {
            // Each iteration writes only its own slot; the lock orders those writes with the
            // read after `concurrentPerform` returns.
            let lock = NSLock()
            var slots: [Result<ArchiveManifest.Member, Error>?]
            init(count: Int) { slots = Array(repeating: nil, count: count) }
        }
        let results = Results(count: members.count)
        let sources = members.map { request.source(of: $0).path }
        let workers = min(members.count, max(1, ProcessInfo.processInfo.activeProcessorCount))
        let memberList = members
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < memberList.count {
                let member = memberList[index]
                let result = Result {
                    try withBuffer { buffer in
                        let (size, sha256) = try hash(sources[index], buffer: buffer)
                        return ArchiveManifest.Member(path: member.path, kind: member.kind, size: size,
                                                      sha256: sha256, executable: member.executable)
                    }
                }
                results.lock.withLock { results.slots[index] = result }
                index += workers
            }
        }
        return try results.lock.withLock { try results.slots.map { try $0!.get() } }
    }

    private static func hash(_ path: String, buffer: UnsafeMutableRawBufferPointer) throws -> (Int64, String) {
        let file = try PosixFile.openForReading(path)
        _ = try file.regularFileSize()
        var sha = StreamingSHA256()
        var size: Int64 = 0
        while true {
            let count = try file.read(into: buffer)
            if count == 0 { break }
            sha.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            size += Int64(count)
        }
        return (size, sha.finalize())
    }

    /// Feeds one source to the pipeline, hashing it again on the way: a file edited since the
    /// first pass fails the pack instead of contradicting the manifest.
    private static func read(_ path: String, recorded: ArchiveManifest.Member, index: Int,
                             into producer: BlockPipeline<Int>.Producer) throws {
        let file = try PosixFile.openForReading(path)
        let size = try file.regularFileSize()
        guard size == recorded.size else {
            throw WorkspaceArchiveError.sourceChanged(path: path, reason: "size \(recorded.size) became \(size)")
        }
        try producer.begin(index)
        var sha = StreamingSHA256()
        var copied: Int64 = 0
        while copied < size {
            let count = try producer.send { buffer in
                // Never more than the header promised: libarchive refuses the excess.
                let wanted = Int(min(Int64(buffer.count), size - copied))
                let count = try file.readFully(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<wanted]))
                sha.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                return count
            }
            if count == 0 {
                throw WorkspaceArchiveError.sourceChanged(path: path, reason: "it shrank from \(size) to \(copied) bytes")
            }
            copied += Int64(count)
        }
        var extra: UInt8 = 0
        if try withUnsafeMutableBytes(of: &extra, { try file.read(into: $0) }) > 0 {
            throw WorkspaceArchiveError.sourceChanged(path: path, reason: "it grew beyond \(size) bytes")
        }
        guard sha.finalize() == recorded.sha256 else {
            throw WorkspaceArchiveError.sourceChanged(path: path, reason: "its content differs from when it was hashed")
        }
        try producer.end()
    }

    /// Runs `body` with a page-aligned scratch buffer of `blockSize` bytes.
    static func withBuffer<T>(_ body: (UnsafeMutableRawBufferPointer) throws -> T) throws -> T {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 4096)
        defer { buffer.deallocate() }
        return try body(buffer)
    }
}
