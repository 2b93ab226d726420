import Foundation

/// Checks an archive against its manifest by streaming it once: every entry is admitted by
/// `MemberChecker`, hashed in memory and compared, and nothing touches the disk.
///
/// Unlike `Unpacker` it does not stop at the first problem: the report lists every member.
/// A second thread decompresses and admits entries while this one hashes.
enum Verifier {
    /// What the reading thread tells the hashing thread about each entry.
    private enum Event {
        /// An admitted member; its data follows.
        case member(ArchiveManifest.Member)
        /// A finished report line (a refused entry, or a read failure); no data follows.
        case line(VerifyReport.MemberReport)
    }

    static func verify(_ url: URL) throws -> VerifyReport {
        let archive = try ManifestedArchive(url: url)
        let manifest = archive.manifest
        let reader = UncheckedSendable(archive.reader)
        let listed = Dictionary(uniqueKeysWithValues: manifest.members.map { ($0.path, $0) })
        final class Unseen: @unchecked Sendable { var members: [ArchiveManifest.Member] = [] }  // read after `run` returns
        let unseen = Unseen()
        var lines: [VerifyReport.MemberReport] = []
        var current: (member: ArchiveManifest.Member, sha: StreamingSHA256, size: Int64)?

        try BlockPipeline<Event>.run(blockSize: 1 << 20, produce: { producer in
            var checker = MemberChecker(manifest: manifest)
            defer { unseen.members = checker.unseen }
            while true {
                let header: ArchiveReader.Header?
                do { header = try reader.value.next() } catch {
                    // The stream itself is broken (truncated, corrupt): what follows is
                    // unknowable, and the members not yet seen are reported missing.
                    try producer.begin(.line(.init(path: "(archive stream)", member: nil, problem: .unreadable(message(error)))))
                    return
                }
                guard let header else { return }
                switch checker.admit(header) {
                case let .failure(problem):
                    let member = header.path.flatMap { listed[$0] }
                    try producer.begin(.line(.init(path: header.displayPath, member: member, problem: problem)))
                case let .success(member):
                    try producer.begin(.member(member))
                    do {
                        while try producer.send({ try reader.value.read(into: $0) }) > 0 {}
                    } catch let error as BlockPipeline<Event>.Stopped {
                        throw error
                    } catch {
                        // Replaces the member's partial data with an "unreadable" line.
                        try producer.begin(.line(.init(path: member.path, member: member, problem: .unreadable(message(error)))))
                        return
                    }
                    try producer.end()
                }
            }
        }, consume: { message in
            switch message {
            case let .begin(.member(member)):
                current = (member, StreamingSHA256(), 0)
            case let .begin(.line(line)):
                current = nil
                lines.append(line)
            case let .data(bytes):
                current!.sha.update(bytes)
                current!.size += Int64(bytes.count)
            case .end:
                let (member, sha, size) = current!
                current = nil
                let digest = sha.finalize()
                if size != member.size {
                    lines.append(.init(path: member.path, member: member, problem: .sizeMismatch(expected: member.size, actual: size)))
                } else if digest != member.sha256 {
                    lines.append(.init(path: member.path, member: member, problem: .hashMismatch(expected: member.sha256, actual: digest)))
                } else {
                    lines.append(.init(path: member.path, kind: member.kind, status: .ok, expectedSize: member.size,
                                       actualSize: size, expectedSHA256: member.sha256, actualSHA256: digest, detail: nil))
                }
            }
        })
        for missing in unseen.members {
            lines.append(.init(path: missing.path, kind: missing.kind, status: .missing, expectedSize: missing.size,
                               expectedSHA256: missing.sha256,
                               detail: "the manifest lists it but the archive does not contain it"))
        }
        return VerifyReport(archive: url.path, manifest: manifest, members: lines)
    }

    private static func message(_ error: Error) -> String {
        (error as? LocalizedError)?.errorDescription ?? String(describing: error)
    }
}
