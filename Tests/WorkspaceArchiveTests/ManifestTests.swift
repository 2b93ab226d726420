import Foundation
@testable import WorkspaceArchive
import XCTest

/// The manifest schema, the path rules, and the hash every check relies on.
final class ManifestTests: XCTestCase {
    func testSHA256KnownAnswer() {
        // FIPS 180-2 test vector: the fixtures' hashes are only as good as this.
        XCTAssertEqual(sha256(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(sha256(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testMemberPathRules() {
        XCTAssertNil(MemberPath.problem("refinery.yaml"))
        XCTAssertNil(MemberPath.problem("surrogates/ttbar/model.json"))
        XCTAssertNil(MemberPath.problem("a..b/c..")) // dots inside a name are fine
        XCTAssertEqual(MemberPath.problem(""), .empty)
        XCTAssertEqual(MemberPath.problem("/etc/passwd"), .absolutePath)
        XCTAssertEqual(MemberPath.problem(".."), .parentComponent)
        XCTAssertEqual(MemberPath.problem("a/../../b"), .parentComponent)
        XCTAssertEqual(MemberPath.problem("a/"), .nonCanonical)
        XCTAssertEqual(MemberPath.problem("./a"), .nonCanonical)
        XCTAssertEqual(MemberPath.problem(ArchiveManifest.fileName), .reserved)
        XCTAssertNil(MemberPath.problem("sub/\(ArchiveManifest.fileName)"))
        XCTAssertEqual(MemberPath.problem(".refinery-unpack-staging/x"), .reserved)
        XCTAssertEqual(MemberPath.firstConflict(in: ["a", "a-b", "a/c"])?.1, "a/c")
        XCTAssertNil(MemberPath.firstConflict(in: ["a-b", "a/c", "ab"]))
    }

    func testManifestJSONIsVersionedAndStable() throws {
        let manifest = ArchiveManifest(
            format: ArchiveManifest.format, version: 1, hostVersion: "0.1.0", hostCommit: "abc1234",
            identityKeys: ["z": "1", "a": "2"],
            members: [.init(path: "a.txt", kind: "report", size: 3, sha256: String(repeating: "0", count: 64), executable: false)],
            omitted: [.init(path: "samples/x.npy", kind: "sample", size: 8, sha256: String(repeating: "1", count: 64))],
            extra: [:])
        let json = try XCTUnwrap(String(data: try manifest.encoded(), encoding: .utf8))
        XCTAssertTrue(json.contains(#""format" : "refinery-archive""#), json)
        XCTAssertTrue(json.contains(#""version" : 1"#), json)
        XCTAssertLessThan(try XCTUnwrap(json.range(of: #""a" : "2""#)).lowerBound, try XCTUnwrap(json.range(of: #""z" : "1""#)).lowerBound,
                          "keys are sorted, so equal manifests encode to equal bytes")
        XCTAssertEqual(try ArchiveManifest.decode(try manifest.encoded(), archivePath: "x"), manifest)
    }

    func testOtherFormatsAndVersionsAreRefused() {
        XCTAssertThrowsError(try ArchiveManifest.decode(Data(#"{"format": "refinery-dataset", "version": 1}"#.utf8), archivePath: "x")) { error in
            guard case .notARefineryArchive = error as? WorkspaceArchiveError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try ArchiveManifest.decode(Data(#"{"format": "refinery-archive", "version": 7}"#.utf8), archivePath: "x")) { error in
            XCTAssertEqual(error as? WorkspaceArchiveError, .unsupportedManifestVersion(path: "x", found: 7, supported: 1))
        }
        XCTAssertThrowsError(try ArchiveManifest.decode(Data("not json".utf8), archivePath: "x"))
    }

    func testVerifyReportEncodesForJSONOutput() throws {
        let scratch = try TestDirectory()
        _ = try WorkspaceArchive.pack(try SampleWorkspace.create(at: scratch.path("ws")), to: scratch.path("ws.tar.zst"))
        let report = try WorkspaceArchive.verify(scratch.path("ws.tar.zst"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        XCTAssertEqual(json?["passed"] as? Bool, true)
        let members = try XCTUnwrap(json?["members"] as? [[String: Any]])
        XCTAssertEqual(members.count, SampleWorkspace.files.count)
        XCTAssertEqual(Set(members.compactMap { $0["status"] as? String }), ["ok"])
        XCTAssertEqual(try JSONDecoder().decode(VerifyReport.self, from: JSONEncoder().encode(report)), report)
    }
}
