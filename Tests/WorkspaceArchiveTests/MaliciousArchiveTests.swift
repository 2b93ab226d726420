import Foundation
@testable import WorkspaceArchive
import XCTest

/// Each malicious or damaged archive, built with libarchive by the test, is refused by
/// `unpack` with a message naming the member, creates nothing outside (or inside) the target,
/// and fails `verify` at that member.
final class MaliciousArchiveTests: XCTestCase {
    let a = ("a.txt", Data("alpha content\n".utf8))
    let b = ("b.txt", Data("bravo content\n".utf8))

    /// Writes `fixture` as `name`, unpacks it into `sandbox/parent/target`, and checks the
    /// refusal: the error equals `expected`, its message names `member`, and the sandbox (which
    /// holds a decoy `parent/outside.txt`) is exactly as before.
    @discardableResult
    func assertUnpackRefuses(_ fixture: FixtureArchive, name: String, member: String, expected: WorkspaceArchiveError,
                             limit: Int64? = nil,
                             file: StaticString = #filePath, line: UInt = #line) throws -> TestDirectory {
        let sandbox = try TestDirectory("refinery-malicious")
        let archive = sandbox.path("fixtures/\(name)")
        try FileManager.default.createDirectory(at: archive.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fixture.write(to: archive)
        return try assertUnpackRefuses(archive, in: sandbox, member: member, expected: expected, limit: limit, file: file, line: line)
    }

    @discardableResult
    func assertUnpackRefuses(_ archive: URL, in sandbox: TestDirectory, member: String, expected: WorkspaceArchiveError,
                             limit: Int64? = nil,
                             file: StaticString = #filePath, line: UInt = #line) throws -> TestDirectory {
        try TestDirectory.write(["parent/outside.txt": Data("original\n".utf8)], under: sandbox.url)
        let before = TestDirectory.listing(sandbox.url)
        let target = sandbox.path("parent/target")
        XCTAssertThrowsError(try WorkspaceArchive.unpack(archive, into: target, options: UnpackOptions(maxTotalBytes: limit)),
                             file: file, line: line) { error in
            XCTAssertEqual(error as? WorkspaceArchiveError, expected, file: file, line: line)
            XCTAssertTrue(error.localizedDescription.contains(member), "message does not name '\(member)': \(error.localizedDescription)",
                          file: file, line: line)
        }
        XCTAssertEqual(TestDirectory.listing(sandbox.url), before, "the refused unpack left files behind", file: file, line: line)
        XCTAssertEqual(try String(contentsOf: sandbox.path("parent/outside.txt"), encoding: .utf8), "original\n", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("parent/escaped.txt").path), file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("escaped.txt").path), file: file, line: line)
        return sandbox
    }

    /// `verify` reports `status` for `member` and fails.
    func assertVerify(_ archive: URL, reports status: VerifyReport.Status, for member: String,
                      file: StaticString = #filePath, line: UInt = #line) throws {
        let report = try WorkspaceArchive.verify(archive)
        XCTAssertFalse(report.passed, file: file, line: line)
        XCTAssertTrue(report.failures.contains { $0.path == member && $0.status == status },
                      "\(report.failures.map { ($0.path, $0.status) })", file: file, line: line)
    }

    func fixture(_ entries: [FixtureArchive.Entry], manifest: [(String, Data)]? = nil,
                 tweak: (inout ArchiveManifest) -> Void = { _ in }) throws -> FixtureArchive {
        var fixture = FixtureArchive()
        try fixture.addManifest(manifest ?? [a], tweak: tweak)
        fixture.entries += entries
        return fixture
    }

    // MARK: Paths that escape

    func testAbsolutePath() throws {
        let escape = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-escape-\(UUID().uuidString).txt").path
        let archive = try fixture([.file("a.txt", "alpha content\n"), .file(escape, "pwned\n")])
        let sandbox = try assertUnpackRefuses(archive, name: "absolute_path.tar.zst", member: escape,
                                              expected: .memberRejected(member: escape, problem: .unsafe(.absolutePath)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: escape))
        try assertVerify(sandbox.path("fixtures/absolute_path.tar.zst"), reports: .unsafe, for: escape)
    }

    func testDotDotMember() throws {
        for path in ["../escaped.txt", "sub/../../escaped.txt", "../../escaped.txt"] {
            let archive = try fixture([.file(path, "pwned\n"), .file("a.txt", "alpha content\n")])
            let sandbox = try assertUnpackRefuses(archive, name: "dotdot_member.tar.zst", member: path,
                                                  expected: .memberRejected(member: path, problem: .unsafe(.parentComponent)))
            try assertVerify(sandbox.path("fixtures/dotdot_member.tar.zst"), reports: .unsafe, for: path)
        }
    }

    func testNonCanonicalPaths() throws {
        for path in ["./a.txt", "sub//a.txt", "sub/./a.txt"] {
            let archive = try fixture([.file(path, "alpha content\n")])
            try assertUnpackRefuses(archive, name: "noncanonical_member.tar.zst", member: path,
                                    expected: .memberRejected(member: path, problem: .unsafe(.nonCanonical)))
        }
    }

    func testStagingDirectoryNameIsReserved() throws {
        let path = ".refinery-unpack-staging/a.txt"
        let archive = try fixture([.file(path, "alpha content\n")])
        try assertUnpackRefuses(archive, name: "reserved_member.tar.zst", member: path,
                                expected: .memberRejected(member: path, problem: .unsafe(.reserved)))
    }

    // MARK: Links and special files

    func testSymlinkOutside() throws {
        // The classic two-step escape: a link to the parent, then a file written through it.
        let archive = try fixture([.init("link", .symlink("..")), .file("link/escaped.txt", "pwned\n"), .file("a.txt", "alpha content\n")])
        let sandbox = try assertUnpackRefuses(archive, name: "symlink_outside.tar.zst", member: "link",
                                              expected: .memberRejected(member: "link", problem: .unsafe(.symlink(target: ".."))))
        try assertVerify(sandbox.path("fixtures/symlink_outside.tar.zst"), reports: .unsafe, for: "link")
    }

    func testSymlinkInsideIsRefusedToo() throws {
        let archive = try fixture([.file("a.txt", "alpha content\n"), .init("alias.txt", .symlink("a.txt"))])
        try assertUnpackRefuses(archive, name: "symlink_inside.tar.zst", member: "alias.txt",
                                expected: .memberRejected(member: "alias.txt", problem: .unsafe(.symlink(target: "a.txt"))))
    }

    func testHardlinkOutside() throws {
        let archive = try fixture([.init("evil", .hardlink("../outside.txt")), .file("a.txt", "alpha content\n")])
        let sandbox = try assertUnpackRefuses(archive, name: "hardlink_outside.tar.zst", member: "evil",
                                              expected: .memberRejected(member: "evil", problem: .unsafe(.hardlink(target: "../outside.txt"))))
        try assertVerify(sandbox.path("fixtures/hardlink_outside.tar.zst"), reports: .unsafe, for: "evil")
    }

    func testFifoMember() throws {
        let archive = try fixture([.file("a.txt", "alpha content\n"), .init("pipe", .fifo)])
        let sandbox = try assertUnpackRefuses(archive, name: "fifo_member.tar.zst", member: "pipe",
                                              expected: .memberRejected(member: "pipe", problem: .unsafe(.fifo)))
        try assertVerify(sandbox.path("fixtures/fifo_member.tar.zst"), reports: .unsafe, for: "pipe")
    }

    func testDeviceMembers() throws {
        let character = try fixture([.init("null", .characterDevice), .file("a.txt", "alpha content\n")])
        let sandbox = try assertUnpackRefuses(character, name: "device_member.tar.zst", member: "null",
                                              expected: .memberRejected(member: "null", problem: .unsafe(.characterDevice)))
        try assertVerify(sandbox.path("fixtures/device_member.tar.zst"), reports: .unsafe, for: "null")
        let block = try fixture([.init("disk", .blockDevice), .file("a.txt", "alpha content\n")])
        try assertUnpackRefuses(block, name: "block_device_member.tar.zst", member: "disk",
                                expected: .memberRejected(member: "disk", problem: .unsafe(.blockDevice)))
    }

    func testDirectoryEntry() throws {
        let archive = try fixture([.init("sub", .directory), .file("a.txt", "alpha content\n")])
        // libarchive reports directory paths with a trailing slash.
        try assertUnpackRefuses(archive, name: "directory_member.tar.zst", member: "sub/",
                                expected: .memberRejected(member: "sub/", problem: .unsafe(.directory)))
    }

    // MARK: Disagreements with the manifest

    func testDuplicateMember() throws {
        let archive = try fixture([.file("a.txt", "alpha content\n"), .file("a.txt", "alpha content\n")])
        let sandbox = try assertUnpackRefuses(archive, name: "duplicate_member.tar.zst", member: "a.txt",
                                              expected: .memberRejected(member: "a.txt", problem: .duplicate))
        let report = try WorkspaceArchive.verify(sandbox.path("fixtures/duplicate_member.tar.zst"))
        XCTAssertEqual(report.members.map(\.status), [.ok, .duplicate])
    }

    func testSecondManifestIsADuplicate() throws {
        var archive = try fixture([.file("a.txt", "alpha content\n")])
        archive.entries.append(archive.entries[0])
        try assertUnpackRefuses(archive, name: "duplicate_manifest.tar.zst", member: ArchiveManifest.fileName,
                                expected: .memberRejected(member: ArchiveManifest.fileName, problem: .duplicate))
    }

    func testMemberNotInManifest() throws {
        let archive = try fixture([.file("a.txt", "alpha content\n"), .file("extra.txt", "smuggled\n")])
        let sandbox = try assertUnpackRefuses(archive, name: "member_not_in_manifest.tar.zst", member: "extra.txt",
                                              expected: .memberRejected(member: "extra.txt", problem: .notInManifest))
        try assertVerify(sandbox.path("fixtures/member_not_in_manifest.tar.zst"), reports: .notInManifest, for: "extra.txt")
    }

    func testManifestMemberMissing() throws {
        let archive = try fixture([.file("a.txt", "alpha content\n")], manifest: [a, b])
        let sandbox = try assertUnpackRefuses(archive, name: "manifest_member_missing.tar.zst", member: "b.txt",
                                              expected: .missingMembers(["b.txt"]))
        try assertVerify(sandbox.path("fixtures/manifest_member_missing.tar.zst"), reports: .missing, for: "b.txt")
    }

    func testManifestHashMismatch() throws {
        let archive = try fixture([.file("a.txt", "alpha content\n")]) { manifest in
            manifest.members[0].sha256 = sha256(Data("other content\n".utf8))
        }
        let sandbox = try assertUnpackRefuses(archive, name: "manifest_hash_mismatch.tar.zst", member: "a.txt",
                                              expected: .memberRejected(member: "a.txt", problem: .hashMismatch(
                                                  expected: sha256(Data("other content\n".utf8)), actual: sha256(a.1))))
        try assertVerify(sandbox.path("fixtures/manifest_hash_mismatch.tar.zst"), reports: .hashMismatch, for: "a.txt")
    }

    func testSizeMismatch() throws {
        let archive = try fixture([.file("a.txt", "alpha content\n")]) { manifest in manifest.members[0].size = 5 }
        let sandbox = try assertUnpackRefuses(archive, name: "size_mismatch.tar.zst", member: "a.txt",
                                              expected: .memberRejected(member: "a.txt", problem: .sizeMismatch(expected: 5, actual: 14)))
        try assertVerify(sandbox.path("fixtures/size_mismatch.tar.zst"), reports: .sizeMismatch, for: "a.txt")
    }

    // MARK: Expansion

    func testArchiveExpandingBeyondTheLimit() throws {
        // 8 MiB of zeros compress to a few hundred bytes: a small zip bomb.
        let zeros = ("big.bin", Data(count: 8 << 20))
        var archive = FixtureArchive()
        try archive.addManifest([a, zeros])
        archive.entries += [.file("a.txt", "alpha content\n"), .init("big.bin", .file(zeros.1))]
        let sandbox = try assertUnpackRefuses(archive, name: "expands_beyond_limit.tar.zst", member: "big.bin",
                                              expected: .expansionLimitExceeded(member: "big.bin", limit: 1 << 20), limit: 1 << 20)
        let compressed = try FileManager.default.attributesOfItem(atPath: sandbox.path("fixtures/expands_beyond_limit.tar.zst").path)[.size] as? Int
        XCTAssertLessThan(try XCTUnwrap(compressed), 64 << 10, "the fixture is bomb-like: tiny archive, large content")
        // Under the default limit the same archive is fine.
        _ = try WorkspaceArchive.unpack(sandbox.path("fixtures/expands_beyond_limit.tar.zst"), into: sandbox.path("ok"))
    }

    func testLyingManifestCannotSneakPastTheLimit() throws {
        // The manifest claims 10 bytes; the header's 8 MiB is refused before any data is read.
        let zeros = Data(count: 8 << 20)
        var archive = FixtureArchive()
        try archive.addManifest([("big.bin", zeros)]) { manifest in manifest.members[0].size = 10 }
        archive.entries.append(.init("big.bin", .file(zeros)))
        try assertUnpackRefuses(archive, name: "expands_beyond_limit_lying_manifest.tar.zst", member: "big.bin",
                                expected: .memberRejected(member: "big.bin", problem: .sizeMismatch(expected: 10, actual: 8 << 20)),
                                limit: 1 << 20)
    }

    // MARK: Not a (readable) Refinery archive

    func testManifestNotFirst() throws {
        var archive = FixtureArchive()
        archive.entries.append(.file("a.txt", "alpha content\n"))
        try archive.addManifest([a])
        let sandbox = try TestDirectory()
        try archive.write(to: sandbox.path("manifest_not_first.tar.zst"))
        XCTAssertThrowsError(try WorkspaceArchive.verify(sandbox.path("manifest_not_first.tar.zst"))) { error in
            guard case .notARefineryArchive = error as? WorkspaceArchiveError else { return XCTFail("\(error)") }
            XCTAssertTrue(error.localizedDescription.contains("a.txt"), error.localizedDescription)
        }
        try assertUnpackRefuses(sandbox.path("manifest_not_first.tar.zst"), in: sandbox, member: "a.txt",
                                expected: .notARefineryArchive(path: sandbox.path("manifest_not_first.tar.zst").path,
                                                               reason: "its first member is 'a.txt', not refinery-archive.json"))
    }

    func testUnknownManifestVersionIsRefusedClearly() throws {
        var archive = FixtureArchive()
        try archive.addManifest([a], version: 2)
        archive.entries.append(.file("a.txt", "alpha content\n"))
        let sandbox = try TestDirectory()
        let url = sandbox.path("manifest_unknown_version.tar.zst")
        try archive.write(to: url)
        XCTAssertThrowsError(try WorkspaceArchive.readManifest(url)) { error in
            XCTAssertEqual(error as? WorkspaceArchiveError, .unsupportedManifestVersion(path: url.path, found: 2, supported: 1))
            XCTAssertTrue(error.localizedDescription.contains("version 2"), error.localizedDescription)
        }
        XCTAssertThrowsError(try WorkspaceArchive.verify(url))
        XCTAssertThrowsError(try WorkspaceArchive.unpack(url, into: sandbox.path("out")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("out").path))
    }

    func testInvalidManifestEntriesAreRefused() throws {
        let bad: [(String, (inout ArchiveManifest) -> Void)] = [
            ("../x", { $0.members[0].path = "../x" }),
            ("not-a-hash", { $0.members[0].sha256 = "not-a-hash" }),
            ("listed twice", { $0.members.append($0.members[0]) }),
        ]
        for (needle, tweak) in bad {
            let sandbox = try TestDirectory()
            let url = sandbox.path("manifest_invalid.tar.zst")
            try fixture([.file("a.txt", "alpha content\n")], tweak: tweak).write(to: url)
            XCTAssertThrowsError(try WorkspaceArchive.readManifest(url), needle) { error in
                guard case .invalidManifest = error as? WorkspaceArchiveError else { return XCTFail("\(error)") }
                XCTAssertTrue(error.localizedDescription.contains(needle), error.localizedDescription)
            }
        }
    }

    // MARK: Damage to a real archive

    func testTamperedMemberFailsVerifyAndUnpackNamingIt() throws {
        let sandbox = try TestDirectory("refinery-tamper")
        let packed = sandbox.path("fixtures/ws.tar.zst")
        try FileManager.default.createDirectory(at: packed.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = try WorkspaceArchive.pack(try SampleWorkspace.create(at: sandbox.path("ws")), to: packed)
        let victim = "surrogates/ttbar/model.json"
        let tampered = sandbox.path("fixtures/tampered_member.tar.zst")
        try FixtureArchive.rewrite(packed, to: tampered) { path, content in
            if path == victim { content[3] ^= 0x01 }
        }
        let report = try WorkspaceArchive.verify(tampered)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.failures.map(\.path), [victim])
        XCTAssertEqual(report.failures.first?.status, .hashMismatch)
        XCTAssertEqual(report.failures.first?.kind, "surrogate")
        XCTAssertTrue(try WorkspaceArchive.verify(packed).passed, "the untampered archive still passes")

        let original = SampleWorkspace.files[victim]!
        var flipped = original
        flipped[3] ^= 0x01
        try assertUnpackRefuses(tampered, in: sandbox, member: victim,
                                expected: .memberRejected(member: victim, problem: .hashMismatch(expected: sha256(original), actual: sha256(flipped))))
    }

    func testTruncatedArchiveFailsVerifyAndUnpack() throws {
        let sandbox = try TestDirectory("refinery-truncated")
        let packed = sandbox.path("ws.tar.zst")
        _ = try WorkspaceArchive.pack(try SampleWorkspace.create(at: sandbox.path("ws")), to: packed)
        let bytes = try Data(contentsOf: packed)
        let truncated = sandbox.path("truncated.tar.zst")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        let report = try WorkspaceArchive.verify(truncated)
        XCTAssertFalse(report.passed)
        XCTAssertTrue(report.failures.contains { $0.status == .unreadable }, "\(report.failures)")
        XCTAssertThrowsError(try WorkspaceArchive.unpack(truncated, into: sandbox.path("out")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("out").path))
    }
}
