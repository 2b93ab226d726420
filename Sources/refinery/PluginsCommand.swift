import ArgumentParser
import EventData
import Foundation
import RefineryCore

struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the systematic plugins on the search path, or create a new one.",
        subcommands: [List.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every plugin found: name, version, ABI, kind, nuisances, path and SHA-256.",
            discussion: "Search path: <workspace>/plugins, then REFINERY_PLUGIN_PATH, then the folder of this executable."
        )

        @Option(help: "A workspace whose plugins/ folder is searched first.")
        var workspace: String?

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            try reportingErrors {
                let workspace = try self.workspace.map(Workspace.open)
                let entries = PluginListing.list(catalog: PluginCatalog(workspace: workspace, executable: currentExecutable),
                                                 process: PluginProcess(executable: currentExecutable))
                if json {
                    say(String(decoding: try JSONEncoder.refinery.encode(entries), as: UTF8.self))
                } else {
                    say(PluginListing.table(entries))
                }
            }
        }
    }
}
