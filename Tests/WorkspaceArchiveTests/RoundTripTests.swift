import Foundation
@testable import WorkspaceArchive
import XCTest

/// A packed workspace verifies, and unpacks into the same files with the same modes.
final class RoundTripTests: XCTestCase {
    func testPackVerifyUnpackRestoresEveryFile() throws {
        let scratch = try TestDirectory()
        let request = try SampleWorkspace.create(at: scratch.path("ws"))
        let packed = try WorkspaceArchive.pack(request, to: scratch.path("ws.tar.zst"))
        XCTAssertEqual(packed.manifest.members.map(\.path), SampleWorkspace.files.keys.sorted())

        let report = try WorkspaceArchive.verify(scratch.path("ws.tar.zst"))
        XCTAssertTrue(report.passed, "\(report.failures)")
        XCTAssertEqual(report.members.count, SampleWorkspace.files.count)

        let unpacked = try WorkspaceArchive.unpack(scratch.path("ws.tar.zst"), into: scratch.path("out"))
        XCTAssertEqual(unpacked.totalBytes, Int64(SampleWorkspace.files.values.reduce(0) { $0 + $1.count }))
        XCTAssertEqual(TestDirectory.listing(scratch.path("out")), TestDirectory.listing(scratch.path("ws")),
                       "no manifest, no staging directory left behind")
        for (path, content) in SampleWorkspace.files {
            XCTAssertEqual(try Data(contentsOf: scratch.path("out/\(path)")), content, path)
            let mode = try FileManager.default.attributesOfItem(atPath: scratch.path("out/\(path)").path)[.posixPermissions] as? Int
            XCTAssertEqual(mode, path.hasPrefix("plugins/") ? 0o755 : 0o644, path)
        }
    }

    func testManifestRecordsHostIdentityAndOmittedData() throws {
        let scratch = try TestDirectory()
        var request = try SampleWorkspace.create(at: scratch.path("ws"))
        let sample = "samples/nominal/x.npy"
        request.members.removeAll { $0.path == sample }
        let content = SampleWorkspace.files[sample]!
        request.omitted = [ArchiveManifest.Omitted(path: sample, kind: "sample", size: Int64(content.count), sha256: sha256(content))]
        _ = try WorkspaceArchive.pack(request, to: scratch.path("lean.tar.zst"))

        let manifest = try WorkspaceArchive.readManifest(scratch.path("lean.tar.zst"))
        XCTAssertEqual(manifest.format, "refinery-archive")
        XCTAssertEqual(manifest.version, 1)
        XCTAssertEqual(manifest.hostVersion, "0.1.0")
        XCTAssertEqual(manifest.hostCommit, "abc1234")
        XCTAssertEqual(manifest.identityKeys, ["configuration": "c0ffee"])
        XCTAssertEqual(manifest.extra, ["command": "refinery pack"])
        XCTAssertEqual(manifest.omitted.map(\.path), [sample])
        XCTAssertFalse(manifest.members.contains { $0.path == sample })
        let config = try XCTUnwrap(manifest.members.first { $0.path == "refinery.yaml" })
        XCTAssertEqual(config.kind, "configuration")
        XCTAssertEqual(config.sha256, sha256(SampleWorkspace.files["refinery.yaml"]!))
        XCTAssertEqual(config.size, Int64(SampleWorkspace.files["refinery.yaml"]!.count))
        XCTAssertTrue(manifest.members.first { $0.path == "plugins/libRefineryScale.so" }!.executable)

        // The omitted file is not in the archive, and that is not a failure.
        XCTAssertTrue(try WorkspaceArchive.verify(scratch.path("lean.tar.zst")).passed)
        _ = try WorkspaceArchive.unpack(scratch.path("lean.tar.zst"), into: scratch.path("out"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path("out/\(sample)").path))
    }

    func testUnpackRefusesANonEmptyDirectoryAndNeverOverwritesWithoutForce() throws {
        let scratch = try TestDirectory()
        _ = try WorkspaceArchive.pack(try SampleWorkspace.create(at: scratch.path("ws")), to: scratch.path("ws.tar.zst"))
        let target = scratch.path("out")
        try TestDirectory.write(["refinery.yaml": Data("mine\n".utf8), "notes.txt": Data("keep\n".utf8)], under: target)

        XCTAssertThrowsError(try WorkspaceArchive.unpack(scratch.path("ws.tar.zst"), into: target)) { error in
            XCTAssertEqual(error as? WorkspaceArchiveError, .destinationNotEmpty(path: target.path))
        }
        XCTAssertEqual(try String(contentsOf: target.appendingPathComponent("refinery.yaml"), encoding: .utf8), "mine\n")
        XCTAssertEqual(TestDirectory.listing(target), ["notes.txt", "refinery.yaml"])

        _ = try WorkspaceArchive.unpack(scratch.path("ws.tar.zst"), into: target, options: UnpackOptions(force: true))
        XCTAssertEqual(try Data(contentsOf: target.appendingPathComponent("refinery.yaml")), SampleWorkspace.files["refinery.yaml"])
        XCTAssertEqual(try String(contentsOf: target.appendingPathComponent("notes.txt"), encoding: .utf8), "keep\n",
                       "files not in the archive are left alone")
    }

    /// Under --force a directory inside the target that is a symlink would let a member land
    /// outside the target: it is refused before any file moves.
    func testForcedUnpackRefusesToWriteThroughASymlinkedDirectory() throws {
        let scratch = try TestDirectory()
        _ = try WorkspaceArchive.pack(try SampleWorkspace.create(at: scratch.path("ws")), to: scratch.path("ws.tar.zst"))
        let target = scratch.path("out")
        let elsewhere = scratch.path("elsewhere")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: target.appendingPathComponent("plots"), withDestinationURL: elsewhere)

        XCTAssertThrowsError(try WorkspaceArchive.unpack(scratch.path("ws.tar.zst"), into: target, options: UnpackOptions(force: true))) { error in
            XCTAssertTrue(error.localizedDescription.contains("plots/mtt.svg"), error.localizedDescription)
        }
        XCTAssertEqual(TestDirectory.listing(elsewhere), [])
        XCTAssertEqual(TestDirectory.listing(target), ["plots"], "nothing moved, staging removed")
    }

    /// Non-ASCII and long paths (past ustar's 100 bytes, so in a pax header) survive the
    /// round trip byte for byte, and still pack deterministically.
    func testUnicodeAndLongPathsRoundTrip() throws {
        let scratch = try TestDirectory()
        let long = "plots/" + String(repeating: "very-long-directory-name/", count: 6) + "m_tt-distribution.svg"
        let files = ["plots/Σ-m_tt-ü.svg": Data("unicode\n".utf8), long: Data("long\n".utf8)]
        try TestDirectory.write(files, under: scratch.path("ws"))
        let request = PackRequest(root: scratch.path("ws"), members: files.keys.map { .init(path: $0, kind: "plot") },
                                  hostVersion: "0.1.0", hostCommit: "abc1234")
        let first = try WorkspaceArchive.pack(request, to: scratch.path("a.tar.zst"))
        XCTAssertEqual(try WorkspaceArchive.pack(request, to: scratch.path("b.tar.zst")).sha256, first.sha256)
        XCTAssertTrue(try WorkspaceArchive.verify(scratch.path("a.tar.zst")).passed)
        _ = try WorkspaceArchive.unpack(scratch.path("a.tar.zst"), into: scratch.path("out"))
        for (path, content) in files {
            XCTAssertEqual(try Data(contentsOf: scratch.path("out/\(path)")), content, path)
        }
    }

    func testPackRejectsUnsafeOrConflictingRequests() throws {
        let scratch = try TestDirectory()
        let base = try SampleWorkspace.create(at: scratch.path("ws"))
        let bad: [(String, [PackRequest.Member])] = [
            ("../outside", [.init(path: "../outside", kind: "report")]),
            ("/abs", [.init(path: "/abs", kind: "report")]),
            ("refinery.yaml", [.init(path: "refinery.yaml", kind: "configuration"), .init(path: "refinery.yaml", kind: "configuration")]),
            ("refinery.yaml/x", [.init(path: "refinery.yaml", kind: "configuration"),
                                 .init(path: "refinery.yaml/x", source: scratch.path("ws/plots/mtt.svg"), kind: "report")]),
            (ArchiveManifest.fileName, [.init(path: ArchiveManifest.fileName, source: scratch.path("ws/refinery.yaml"), kind: "report")]),
        ]
        for (name, members) in bad {
            var request = base
            request.members = members
            XCTAssertThrowsError(try WorkspaceArchive.pack(request, to: scratch.path("bad.tar.zst")), name) { error in
                XCTAssertTrue(error.localizedDescription.contains(name), error.localizedDescription)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path("bad.tar.zst").path))
        }
    }

    func testPackOfAMissingSourceFailsAndLeavesNoArchive() throws {
        let scratch = try TestDirectory()
        var request = try SampleWorkspace.create(at: scratch.path("ws"))
        request.members.append(.init(path: "surrogates/missing.json", kind: "surrogate"))
        XCTAssertThrowsError(try WorkspaceArchive.pack(request, to: scratch.path("ws.tar.zst"))) { error in
            XCTAssertTrue(error.localizedDescription.contains("surrogates/missing.json"), error.localizedDescription)
        }
        XCTAssertEqual(TestDirectory.listing(scratch.url).filter { !$0.hasPrefix("ws") }, [])
    }
}
