import Foundation
import XCTest

/// `refinery pack`, `unpack`, `verify` and `reproduce` on a demo-sized trained workspace.
final class ArchiveCLITests: XCTestCase {
    nonisolated(unsafe) static var directory: URL!
    nonisolated(unsafe) static var workspace: URL!

    override class func setUp() {
        super.setUp()
        directory = try! CLI.temporaryDirectory("archive")
        workspace = try! CLI.workspace(in: directory, events: 3000, trees: 10, systematics: CLI.systematics("scale", "POW", "JES", "HF"))
        precondition(try! CLI.run(["simulate", workspace.path]).status == 0)
        precondition(try! CLI.run(["train", "--allow-closure-failure", workspace.path]).status == 0)
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    func pack(_ output: String, _ extra: [String] = []) throws -> URL {
        let url = Self.directory.appendingPathComponent(output)
        let result = try CLI.run(["pack", Self.workspace.path, "-o", url.path] + extra)
        XCTAssertEqual(result.status, 0, result.all)
        return url
    }

    func testTwoPacksAreByteIdenticalAndRecorded() throws {
        let a = try pack("a.tar.zst"), b = try pack("b.tar.zst")
        XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b))
        let runs = try CLI.run(["provenance", "runs", "-w", Self.workspace.path, "--json"])
        let entries = try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as! [[String: Any]]
        XCTAssertGreaterThanOrEqual(entries.filter { $0["command"] as? String == "pack" && $0["status"] as? String == "succeeded" }.count, 2)
        let lineage = try CLI.run(["provenance", "lineage", a.path, "-w", Self.workspace.path])
        XCTAssertEqual(lineage.status, 0, lineage.all)
        XCTAssertTrue(lineage.stdout.contains("[archive]"), lineage.stdout)
    }

    func testUnpackedArchiveIsAWorkingWorkspace() throws {
        let archive = try pack("work.tar.zst")
        XCTAssertEqual(try CLI.run(["verify", archive.path]).status, 0)
        let target = Self.directory.appendingPathComponent("unpacked")
        let unpack = try CLI.run(["unpack", archive.path, target.path])
        XCTAssertEqual(unpack.status, 0, unpack.all)
        XCTAssertEqual(try CLI.run(["provenance", "verify", "-w", target.path]).status, 0)
        let lineage = try CLI.run(["provenance", "lineage", "surrogates/HF/model.json", "-w", target.path])
        XCTAssertEqual(lineage.status, 0, lineage.all)
        XCTAssertTrue(lineage.stdout.contains("samples/nominal/manifest.json"), lineage.stdout)
        let train = try CLI.run(["train", "--allow-closure-failure", "--json", target.path])
        XCTAssertEqual(train.status, 0, train.all)
        let outcomes = try JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(outcomes.compactMap { $0["name"] as? String }.sorted(), ["HF", "JES", "POW", "scale"], train.stdout)
        XCTAssertTrue(outcomes.allSatisfy { $0["status"] as? String == "reused" }, train.stdout)
        let again = try CLI.run(["unpack", archive.path, target.path])
        XCTAssertEqual(again.status, 1, "never overwrite without --force")
    }

    func testReproduceReportsEverySampleAndSurrogateIdentical() throws {
        for options in [[], ["--without-data"]] {
            let archive = try pack("repro\(options.count).tar.zst", options)
            let result = try CLI.run(["reproduce", "--trust-archived-plugins", archive.path, "--into", Self.directory.appendingPathComponent("scratch\(options.count)").path, "--json"])
            XCTAssertEqual(result.status, 0, result.all)
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
            let comparisons = report["comparisons"] as! [[String: Any]]
            XCTAssertTrue(comparisons.contains { ($0["path"] as? String) == "samples/nominal/x.npy" })
            XCTAssertTrue(comparisons.contains { ($0["path"] as? String) == "surrogates/POW/model.json" })
            XCTAssertTrue(comparisons.allSatisfy { $0["status"] as? String == "identical" }, result.stdout)
        }
    }

    func testTamperedMemberFailsVerifyAndUnpackNamingIt() throws {
        let archive = try pack("tamper.tar.zst", ["--gzip"])
        // Flip one byte inside the (uncompressed) content of a member and re-compress.
        let work = Self.directory.appendingPathComponent("tamper")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let script = """
        import gzip, sys, hashlib
        raw = bytearray(gzip.decompress(open(sys.argv[1], 'rb').read()))
        i = raw.find(b'refinery-bpt')
        assert i > 0
        raw[i + 3] ^= 0x01
        open(sys.argv[2], 'wb').write(gzip.compress(bytes(raw), mtime=0))
        """
        let bad = work.appendingPathComponent("tampered.tar.gz")
        let python = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, archive.path, bad.path])
        XCTAssertEqual(python.status, 0, python.all)
        let verify = try CLI.run(["verify", bad.path])
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.stdout.contains("hash-mismatch") && verify.stdout.contains("model.json"), verify.stdout)
        let target = work.appendingPathComponent("out")
        let unpack = try CLI.run(["unpack", bad.path, target.path])
        XCTAssertEqual(unpack.status, 1)
        XCTAssertTrue(unpack.stderr.contains("model.json"), unpack.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.appendingPathComponent("refinery.yaml").path), "nothing is kept from a bad archive")
    }
}
