import Foundation
import Provenance

/// What `train` decides for one systematic before doing anything (section 6.4: refining the
/// model retrains only what changed). Typed so that the demo, `provenance stale`, `--json` and
/// the tests read the decision, not a sentence; `DecisionText` renders it for people.
public enum TrainingDecision: Sendable, Equatable {
    /// The recorded surrogate with this identity key is still on disk unchanged.
    case reuse(surrogateID: Int64)
    case train(TrainReason)

    public var isReuse: Bool { if case .reuse = self { return true } else { return false } }
}

/// Why a surrogate is (re)trained.
public enum TrainReason: Sendable, Equatable {
    /// No surrogate was ever recorded for this systematic.
    case new
    /// What determines the surrogate differs from its latest recorded version: the typed
    /// changes of the store, and the learner settings that moved.
    case inputsChanged(changes: [SurrogateChange], settings: [SettingChange])
    /// The identity matches, but one of the surrogate's files is gone...
    case fileMissing(path: String)
    /// ...or is no longer what the run that trained it wrote.
    case fileModified(path: String)
}

/// One learner setting that differs between two versions of a surrogate.
public struct SettingChange: Sendable, Equatable, Codable {
    public var name: String
    public var from: Double?
    public var to: Double?

    public init(name: String, from: Double?, to: Double?) {
        self.name = name
        self.from = from
        self.to = to
    }
}

/// A surrogate file as found on disk now.
public enum FileState: Sendable, Equatable {
    case missing
    case present(sha256: String)
}

/// `--json` form: `{"action": "reuse", "surrogateID": 3}` or `{"action": "train", "reason":
/// "new" | "inputsChanged" | "fileMissing" | "fileModified", "changes": [...], "settings":
/// [{"name", "from", "to"}], "path": ...}`, plus `"text"`, the sentence `train` prints.
extension TrainingDecision: Encodable {
    enum CodingKeys: String, CodingKey { case action, surrogateID, reason, changes, settings, path, text }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(DecisionText.text(self), forKey: .text)
        switch self {
        case let .reuse(surrogateID):
            try container.encode("reuse", forKey: .action)
            try container.encode(surrogateID, forKey: .surrogateID)
        case let .train(reason):
            try container.encode("train", forKey: .action)
            switch reason {
            case .new:
                try container.encode("new", forKey: .reason)
            case let .inputsChanged(changes, settings):
                try container.encode("inputsChanged", forKey: .reason)
                try container.encode(changes, forKey: .changes)
                try container.encode(settings, forKey: .settings)
            case let .fileMissing(path):
                try container.encode("fileMissing", forKey: .reason)
                try container.encode(path, forKey: .path)
            case let .fileModified(path):
                try container.encode("fileModified", forKey: .reason)
                try container.encode(path, forKey: .path)
            }
        }
    }
}

extension TrainingDecision {
    /// The decision, as a pure function of what the store and the disk say.
    ///
    /// - Parameters:
    ///   - candidate: the surrogate entry training would record now (its identity key computed).
    ///   - sameIdentity: the latest recorded surrogate with the candidate's identity key.
    ///   - recordedFiles: path → SHA-256 of the files the run that trained `sameIdentity` wrote.
    ///   - files: the surrogate's files (workspace-relative, in their fixed order) as on disk.
    ///   - previous: the latest recorded surrogate of the systematic, whatever its identity.
    public static func decide(candidate: SurrogateEntry, sameIdentity: SurrogateEntry?, recordedFiles: [String: String],
                              files: [(path: String, state: FileState)], previous: SurrogateEntry?) -> TrainingDecision {
        if let existing = sameIdentity {
            for (path, state) in files {
                guard case let .present(sha256) = state else { return .train(.fileMissing(path: path)) }
                guard recordedFiles[path] == sha256 else { return .train(.fileModified(path: path)) }
            }
            return .reuse(surrogateID: existing.id ?? 0)
        }
        guard let previous else { return .train(.new) }
        let settings = Set(candidate.settings.keys).union(previous.settings.keys).sorted().compactMap { name in
            candidate.settings[name] == previous.settings[name]
                ? nil : SettingChange(name: name, from: previous.settings[name], to: candidate.settings[name])
        }
        return .train(.inputsChanged(changes: candidate.changes(from: previous), settings: settings))
    }
}
