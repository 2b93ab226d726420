import Foundation

/// Errors about the workspace and its configuration, naming the file and field.
public enum WorkspaceError: LocalizedError, Equatable {
    case missingConfig(path: String)
    case config(path: String, field: String?, problem: String)
    case notAWorkspace(path: String)
    case missingSample(path: String, command: String)
    case notFound(searchedFrom: String)
    case io(path: String, reason: String)
    case outsideWorkspace(path: String, root: String)

    public var errorDescription: String? {
        switch self {
        case let .missingConfig(path):
            return "\(path) does not exist. A workspace is a folder with a \(WorkspaceConfig.fileName); copy workspaces/tt2l/\(WorkspaceConfig.fileName) to start one."
        case let .config(path, field, problem):
            if let field, !field.isEmpty { return "\(path): field '\(field)' \(problem)" }
            return "\(path) \(problem)"
        case let .notAWorkspace(path):
            return "\(path) is not a workspace folder (no \(WorkspaceConfig.fileName) inside)."
        case let .notFound(folder):
            return "no \(WorkspaceConfig.fileName) in \(folder) or any folder above it. Give the workspace with -w DIR, or run the command inside a workspace."
        case let .io(path, reason):
            return "\(path): \(reason)"
        case let .outsideWorkspace(path, root):
            return "refusing to write \(path): it resolves outside the workspace \(root) (through a symbolic link or '..'). Remove the link, or give a path inside the workspace."
        case let .missingSample(path, command):
            return "\(path) does not exist yet. Run `\(command)` first."
        }
    }
}
