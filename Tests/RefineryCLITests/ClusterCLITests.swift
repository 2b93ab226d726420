import Foundation
import XCTest

/// `submit` and `jobs` where Slurm is not installed, and `--dry-run`, which needs no Slurm.
final class ClusterCLITests: XCTestCase {
    nonisolated(unsafe) static var directory: URL!
    nonisolated(unsafe) static var workspace: URL!

    override class func setUp() {
        super.setUp()
        directory = try! CLI.temporaryDirectory("cluster cli")
        workspace = try! CLI.workspace(in: directory, name: "no slurm ws", events: 2000, trees: 5, systematics: CLI.systematics("lepton"))
        let simulate = try! CLI.run(["simulate", "-w", workspace.path, "--threads", "2"])
        precondition(simulate.status == 0, simulate.all)
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    /// A PATH holding no Slurm command (only an empty folder).
    var noSlurm: [String: String] {
        let empty = Self.directory.appendingPathComponent("empty-bin")
        try? FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        return ["PATH": empty.path]
    }

    func testWithoutSlurmSubmitNamesTheMissingCommandsAndTrainStillWorks() throws {
        let submit = try CLI.run(["submit", "-w", Self.workspace.path], environment: noSlurm)
        XCTAssertEqual(submit.status, 1, submit.all)
        for word in ["sbatch", "squeue", "scontrol", "slurm-wlm", "--dry-run"] { XCTAssertTrue(submit.stderr.contains(word), "\(word): \(submit.all)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: Self.workspace.appendingPathComponent("cluster").path))

        let jobs = try CLI.run(["jobs", "-w", Self.workspace.path], environment: noSlurm)
        XCTAssertEqual(jobs.status, 0, jobs.all)
        XCTAssertTrue(jobs.stdout.contains("no submissions"), jobs.all)

        let dry = try CLI.run(["submit", "-w", Self.workspace.path, "--dry-run", "--partition", "short", "--time", "0:30:00", "--mem", "2G"],
                              environment: noSlurm)
        XCTAssertEqual(dry.status, 0, dry.all)
        let quoted = "'\(Self.workspace.path)"
        XCTAssertTrue(dry.stdout.contains("workspace=\(quoted)'"), dry.all)
        XCTAssertTrue(dry.stdout.contains("--partition=short") && dry.stdout.contains("--time=0:30:00") && dry.stdout.contains("--mem=2G"), dry.all)
        XCTAssertTrue(dry.stdout.contains("--dependency=afterok:\"$array\" --kill-on-invalid-dep=yes"), dry.all)
        XCTAssertTrue(dry.stdout.contains("systematics=(lepton)"), dry.all)

        let train = try CLI.run(["train", "-w", Self.workspace.path, "--allow-closure-failure"], environment: noSlurm)
        XCTAssertEqual(train.status, 0, train.all)
        let after = try CLI.run(["submit", "-w", Self.workspace.path, "--dry-run"], environment: noSlurm)
        XCTAssertTrue(after.stdout.contains("nothing to submit"), after.all)
    }

    /// The `cluster:` block gives the defaults, the command line wins, and bad values are
    /// refused naming the field.
    func testClusterBlockOptions() throws {
        let config = Self.workspace.appendingPathComponent("refinery.yaml")
        let original = try String(contentsOf: config, encoding: .utf8)
        defer { try? original.write(to: config, atomically: true, encoding: .utf8) }
        try (original + "cluster:\n  partition: long\n  account: physics\n  cpus_per_task: 2\n  store: journal\n").write(to: config, atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(at: Self.workspace.appendingPathComponent("surrogates"))
        let dry = try CLI.run(["submit", "-w", Self.workspace.path, "--dry-run", "--partition", "short"], environment: noSlurm)
        XCTAssertEqual(dry.status, 0, dry.all)
        XCTAssertTrue(dry.stdout.contains("--partition=short") && dry.stdout.contains("--account=physics") && dry.stdout.contains("--cpus-per-task=2"), dry.all)
        XCTAssertTrue(dry.stdout.contains("--threads 2") && dry.stdout.contains("--journal") && dry.stdout.contains("merge-journals"), dry.all)

        try (original + "cluster:\n  partiton: long\n").write(to: config, atomically: true, encoding: .utf8)
        let typo = try CLI.run(["submit", "-w", Self.workspace.path, "--dry-run"], environment: noSlurm)
        XCTAssertEqual(typo.status, 1)
        XCTAssertTrue(typo.stderr.contains("cluster.partiton") && typo.stderr.contains("partition"), typo.all)
        try (original + "cluster:\n  mem: \"4 G; rm -rf /\"\n").write(to: config, atomically: true, encoding: .utf8)
        let hostile = try CLI.run(["submit", "-w", Self.workspace.path, "--dry-run"], environment: noSlurm)
        XCTAssertEqual(hostile.status, 1)
        XCTAssertTrue(hostile.stderr.contains("cluster.mem"), hostile.all)
    }

    /// What follows training, in the scripts: each task validates its surrogate when the
    /// workspace holds out the test events (not the SMEFT surrogate, which is an array task
    /// like the systematics); the dependent job computes the limits when the workspace
    /// declares them (journal mode: validation there).
    func testValidationSmeftAndLimitsJoinTheScriptsWhenTheWorkspaceDeclaresThem() throws {
        let config = Self.workspace.appendingPathComponent("refinery.yaml")
        let original = try String(contentsOf: config, encoding: .utf8)
        defer { try? original.write(to: config, atomically: true, encoding: .utf8) }
        try? FileManager.default.removeItem(at: Self.workspace.appendingPathComponent("surrogates"))
        let plain = try CLI.run(["submit", "-w", Self.workspace.path, "--dry-run"], environment: noSlurm)
        XCTAssertEqual(plain.status, 0, plain.all)
        XCTAssertFalse(plain.stdout.contains(" validate ") || plain.stdout.contains(" limits "), plain.stdout)

        try (original + "validation: {hold_out_test_events: true}\n").write(to: config, atomically: true, encoding: .utf8)
        let validating = try CLI.run(["submit", "-w", Self.workspace.path, "--dry-run"], environment: noSlurm)
        XCTAssertEqual(validating.status, 0, validating.all)
        XCTAssertTrue(validating.stdout.contains(#"[ "$name" = smeft ] || "$refinery" validate -w "$workspace" --only "$name""#), validating.stdout)

        try (original + "smeft: {pois: [ctGRe, ctGIm]}\nmodel: {}\ncluster: {store: journal}\n").write(to: config, atomically: true, encoding: .utf8)
        let limits = try CLI.run(["submit", "-w", Self.workspace.path, "--dry-run"], environment: noSlurm)
        XCTAssertEqual(limits.status, 0, limits.all)
        let lines = limits.stdout.split(separator: "\n").map(String.init)
        func index(_ text: String) -> Int? { lines.firstIndex { $0.contains(text) } }
        let merge = try XCTUnwrap(index("merge-journals"), limits.stdout)
        let validate = try XCTUnwrap(index(#""$refinery" validate -w "$workspace" --threads"#), limits.stdout)
        let limit = try XCTUnwrap(index(#""$refinery" limits -w"#), limits.stdout)
        let verify = try XCTUnwrap(index("provenance verify"), limits.stdout)
        XCTAssertTrue(merge < validate && validate < limit && limit < verify, limits.stdout)
        XCTAssertTrue(limits.stdout.contains("systematics=(lepton smeft)"), "the SMEFT surrogate is an array task:\n\(limits.stdout)")
        XCTAssertTrue(limits.stdout.contains("smeft            would train: new"), limits.stdout)
        XCTAssertNil(index("--only smeft"), "the dependent job does not train it:\n\(limits.stdout)")
        XCTAssertNil(index(#"--only "$name" --threads 1 ||"#), "with journals the tasks do not write the store:\n\(limits.stdout)")
    }
}
