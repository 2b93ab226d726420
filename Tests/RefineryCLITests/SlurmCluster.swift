import Foundation
import XCTest

/// A one-node Slurm cluster on this machine for the tests: `scripts/slurm-cluster.sh` starts
/// munged, slurmctld and slurmd with everything (key, configuration, state, logs, pid files)
/// in one temporary directory, and `stop()` ends exactly those daemons by their pid files.
/// Clients reach it through `environment` (`SLURM_CONF`).
final class SlurmCluster {
    let directory: URL
    /// Seconds from `start` until the node was idle.
    let startSeconds: Double

    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/slurm-cluster.sh")
    }

    /// Starts a cluster in a fresh directory; throws with the script's output (it names missing
    /// packages or the daemon that did not come up, with its log folder).
    init() throws {
        // A short path: Slurm and munge keep socket paths well below the 108-byte limit.
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("rslurm-\(UUID().uuidString.prefix(8))")
        let start = Date()
        let result = try CLI.runProgram(URL(fileURLWithPath: "/bin/bash"), [Self.script.path, "start", directory.path])
        startSeconds = Date().timeIntervalSince(start)
        guard result.status == 0 else {
            _ = try? CLI.runProgram(URL(fileURLWithPath: "/bin/bash"), [Self.script.path, "stop", directory.path])
            let logs = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("log").path)) ?? []
            let tails = logs.map { name -> String in
                let text = (try? String(contentsOf: directory.appendingPathComponent("log/\(name)"), encoding: .utf8)) ?? ""
                return "== \(name)\n" + text.split(separator: "\n").suffix(15).joined(separator: "\n")
            }
            throw NSError(domain: "slurm", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey:
                "the one-node Slurm cluster did not start (scripts/ensure-deps.sh installs slurm-wlm and munge):\n\(result.all)\n\(tails.joined(separator: "\n"))"])
        }
    }

    var environment: [String: String] { ["SLURM_CONF": directory.appendingPathComponent("slurm.conf").path] }

    /// Stops the daemons this cluster started (pid files only) and removes its directory.
    func stop() {
        _ = try? CLI.runProgram(URL(fileURLWithPath: "/bin/bash"), [Self.script.path, "stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `refinery` against this cluster.
    @discardableResult
    func refinery(_ arguments: [String], extra: [String: String] = [:]) throws -> CLI.Result {
        try CLI.run(arguments, environment: environment.merging(extra) { $1 })
    }

    /// `refinery jobs --json` of one submission, decoded loosely.
    func jobs(_ workspace: URL, submission: String) throws -> [String: Any] {
        let result = try refinery(["jobs", "-w", workspace.path, "--submission", submission, "--json"])
        guard let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], let first = list.first else {
            throw NSError(domain: "slurm", code: 1, userInfo: [NSLocalizedDescriptionKey: "jobs --json: \(result.all)"])
        }
        return first
    }

    /// Waits until the submission's dependent job is neither pending nor running (it completes,
    /// or is cancelled when a task failed); returns the last `jobs` answer.
    func waitForEnd(_ workspace: URL, submission: String, timeout: Double = 150) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let status = try jobs(workspace, submission: submission)
            let after = status["after"] as? [String: Any]
            let tasks = status["tasks"] as? [[String: Any]] ?? []
            let active = ["pending", "running"]
            if let state = after?["state"] as? String, !active.contains(state),
               tasks.allSatisfy({ !active.contains($0["state"] as? String ?? "") }) { return status }
            if Date() > deadline {
                throw NSError(domain: "slurm", code: 2, userInfo: [NSLocalizedDescriptionKey: "submission \(submission) still running after \(timeout) s: \(status)"])
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }
}
