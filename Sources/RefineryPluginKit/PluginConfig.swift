import Foundation

/// A plugin's configuration block from the workspace file, as parsed JSON.
public struct PluginConfig: @unchecked Sendable {
    /// The parsed object (values are NSNumber, String, Bool, [Any], [String: Any]).
    public let values: [String: Any]

    public init(json: String) throws {
        let text = json.isEmpty ? "{}" : json
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
            throw PluginError.config("the configuration is not valid JSON: \(text.prefix(80))")
        }
        guard let dict = object as? [String: Any] else { throw PluginError.config("the configuration must be a JSON object") }
        values = dict
    }

    /// Refuses keys not in `known`, naming the first unknown one.
    public func allowOnly(_ known: [String]) throws {
        for key in values.keys.sorted() where !known.contains(key) {
            throw PluginError.config("unknown configuration key '\(key)'; known keys: \(known.joined(separator: ", "))")
        }
    }

    public func double(_ key: String, default value: Double) throws -> Double {
        guard let raw = values[key] else { return value }
        guard let number = raw as? NSNumber, !(raw is Bool) else {
            throw PluginError.config("configuration key '\(key)' must be a number, got \(raw)")
        }
        return number.doubleValue
    }

    public func string(_ key: String, default value: String) throws -> String {
        guard let raw = values[key] else { return value }
        guard let text = raw as? String else { throw PluginError.config("configuration key '\(key)' must be a string, got \(raw)") }
        return text
    }

    public func doubles(_ key: String, default value: [Double]) throws -> [Double] {
        guard let raw = values[key] else { return value }
        guard let list = raw as? [Any] else { throw PluginError.config("configuration key '\(key)' must be a list of numbers") }
        return try list.enumerated().map { index, item in
            guard let number = item as? NSNumber else {
                throw PluginError.config("configuration key '\(key)[\(index)]' must be a number, got \(item)")
            }
            return number.doubleValue
        }
    }

    /// A list of number lists, e.g. base points.
    public func points(_ key: String, default value: [[Double]]) throws -> [[Double]] {
        guard let raw = values[key] else { return value }
        guard let list = raw as? [Any] else { throw PluginError.config("configuration key '\(key)' must be a list of lists") }
        return try list.enumerated().map { index, item in
            if let number = item as? NSNumber { return [number.doubleValue] }
            guard let inner = item as? [Any] else {
                throw PluginError.config("configuration key '\(key)[\(index)]' must be a list of numbers")
            }
            return try inner.map {
                guard let number = $0 as? NSNumber else {
                    throw PluginError.config("configuration key '\(key)[\(index)]' must hold numbers, got \($0)")
                }
                return number.doubleValue
            }
        }
    }
}
