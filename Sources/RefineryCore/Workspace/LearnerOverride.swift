import BoostedParametricTree
import Foundation

extension WorkspaceConfig {
    /// Learner settings that override the plugin's defaults; absent fields keep them.
    ///
    /// The settings, their ranges and defaults are declared once, in the learner's table
    /// (`BPTSettings.parameters`); a key here is a setting's name in snake case
    /// (`learning_rate` for `learningRate`), so a setting the learner gains is accepted in
    /// refinery.yaml, in a fit SPEC and in the docs without being listed again.
    public struct LearnerOverride: Codable, Equatable, Sendable {
        /// Setting name (as in `BPTSettings.parameters`) → value.
        public var values: [String: Double]

        public init(values: [String: Double] = [:]) { self.values = values }

        /// The keys a `learner:` block accepts.
        public static var allowedKeys: [String] { BPTSettings.parameters.map { SettingKey.snake($0.name) } }

        public var trees: Int? { values["trees"].map { Int($0) } }
        public var learningRate: Double? { values["learningRate"] }
        public var maxDepth: Int? { values["maxDepth"].map { Int($0) } }
        public var minNodeSize: Int? { values["minNodeSize"].map { Int($0) } }
        public var bins: Int? { values["bins"].map { Int($0) } }

        /// Sets every overridden value on `settings` (each checked against its range).
        public func apply(to settings: inout BPTSettings) throws {
            for (name, value) in values.sorted(by: { $0.key < $1.key }) { try settings.set(name, to: value) }
        }

        /// Checks every value against the learner's declared range, naming the field.
        public func validate(at prefix: String, path: String) throws {
            for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                guard let parameter = BPTSettings.parameter(named: name) else { continue }
                var probe = BPTSettings()
                do { try probe.set(name, to: value) } catch {
                    throw WorkspaceError.config(path: path, field: "\(prefix).\(SettingKey.snake(name))",
                                                problem: "is \(SettingKey.format(value)), expected \(parameter.isInteger ? "an integer " : "")in \(parameter.validRange) (\(parameter.description))")
                }
            }
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: SettingKey.self)
            values = [:]
            for key in container.allKeys {
                guard let name = SettingKey.camel(key.stringValue, known: BPTSettings.parameters.map(\.name)) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "is not a learner setting")
                }
                values[name] = try container.decode(Double.self, forKey: key)
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: SettingKey.self)
            for (name, value) in values { try container.encode(value, forKey: SettingKey(SettingKey.snake(name))) }
        }
    }
}

/// A learner setting's key in files people write: the table's name in snake case.
public struct SettingKey: CodingKey, Hashable {
    public var stringValue: String
    public var intValue: Int? { nil }
    public init(_ string: String) { stringValue = string }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }

    /// `learningRate` → `learning_rate`.
    public static func snake(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
        return result
    }

    /// The table name whose snake case is `key`, if any.
    public static func camel(_ key: String, known: [String]) -> String? { known.first { snake($0) == key } }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// The learner's settings in words, from the learner's table: CLI help and docs say the same.
public enum LearnerSettingsHelp {
    /// "trees (default 300, in [1, 100000]), learning_rate (...)".
    public static var text: String {
        BPTSettings.parameters.map { "\(SettingKey.snake($0.name)) (default \(SettingKey.format($0.defaultValue)), in \($0.validRange))" }
            .joined(separator: ", ")
    }

    /// A Markdown table for docs/workspace-config.md (a test keeps the page in step).
    public static var markdownTable: String {
        var lines = ["| key | default | range | meaning |", "|---|---|---|---|"]
        for p in BPTSettings.parameters {
            lines.append("| `\(SettingKey.snake(p.name))` | \(SettingKey.format(p.defaultValue)) | \(p.validRange)\(p.isInteger ? ", integer" : "") | \(p.description) |")
        }
        return lines.joined(separator: "\n")
    }
}
