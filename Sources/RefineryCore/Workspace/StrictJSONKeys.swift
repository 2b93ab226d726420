import EventData
import Foundation

/// The keys a JSON document people write may hold, checked before decoding: Codable would
/// silently ignore a misspelled key (`"setings"`) and fall back to defaults. Used for every
/// SPEC a command reads, like refinery.yaml's own checks.
public indirect enum StrictJSONKeys: Sendable {
    /// An object with these keys, each with its own schema.
    case object([String: StrictJSONKeys])
    /// A list whose elements follow one schema.
    case list(StrictJSONKeys)
    /// Anything (a value whose type the decoder checks).
    case value

    /// Reads `T` from the JSON file at `url`, its keys checked against `self` first; any
    /// problem (unreadable, unknown key, wrong type) is thrown as `fail(sentence naming the field)`.
    public func decode<T: Decodable>(_: T.Type, file url: URL, fail: (String) -> Error) throws -> T {
        do {
            let data = try Data(contentsOf: url)
            try check(try JSONSerialization.jsonObject(with: data))
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as UnknownKey {
            throw fail(error.description)
        } catch let error as DecodingError {
            throw fail(error.fieldDescription)
        } catch {
            throw fail(error.localizedDescription)
        }
    }

    /// Throws the first unknown key, as its dotted field path with the closest allowed key.
    public func check(_ json: Any, at path: String = "") throws {
        switch self {
        case .value:
            return
        case let .list(element):
            guard let array = json as? [Any] else { return }
            for (index, item) in array.enumerated() { try element.check(item, at: "\(path)[\(index)]") }
        case let .object(fields):
            guard let object = json as? [String: Any] else { return }
            for key in object.keys.sorted() {
                let field = path.isEmpty ? key : "\(path).\(key)"
                guard let schema = fields[key] else {
                    throw UnknownKey(field: field, allowed: fields.keys.sorted(),
                                     suggestion: Suggestion.closest(to: key, in: Array(fields.keys)))
                }
                try schema.check(object[key]!, at: field)
            }
        }
    }

    public struct UnknownKey: Error, CustomStringConvertible {
        public var field: String
        public var allowed: [String]
        public var suggestion: String?
        public var description: String {
            "field '\(field)' is not allowed here." + (suggestion.map { " Did you mean '\($0)'?" } ?? "")
                + " Allowed: \(allowed.joined(separator: ", "))."
        }
    }
}
