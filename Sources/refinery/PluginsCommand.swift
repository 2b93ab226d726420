import ArgumentParser
import EventData
import Foundation
import PluginHost
import RefineryCore

struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the systematic plugins on the search path, or create a new one.",
        subcommands: [List.self, New.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every plugin found: name, version, ABI, kind, nuisances, path and SHA-256.",
            discussion: """
            Search path: <workspace>/plugins, then REFINERY_PLUGIN_PATH, then the folder of this executable. \
            Binaries that came from a workspace archive are not run (their description is shown only if this user's \
            cache has it) unless --trust-archived-plugins is given. Descriptions are cached by binary SHA-256 in \
            $XDG_CACHE_HOME/refinery. Plugin code runs in sandboxed workers bounded by REFINERY_PLUGIN_WALL_SECONDS, \
            REFINERY_PLUGIN_CPU_SECONDS, REFINERY_PLUGIN_MEMORY_MB and REFINERY_PLUGIN_FILE_MB (docs/plugins.md).
            """
        )

        @Option(name: [.short, .long], help: ArgumentHelp("A workspace whose plugins/ folder is searched first (default: the nearest folder holding refinery.yaml, from the current folder up, if any).", valueName: "dir"))
        var workspace: String?

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var trust: TrustArchivedPluginsOption

        func run() throws {
            try reportingErrors {
                // Outside any workspace the list is of the search path alone.
                let found = self.workspace ?? Workspace.discover(from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))?.path
                let workspace = try found.map(Workspace.open)
                let catalog = PluginCatalog(workspace: workspace, executable: currentExecutable,
                                            trustArchivedPlugins: trust.trustArchivedPlugins)
                let entries = PluginListing.list(catalog: catalog,
                                                 process: PluginProcess(executable: currentExecutable, trust: catalog.trust))
                if json {
                    say(String(decoding: try JSONEncoder.refinery.encode(entries), as: UTF8.self))
                } else {
                    say(PluginListing.table(entries))
                }
            }
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a buildable plugin project (Swift or C) in its own folder, with a README.",
            discussion: "Build it, copy the library into <workspace>/plugins/ (or add its folder to REFINERY_PLUGIN_PATH), list it in refinery.yaml, and `refinery train` loads it without rebuilding the host."
        )

        @Argument(help: "The plugin's name (letters and digits), e.g. PileupReweighting.")
        var name: String

        @Option(help: "reweight (eq. 31), calibrate (eq. 30) or alternative (section 5.3).")
        var kind: SystematicKind

        @Option(help: "swift or c.")
        var language = PluginScaffold.Language.swift

        @Option(help: "The folder to create the project in.")
        var output = "."

        @Flag(help: "Print the project folder and its files as JSON.")
        var json = false

        /// What `plugins new --json` prints.
        struct Created: Encodable {
            var folder: String
            var files: [String]
        }

        func run() throws {
            try reportingErrors {
                let folder = try PluginScaffold.create(name: name, kind: kind, language: language, parent: URL(fileURLWithPath: output))
                if json {
                    let files = (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? [])
                        .filter { !$0.hasPrefix(".") }.sorted()
                    return try sayJSON(Created(folder: folder.path, files: files))
                }
                say("wrote \(folder.path); see its README.md to build and use it")
            }
        }
    }
}

extension SystematicKind: ExpressibleByArgument {}
extension PluginScaffold.Language: ExpressibleByArgument {}
