import EventData
import Foundation
import Validation
import Yams

extension WorkspaceConfig {
    /// Reads and validates `refinery.yaml` at `url`.
    ///
    /// Order of checks: the file parses as YAML; `schema` is present and supported (so an
    /// old or future file is refused before anything else is interpreted); no unknown fields;
    /// every field has the right type; values are in range.
    public static func load(from url: URL) throws -> WorkspaceConfig {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw WorkspaceError.missingConfig(path: path)
        }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw WorkspaceError.config(path: path, field: nil, problem: "cannot be read as UTF-8 text (\(error.localizedDescription))")
        }
        let node: Node
        do {
            guard let parsed = try BoundedYAML.compose(text, path: path) else {
                throw WorkspaceError.config(path: path, field: nil, problem: "is empty; expected a YAML mapping starting with 'schema: \(currentSchema)'")
            }
            node = parsed
        } catch let error as WorkspaceError { throw error } catch {
            throw WorkspaceError.config(path: path, field: nil, problem: "is not valid YAML: \(error)")
        }
        guard let mapping = node.mapping else {
            throw WorkspaceError.config(path: path, field: nil, problem: "must be a YAML mapping (key: value lines)")
        }
        guard let schemaNode = mapping["schema"] else {
            throw WorkspaceError.config(path: path, field: "schema", problem: "is missing; add 'schema: \(currentSchema)' as the first line")
        }
        guard let schema = schemaNode.int else {
            throw WorkspaceError.config(path: path, field: "schema", problem: "is '\(schemaNode.string ?? "?")', expected an integer (\(currentSchema))")
        }
        guard schema == currentSchema else {
            throw WorkspaceError.config(path: path, field: "schema",
                problem: "is \(schema), but this Refinery (\(RefineryVersion.version)) reads schema \(currentSchema). " +
                    (schema > currentSchema ? "Upgrade Refinery to read this workspace." : "Migrate the file to schema \(currentSchema) (see docs/workspace-config.md)."))
        }
        try checkKeys(node, allowed: CodingKeys.allCases.map(\.rawValue), at: "", path: path)
        try checkKeys(mapping["simulation"], allowed: SimulationSection.CodingKeys.allCases.map(\.rawValue), at: "simulation", path: path)
        try checkKeys(mapping["learner"], allowed: LearnerSection.allowedKeys, at: "learner", path: path)
        try checkKeys(mapping["demo"], allowed: DemoSection.CodingKeys.allCases.map(\.rawValue), at: "demo", path: path)
        try checkKeys(mapping["held_out"], allowed: HeldOutSection.CodingKeys.allCases.map(\.rawValue), at: "held_out", path: path)
        try checkKeys(mapping["cluster"], allowed: ClusterSection.CodingKeys.allCases.map(\.rawValue), at: "cluster", path: path)
        try checkKeys(mapping["smeft"], allowed: SmeftSection.CodingKeys.allCases.map(\.rawValue), at: "smeft", path: path)
        try checkKeys(mapping["smeft"]?.mapping?["learner"], allowed: SmeftLearner.allowedKeys, at: "smeft.learner", path: path)
        try checkKeys(mapping["model"], allowed: ModelSection.CodingKeys.allCases.map(\.rawValue), at: "model", path: path)
        try checkKeys(mapping["validation"], allowed: ValidationSection.allowedKeys, at: "validation", path: path)
        for (index, entry) in (mapping["systematics"]?.sequence ?? []).enumerated() {
            try checkKeys(entry, allowed: SystematicEntry.CodingKeys.allCases.map(\.rawValue), at: "systematics[\(index)]", path: path)
            try checkKeys(entry.mapping?["learner"], allowed: LearnerOverride.allowedKeys,
                          at: "systematics[\(index)].learner", path: path)
        }
        let config: WorkspaceConfig
        do {
            config = try YAMLDecoder().decode(WorkspaceConfig.self, from: node)
        } catch let error as DecodingError {
            let (field, problem) = error.fieldAndProblem
            throw WorkspaceError.config(path: path, field: field, problem: problem)
        } catch {
            throw WorkspaceError.config(path: path, field: nil, problem: "\(error)")
        }
        try config.validate(path: path)
        return config
    }

    /// Refuses unknown keys, suggesting the closest known one.
    private static func checkKeys(_ node: Node?, allowed: [String], at prefix: String, path: String) throws {
        guard let mapping = node?.mapping else { return }
        for key in mapping.keys {
            guard let name = key.string else { continue }
            if !allowed.contains(name) {
                let field = prefix.isEmpty ? name : "\(prefix).\(name)"
                let suggestion = Suggestion.closest(to: name, in: allowed).map { " Did you mean '\($0)'?" } ?? ""
                throw WorkspaceError.config(path: path, field: field,
                    problem: "is not a known field.\(suggestion) Known fields here: \(allowed.joined(separator: ", ")).")
            }
        }
    }

    /// Range checks that the type system cannot express.
    func validate(path: String) throws {
        func require(_ condition: Bool, _ field: String, _ problem: String) throws {
            if !condition { throw WorkspaceError.config(path: path, field: field, problem: problem) }
        }
        try require(!name.isEmpty, "name", "must not be empty")
        try require(simulation.nominalEvents >= 100, "simulation.nominal_events", "is \(simulation.nominalEvents), expected at least 100")
        try require(simulation.alternativeEvents >= 100, "simulation.alternative_events", "is \(simulation.alternativeEvents), expected at least 100")
        try require(simulation.crossSectionPb > 0, "simulation.cross_section_pb", "is \(simulation.crossSectionPb), expected a positive cross-section in pb")
        try require(demo.nominalEvents >= 100, "demo.nominal_events", "is \(demo.nominalEvents), expected at least 100")
        try require(demo.alternativeEvents >= 100, "demo.alternative_events", "is \(demo.alternativeEvents), expected at least 100")
        try require(demo.trees >= 1, "demo.trees", "is \(demo.trees), expected at least 1")
        if let heldOut {
            try require(heldOut.fraction > 0 && heldOut.fraction < 1, "held_out.fraction", "is \(heldOut.fraction), expected 0 < f < 1")
        }
        if let validation {
            do { _ = try validation.classifier.validated() } catch let error as C2STError {
                guard case let .invalidSetting(field, detail) = error else { throw error }
                throw WorkspaceError.config(path: path, field: "validation.\(field)", problem: detail)
            }
        }
        try learner.validate(at: "learner", path: path)
        try cluster?.validate(at: "cluster", path: path)
        var seen = Set<String>()
        for (index, entry) in systematics.enumerated() {
            try entry.learner?.validate(at: "systematics[\(index)].learner", path: path)
            try require(!entry.name.isEmpty, "systematics[\(index)].name", "must not be empty")
            // A systematic's name becomes a folder (synthetic/<name>, surrogates/<name>): it is a
            // name, never a path, and unique however the file system folds case.
            try require(FileName.isValid(entry.name), "systematics[\(index)].name",
                        "'\(entry.name)' is not a valid name: \(FileName.rule)")
            try require(seen.insert(entry.name.lowercased()).inserted, "systematics[\(index)].name",
                        "'\(entry.name)' is listed twice (names are compared ignoring case); names must be unique")
        }
        try smeft?.validate(path: path, systematics: systematics)
        try model?.validate(path: path, systematicNames: systematics.map(\.name), smeft: smeft)
    }
}

extension DecodingError {
    /// The dotted field path and a sentence about what is wrong with it.
    var fieldAndProblem: (String?, String) {
        func dotted(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch self {
        case let .keyNotFound(key, context):
            let parent = dotted(context.codingPath)
            return (parent.isEmpty ? key.stringValue : "\(parent).\(key.stringValue)", "is missing")
        case let .typeMismatch(type, context):
            return (dotted(context.codingPath), "has the wrong type; expected \(Suggestion.typeName(type))")
        case let .valueNotFound(type, context):
            return (dotted(context.codingPath), "is empty; expected \(Suggestion.typeName(type))")
        case let .dataCorrupted(context):
            return (dotted(context.codingPath), "is invalid: \(context.debugDescription)")
        @unknown default:
            return (nil, "\(self)")
        }
    }
}

extension Suggestion {
    /// How a decoding error names the type a field expected.
    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "a mapping" }
            return "a \(name) mapping"
        }
    }
}
