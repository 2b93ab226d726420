import ArgumentParser
import Foundation
import RefineryCore

/// How every command is given its workspace: `-w/--workspace DIR`, or, when omitted, the
/// nearest folder holding `refinery.yaml` from the current folder up (as git finds `.git`).
/// Commands that took the workspace as a positional argument still accept it there.
struct WorkspaceOption: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("The workspace folder (default: the nearest folder holding refinery.yaml, from the current folder up).", valueName: "dir"))
    var workspace: String?

    /// The workspace named by `-w`, or by a positional `legacy` argument, or found upward.
    func resolve(legacy: String? = nil, fallback: String? = nil) throws -> Workspace {
        if let workspace, let legacy, URL(fileURLWithPath: workspace).standardizedFileURL != URL(fileURLWithPath: legacy).standardizedFileURL {
            throw ValidationError("The workspace is given twice ('\(legacy)' and -w '\(workspace)'); give it once, with -w.")
        }
        if let path = workspace ?? legacy { return try Workspace.open(path) }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let found = Workspace.discover(from: cwd) { return try Workspace.open(found.path) }
        if let fallback, FileManager.default.fileExists(atPath: URL(fileURLWithPath: fallback).appendingPathComponent(WorkspaceConfig.fileName).path) {
            return try Workspace.open(fallback)
        }
        throw WorkspaceError.notFound(searchedFrom: cwd.path)
    }
}
