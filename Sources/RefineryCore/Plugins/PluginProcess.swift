import Foundation

/// The host side of process isolation: runs `refinery plugin-worker` child processes so that
/// plugin code never runs in the process that holds training results.
public struct PluginProcess: Sendable {
    /// The `refinery` executable (it contains the worker).
    public var executable: URL

    public init(executable: URL) { self.executable = executable }

    /// Info and spec of the plugin at `path` for a configuration.
    public func describe(_ path: URL, configJSON: String = "{}") throws -> PluginWorker.Description {
        let result = try run(["plugin-worker", "describe", "--plugin", path.path, "--config-json", configJSON],
                             plugin: path.lastPathComponent, path: path.path, onLine: { _ in })
        do {
            return try JSONDecoder().decode(PluginWorker.Description.self, from: Data(result.utf8))
        } catch {
            throw PluginHostError.workerFailed(plugin: path.lastPathComponent, path: path.path,
                                               message: "the worker's answer is not valid JSON: \(result.prefix(200))")
        }
    }

    /// Produces every base point of `job`; `onBasePoint(k)` is called as each one finishes.
    public func produce(_ job: PluginWorker.Job, pluginName: String, jobFile: URL,
                        onBasePoint: @escaping (Int) -> Void) throws {
        try JSONEncoder.refineryJob.encode(job).write(to: jobFile)
        defer { try? FileManager.default.removeItem(at: jobFile) }
        nonisolated(unsafe) var current: Int?
        do {
            _ = try run(["plugin-worker", "produce", "--job", jobFile.path], plugin: pluginName, path: job.plugin) { line in
                let parts = line.split(separator: " ")
                guard parts.count == 2, let k = Int(parts[1]) else { return }
                if parts[0] == "begin" { current = k }
                if parts[0] == "done" { current = nil; onBasePoint(k) }
            }
        } catch let PluginHostError.crashed(plugin, path, _, signal) {
            let point = current.map { SyntheticValidator.label(job.basePoints[$0]) }
            throw PluginHostError.crashed(plugin: plugin, path: path, basePoint: point, signal: signal)
        }
    }

    /// Runs the worker; returns its stdout. Non-zero exit → its stderr as the error; death by
    /// signal → `.crashed`.
    func run(_ arguments: [String], plugin: String, path: String, onLine: @escaping (String) -> Void) throws -> String {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw PluginHostError.workerFailed(plugin: plugin, path: path, message: "cannot start the plugin worker \(executable.path): \(error.localizedDescription)")
        }
        nonisolated(unsafe) var errorText = Data()
        let errorReader = Thread {
            errorText = err.fileHandleForReading.readDataToEndOfFile()
        }
        errorReader.start()
        var output = ""
        var pending = Data()
        let handle = out.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                output += line + "\n"
                onLine(line)
            }
        }
        output += String(decoding: pending, as: UTF8.self)
        process.waitUntilExit()
        while !errorReader.isFinished { usleep(1000) }
        let stderrText = String(decoding: errorText, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if process.terminationReason == .uncaughtSignal {
            throw PluginHostError.crashed(plugin: plugin, path: path, basePoint: nil, signal: Self.signalName(process.terminationStatus))
        }
        guard process.terminationStatus == 0 else {
            let message = stderrText.split(separator: "\n").last { $0.hasPrefix("error: ") }.map { String($0.dropFirst(7)) }
                ?? (stderrText.isEmpty ? "the worker exited with status \(process.terminationStatus)" : stderrText)
            throw PluginHostError.workerFailed(plugin: plugin, path: path, message: message)
        }
        return output
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGSEGV: return "segmentation fault, SIGSEGV"
        case SIGBUS: return "bus error, SIGBUS"
        case SIGABRT: return "abort, SIGABRT"
        case SIGILL: return "illegal instruction, SIGILL"
        case SIGFPE: return "floating-point exception, SIGFPE"
        case SIGKILL: return "killed, SIGKILL"
        case SIGTRAP: return "trap, SIGTRAP (a Swift runtime failure)"
        default: return "signal \(signal)"
        }
    }
}

extension JSONEncoder {
    static var refineryJob: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
