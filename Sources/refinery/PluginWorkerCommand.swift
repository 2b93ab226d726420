import ArgumentParser
import Foundation
import PluginHost

/// Internal: the child process that runs plugin code (process isolation). Not for users: it
/// reads its request from fd 3, which only the host sets up (PluginHost's `WorkerProcess`).
struct PluginWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin-worker",
        abstract: "Internal: run plugin code in an isolated child process.",
        shouldDisplay: false
    )

    func run() throws {
        // exit, not a return: nothing of the CLI's own teardown should run after plugin code.
        Foundation.exit(PluginWorker.serve())
    }
}

/// The running executable, for starting workers (works when invoked through a symlink or
/// a relative path).
var currentExecutable: URL {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        return URL(fileURLWithPath: path)
    }
    return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
}
