import Foundation

/// Slurm's client commands, found on PATH and run directly (no shell: arguments are never
/// re-split or re-interpreted, so paths with spaces need no quoting here).
public struct SlurmTools: Sendable {
    public let sbatch: URL
    public let squeue: URL
    public let scontrol: URL
    /// Only with an accounting database; `jobs` works without it.
    public let sacct: URL?

    /// The commands `submit` and `jobs` need.
    public static let required = ["sbatch", "squeue", "scontrol"]

    /// Finds the commands on `PATH`, or says which are missing.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SlurmTools {
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        func find(_ name: String) -> URL? {
            for folder in path.split(separator: ":") where !folder.isEmpty {
                let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
            return nil
        }
        let missing = required.filter { find($0) == nil }
        guard missing.isEmpty else { throw ClusterError.slurmMissing(commands: missing) }
        return SlurmTools(sbatch: find("sbatch")!, squeue: find("squeue")!, scontrol: find("scontrol")!, sacct: find("sacct"))
    }

    /// What a command printed and how it ended.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `tool` with `arguments` and waits for it.
    public static func run(_ tool: URL, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to the end before waiting, so a chatty command cannot block on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `tool` and returns its standard output, or throws with its error output.
    public static func check(_ tool: URL, _ arguments: [String]) throws -> String {
        let output = try run(tool, arguments)
        guard output.status == 0 else {
            throw ClusterError.slurmFailed(command: ([tool.lastPathComponent] + arguments.prefix(4)).joined(separator: " "),
                                           status: output.status, output: output.stderr + output.stdout)
        }
        return output.stdout
    }
}
