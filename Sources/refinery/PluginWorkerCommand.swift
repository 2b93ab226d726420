import ArgumentParser
import Foundation
import RefineryCore

/// Internal: the child process that runs plugin code (process isolation). Not for users.
struct PluginWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin-worker",
        abstract: "Internal: run plugin code in an isolated child process.",
        shouldDisplay: false,
        subcommands: [Describe.self, Produce.self]
    )

    struct Describe: ParsableCommand {
        @Option var plugin: String
        @Option var configJson = "{}"

        func run() throws {
            try reportingErrors {
                let description = try PluginWorker.describe(plugin: plugin, configJSON: configJson)
                say(String(decoding: try JSONEncoder.refinery.encode(description), as: UTF8.self))
            }
        }
    }

    struct Produce: ParsableCommand {
        @Option var job: String

        func run() throws {
            try reportingErrors {
                let job = try JSONDecoder().decode(PluginWorker.Job.self, from: Data(contentsOf: URL(fileURLWithPath: job)))
                try PluginWorker.produce(job) { say($0) }
            }
        }
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
