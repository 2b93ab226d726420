import Foundation
import RefineryCore
import XCTest

/// What a cluster task records about where it ran, how `auto` picks the store mode, and the
/// quoting every batch script relies on.
final class ClusterEnvironmentTests: XCTestCase {
    func testSlurmEnvironmentGivesJobArrayTaskAndNode() {
        let task = ClusterJob.from(["SLURM_JOB_ID": "124", "SLURM_ARRAY_JOB_ID": "120", "SLURM_ARRAY_TASK_ID": "4", "SLURMD_NODENAME": "cn042"])
        XCTAssertEqual(task, ClusterJob(job: "120", arrayTask: 4, node: "cn042"))
        XCTAssertEqual(task?.recordedID, "120_4")
        let job = ClusterJob.from(["SLURM_JOB_ID": "77", "SLURMD_NODENAME": "cn001"])
        XCTAssertEqual(job?.recordedID, "77")
        XCTAssertEqual(job?.node, "cn001")
        XCTAssertNil(ClusterJob.from(["HOME": "/root"]))
    }

    func testAutoStoreModeUsesJournalsOnNetworkMounts() {
        let mounts = """
            overlay / overlay rw 0 0
            server:/export /shared nfs4 rw,relatime 0 0
            /dev/sda1 /shared/local\\040disk ext4 rw 0 0
            """
        XCTAssertEqual(FileSystemKind.of(URL(fileURLWithPath: "/shared/ana/ws"), mounts: mounts), .network)
        XCTAssertEqual(FileSystemKind.of(URL(fileURLWithPath: "/shared/local disk/ws"), mounts: mounts), .local)
        XCTAssertEqual(FileSystemKind.of(URL(fileURLWithPath: "/sharedother/ws"), mounts: mounts), .local)
        XCTAssertEqual(FileSystemKind.of(URL(fileURLWithPath: "/home/ws"), mounts: mounts), .local)
    }

    /// bash itself reads the quoted words back (independent of the quoting code).
    func testQuotedWordsAreReadBackByBash() throws {
        let words = ["plain", "with space", "it's", "'", "a\"b$c`d\\e", "", "tab\there", "ünïcode ✓", "%a"]
        let script = "for w in " + words.map(BatchScripts.quote).joined(separator: " ") + "; do printf '%s\\0' \"$w\"; done"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let read = String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
        XCTAssertEqual(read, words)
    }
}
