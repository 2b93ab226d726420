import Foundation
@testable import WorkspaceArchive
import XCTest

/// Manifests whose sizes are hostile, and the default expansion limit: refused from the
/// manifest alone, before anything is allocated or written, within a second.
final class ArchiveManifestLimitTests: XCTestCase {
    let a = ("a.txt", Data("alpha content\n".utf8))
    let b = ("b.txt", Data("bravo content\n".utf8))

    /// Writes an archive of `entries` with a manifest of `manifest` changed by `tweak`.
    func archive(_ entries: [FixtureArchive.Entry], manifest: [(String, Data)], in sandbox: TestDirectory,
                 tweak: (inout ArchiveManifest) -> Void) throws -> URL {
        var fixture = FixtureArchive()
        try fixture.addManifest(manifest, tweak: tweak)
        fixture.entries += entries
        let url = sandbox.path("fixture.tar.zst")
        try fixture.write(to: url)
        return url
    }

    /// `unpack` (and `verify`) refuse `archive` with `expected`, within a second, creating nothing.
    func assertRefused(_ archive: URL, in sandbox: TestDirectory, expected: WorkspaceArchiveError, options: UnpackOptions = UnpackOptions(),
                       file: StaticString = #filePath, line: UInt = #line) {
        let start = Date()
        let target = sandbox.path("target")
        XCTAssertThrowsError(try WorkspaceArchive.unpack(archive, into: target, options: options), file: file, line: line) { error in
            XCTAssertEqual(error as? WorkspaceArchiveError, expected, file: file, line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path), "a refused unpack created the target", file: file, line: line)
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, file: file, line: line)
    }

    // Before: `unpack` summed the declared sizes unchecked: 14 + (2⁶³−1) overflowed and the
    // process died on the trap (SIGILL) instead of refusing.
    func testMemberSizeOfInt64MaxIsRefusedWithoutTrapping() throws {
        let sandbox = try TestDirectory()
        let url = try archive([.file("a.txt", "alpha content\n"), .file("b.txt", "bravo content\n")], manifest: [a, b], in: sandbox) {
            $0.members[1].size = Int64.max
        }
        let expected = WorkspaceArchiveError.invalidManifest(path: url.path, reason: "entry 'b.txt' takes the sizes beyond 2⁶³−1 bytes in total")
        assertRefused(url, in: sandbox, expected: expected)
        assertRefused(url, in: sandbox, expected: expected, options: UnpackOptions(maxTotalBytes: Int64.max))
        XCTAssertThrowsError(try WorkspaceArchive.verify(url)) { XCTAssertEqual($0 as? WorkspaceArchiveError, expected) }
    }

    // Before: sizes of 2⁶² bytes each passed `validate` (unpack then refused them only for
    // the expansion limit) and `totalSize` overflowed and trapped.
    func testSizesThatOverflowOnlyTogetherAreRefused() throws {
        let sandbox = try TestDirectory()
        let url = try archive([], manifest: [a, b], in: sandbox) {
            $0.members[0].size = 1 << 62
            $0.members[1].size = 1 << 62
            $0.omitted = [.init(path: "c.npy", kind: "sample", size: 1 << 62, sha256: String(repeating: "0", count: 64))]
        }
        assertRefused(url, in: sandbox, expected: .invalidManifest(path: url.path, reason: "entry 'b.txt' takes the sizes beyond 2⁶³−1 bytes in total"))
    }

    // Before: the default limit was a fixed 64 GiB, so an archive of a few hundred bytes whose
    // manifest promises 2 GiB got as far as reading the member (refused only for its size).
    func testDefaultLimitIsAMultipleOfTheArchiveSize() throws {
        let sandbox = try TestDirectory()
        let url = try archive([.file("a.txt", "alpha content\n")], manifest: [a], in: sandbox) { $0.members[0].size = 2 << 30 }
        assertRefused(url, in: sandbox, expected: .expansionLimitExceeded(member: "a.txt", limit: UnpackOptions.minimumDefaultLimit))
        XCTAssertEqual(UnpackOptions.defaultLimit(archiveSize: 1000), 1 << 30, "small archives may expand to 1 GiB")
        XCTAssertEqual(UnpackOptions.defaultLimit(archiveSize: 100 << 30), 3200 << 30, "32 × the archive size")
        XCTAssertEqual(UnpackOptions.defaultLimit(archiveSize: Int64.max / 2), Int64.max, "saturates")
        // An explicit limit wins over the default: the same archive then fails later, on the size.
        XCTAssertThrowsError(try WorkspaceArchive.unpack(url, into: sandbox.path("out"), options: UnpackOptions(maxTotalBytes: 4 << 30))) { error in
            XCTAssertEqual(error as? WorkspaceArchiveError,
                           .memberRejected(member: "a.txt", problem: .sizeMismatch(expected: 2 << 30, actual: 14)))
        }
    }
}
