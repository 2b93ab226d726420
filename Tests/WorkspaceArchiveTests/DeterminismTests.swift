import CArchive
import Foundation
@testable import WorkspaceArchive
import XCTest

/// Packing is deterministic: the same workspace gives the same bytes, wherever it lives and
/// whenever its files were written.
final class DeterminismTests: XCTestCase {
    func testTwoPacksOfTheSameWorkspaceAreByteIdentical() throws {
        let scratch = try TestDirectory()
        let request = try SampleWorkspace.create(at: scratch.path("ws"))
        let first = try WorkspaceArchive.pack(request, to: scratch.path("a.tar.zst"))
        // Touch every file so mtimes differ between the two packs.
        for path in SampleWorkspace.files.keys {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 3600)],
                                                  ofItemAtPath: scratch.path("ws/\(path)").path)
        }
        let second = try WorkspaceArchive.pack(request, to: scratch.path("b.tar.zst"))
        let a = try Data(contentsOf: scratch.path("a.tar.zst"))
        let b = try Data(contentsOf: scratch.path("b.tar.zst"))
        XCTAssertEqual(a, b)
        XCTAssertEqual(first.sha256, second.sha256)
        XCTAssertEqual(first.sha256, sha256(a), "the hash computed while writing is the file's hash")
        XCTAssertEqual(first.size, Int64(a.count))
    }

    func testACopyOfTheWorkspaceElsewherePacksIdentically() throws {
        let scratch = try TestDirectory()
        let request = try SampleWorkspace.create(at: scratch.path("ws"))
        let elsewhere = scratch.path("deeper/copy/of/ws")
        try FileManager.default.createDirectory(at: elsewhere.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: scratch.path("ws"), to: elsewhere)
        // A copy made without preserving modes must not matter either.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: elsewhere.appendingPathComponent("refinery.yaml").path)
        var copyRequest = request
        copyRequest.root = elsewhere
        let first = try WorkspaceArchive.pack(request, to: scratch.path("a.tar.zst"))
        let second = try WorkspaceArchive.pack(copyRequest, to: scratch.path("b.tar.zst"))
        XCTAssertEqual(first.sha256, second.sha256)
        XCTAssertEqual(try Data(contentsOf: scratch.path("a.tar.zst")), try Data(contentsOf: scratch.path("b.tar.zst")))
    }

    func testGzipPacksAreDeterministicWithoutTimestampOrName() throws {
        let scratch = try TestDirectory()
        let request = try SampleWorkspace.create(at: scratch.path("ws"), compression: .gzip)
        _ = try WorkspaceArchive.pack(request, to: scratch.path("a.tar.gz"))
        sleep(1)  // a gzip header timestamp would now differ
        _ = try WorkspaceArchive.pack(request, to: scratch.path("b.tar.gz"))
        let a = try Data(contentsOf: scratch.path("a.tar.gz"))
        XCTAssertEqual(a, try Data(contentsOf: scratch.path("b.tar.gz")))
        XCTAssertEqual(Array(a.prefix(3)), [0x1F, 0x8B, 0x08], "gzip magic and deflate")
        XCTAssertEqual(a[3] & 0x08, 0, "FNAME flag: no original file name")
        XCTAssertEqual(Array(a[4..<8]), [0, 0, 0, 0], "MTIME field is zero")
        XCTAssertTrue(try WorkspaceArchive.verify(scratch.path("a.tar.gz")).passed)
    }

    /// zstd's worker count must not leak into the bytes, or the same workspace would pack
    /// differently on machines configured differently.
    func testZstdOutputDoesNotDependOnTheWorkerCount() throws {
        let scratch = try TestDirectory()
        var request = try SampleWorkspace.create(at: scratch.path("ws"))
        // 24 MiB of rounded doubles: several zstd jobs (8 MiB each at level 3), so the workers
        // really split the work.
        var generator = SplitMix64(seed: 11)
        let values = (0..<(3 << 20)).map { _ in (Double(generator.next() >> 11) * 0x1p-53 * 500).rounded() / 8 }
        try values.withUnsafeBytes { try Data($0).write(to: scratch.path("ws/samples/large.npy")) }
        request.members.append(.init(path: "samples/large.npy", kind: "sample"))
        var hashes = Set<String>()
        for threads in [1, 2, 4] {
            request.compression = PackRequest.Compression(algorithm: .zstd, level: 3, threads: threads)
            let result = try WorkspaceArchive.pack(request, to: scratch.path("t\(threads).tar.zst"))
            hashes.insert(result.sha256)
            XCTAssertLessThan(result.size, 24 << 20, "compressed")
            XCTAssertTrue(try WorkspaceArchive.verify(scratch.path("t\(threads).tar.zst")).passed, "threads \(threads)")
        }
        XCTAssertEqual(hashes.count, 1)
    }

    /// The headers carry nothing from the packing machine: fixed mtime, root owner with empty
    /// names, fixed modes, no atime or ctime, manifest first, members sorted.
    func testHeadersAreNormalisedAndMembersSorted() throws {
        let scratch = try TestDirectory()
        let request = try SampleWorkspace.create(at: scratch.path("ws"))
        _ = try WorkspaceArchive.pack(request, to: scratch.path("a.tar.zst"))

        let reader = try XCTUnwrap(archive_read_new())
        defer { archive_read_free(reader) }
        archive_read_support_filter_all(reader)
        archive_read_support_format_all(reader)
        XCTAssertEqual(archive_read_open_filename(reader, scratch.path("a.tar.zst").path, 65536), ARCHIVE_OK)
        var entry: OpaquePointer?
        var paths: [String] = []
        while archive_read_next_header(reader, &entry) == ARCHIVE_OK {
            let path = String(cString: archive_entry_pathname(entry))
            paths.append(path)
            XCTAssertEqual(archive_entry_mtime(entry), 946_684_800, path)
            XCTAssertEqual(archive_entry_uid(entry), 0, path)
            XCTAssertEqual(archive_entry_gid(entry), 0, path)
            XCTAssertEqual(archive_entry_uname(entry).map { String(cString: $0) } ?? "", "", path)
            XCTAssertEqual(archive_entry_gname(entry).map { String(cString: $0) } ?? "", "", path)
            XCTAssertEqual(archive_entry_atime_is_set(entry), 0, path)
            XCTAssertEqual(archive_entry_ctime_is_set(entry), 0, path)
            XCTAssertEqual(archive_entry_perm(entry), path.hasPrefix("plugins/") ? 0o755 : 0o644, path)
            XCTAssertEqual(archive_format(reader) & ARCHIVE_FORMAT_BASE_MASK, ARCHIVE_FORMAT_TAR, path)
        }
        XCTAssertEqual(paths.first, ArchiveManifest.fileName)
        XCTAssertEqual(Array(paths.dropFirst()), SampleWorkspace.files.keys.sorted())
    }
}

/// A tiny seeded generator so test data is the same on every run and platform.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
