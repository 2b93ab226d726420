import Foundation

/// Errors of `refinery train` that are not the plugin's or the learner's own.
public enum TrainingError: LocalizedError, Equatable {
    case unknownSystematic(name: String, known: [String])
    case noSystematics(path: String)
    case failures([String])

    public var errorDescription: String? {
        switch self {
        case let .unknownSystematic(name, known):
            return "--only \(name): no systematic of that name in the workspace; it lists \(known.isEmpty ? "none" : known.joined(separator: ", "))."
        case let .noSystematics(path):
            return "\(path) lists no systematics. Add entries under 'systematics:' (see docs/workspace-config.md)."
        case let .failures(names):
            return "\(names.count) systematic(s) failed: \(names.joined(separator: ", ")); the others were trained and kept."
        }
    }
}
