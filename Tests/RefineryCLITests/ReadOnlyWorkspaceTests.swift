import Foundation
import XCTest

/// Read-only commands answer on a workspace that cannot be written (issue 11, item 6): a
/// read-only bind mount, and a full disk (a small tmpfs filled to the last byte). Both are real
/// mounts in a private mount namespace (`unshare --mount`, as root, like CI); nothing outside
/// the test's namespace sees them.
final class ReadOnlyWorkspaceTests: XCTestCase {
    nonisolated(unsafe) static var directory: URL!
    nonisolated(unsafe) static var workspace: URL!

    override class func setUp() {
        super.setUp()
        directory = try! CLI.temporaryDirectory("read-only")
        workspace = try! CLI.workspace(in: directory, events: 1000, trees: 3, systematics: CLI.systematics("lepton"))
        precondition(try! CLI.run(["simulate", "-w", workspace.path]).status == 0)
        precondition(try! CLI.run(["train", "-w", workspace.path, "--allow-closure-failure"]).status == 0)
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("mount namespaces need root (CI runs as root)") }
        let probe = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["unshare", "--mount", "true"])
        guard probe.status == 0 else { throw XCTSkip("unshare --mount is not permitted here: \(probe.stderr)") }
    }

    /// The read-only commands, each with what its output must show.
    static let queries: [([String], String)] = [
        (["provenance", "runs", "--json"], "train-systematic"),
        (["provenance", "history", "lepton"], "identity"),
        (["provenance", "lineage", "surrogates/lepton/model.json"], "samples/nominal/manifest.json"),
        (["provenance", "uses", "samples/nominal/manifest.json"], "train-systematic"),
        (["provenance", "verify"], "all files match their recorded hashes"),
        (["provenance", "stale"], "lepton"),
    ]

    /// Runs `script` (sh, with the workspace as $1) in a private mount namespace.
    func inNamespace(_ script: String, _ workspace: URL, _ arguments: [String]) throws -> CLI.Result {
        try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"),
                           ["unshare", "--mount", "sh", "-c", script, "sh", workspace.path, CLI.executable.path] + arguments)
    }

    func testQueriesAnswerOnAReadOnlyMount() throws {
        let before = try Data(contentsOf: Self.workspace.appendingPathComponent("provenance.sqlite"))
        let mountReadOnly = #"mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && ws="$1" && shift && if touch "$ws/probe" 2>/dev/null; then echo "still writable"; exit 99; fi; exec "$@" -w "$ws""#
        for (arguments, expected) in Self.queries {
            let result = try inNamespace(mountReadOnly, Self.workspace, arguments)
            XCTAssertEqual(result.status, 0, "\(arguments.joined(separator: " ")) on a read-only workspace:\n\(result.all)")
            XCTAssertTrue(result.stdout.contains(expected), "\(arguments): expected '\(expected)' in:\n\(result.all)")
        }
        XCTAssertEqual(try Data(contentsOf: Self.workspace.appendingPathComponent("provenance.sqlite")), before)
    }

    func testQueriesAnswerOnAFullDisk() throws {
        let disk = Self.directory.appendingPathComponent("disk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: disk) }
        // A 64 MiB tmpfs holding a copy of the workspace, then filled until writes fail.
        let fullDisk = #"d="$1" && shift && mount -t tmpfs -o size=64m tmpfs "$d" && cp -a "$WS" "$d/ws" && (dd if=/dev/zero of="$d/fill" bs=64k 2>/dev/null; true) && if echo x > "$d/ws/probe" 2>/dev/null && [ -s "$d/ws/probe" ]; then echo "disk not full"; exit 99; fi; exec "$@" -w "$d/ws""#
        for (arguments, expected) in Self.queries {
            let result = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"),
                                            ["WS=\(Self.workspace.path)", "unshare", "--mount", "sh", "-c", fullDisk, "sh", disk.path,
                                             CLI.executable.path] + arguments)
            XCTAssertEqual(result.status, 0, "\(arguments.joined(separator: " ")) on a full disk:\n\(result.all)")
            XCTAssertTrue(result.stdout.contains(expected), "\(arguments): expected '\(expected)' in:\n\(result.all)")
        }
    }
}
