import Foundation

/// A text file of a scaffolded plugin project, kept as a resource of this module
/// (`Templates/*.template`) with `{{KEY}}` placeholders, so the project's files read as
/// what they are rather than as Swift string literals.
struct ScaffoldTemplate {
    let text: String

    enum Failure: LocalizedError {
        case missing(String)
        case unfilled(template: String, key: String)
        var errorDescription: String? {
            switch self {
            case let .missing(name): return "the scaffold template \(name) is missing from this Refinery's resources; reinstall Refinery."
            case let .unfilled(template, key): return "the scaffold template \(template) has no value for {{\(key)}}."
            }
        }
    }

    /// The template `name` (e.g. "plugin.c") from the module's resources.
    init(_ name: String) throws {
        guard let url = Bundle.module.url(forResource: name, withExtension: "template", subdirectory: "Templates")
                ?? Bundle.module.url(forResource: name, withExtension: "template"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { throw Failure.missing(name) }
        self.text = text
    }

    /// The text with every `{{KEY}}` replaced; a placeholder without a value is an error, so
    /// a template and its caller cannot drift apart silently.
    func filled(_ values: [String: String], name: String) throws -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let key = String(rest[open.upperBound..<close.lowerBound])
            guard let value = values[key] else { throw Failure.unfilled(template: name, key: key) }
            result += value
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    static func render(_ name: String, _ values: [String: String]) throws -> String {
        try ScaffoldTemplate(name).filled(values, name: name)
    }
}
