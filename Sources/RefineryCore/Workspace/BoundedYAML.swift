import Foundation
import Yams

/// Composes `refinery.yaml` under limits, so that a hostile or broken file is a clear error
/// rather than a hang, a crash or a silently odd value.
///
/// Checked on the raw text, before Yams sees it: the size, the depth of flow collections, and
/// anchors and aliases, which are refused outright. A workspace configuration never needs
/// them, and an alias bomb ("billion laughs": nine levels of ten aliases each) composes in
/// microseconds but makes every later walk of the tree (key checks, decoding) visit 10⁹
/// nodes, which hung every command. Checked on the composed tree: no number is NaN or ±∞
/// (`.nan`, `.inf`, or a literal such as `1e400` that overflows), with the field named.
enum BoundedYAML {
    /// refinery.yaml is a few kilobytes; a megabyte is far beyond any real one.
    static let maximumBytes = 1 << 20
    /// Nesting of `[` / `{`, which Yams's composer and decoder follow by recursion.
    static let maximumFlowDepth = 64

    static func compose(_ text: String, path: String) throws -> Node? {
        func fail(_ field: String?, _ problem: String) -> WorkspaceError { .config(path: path, field: field, problem: problem) }
        let bytes = Array(text.utf8)
        guard bytes.count <= maximumBytes else {
            throw fail(nil, "is \(bytes.count) bytes; a workspace configuration may be at most \(maximumBytes) bytes")
        }
        if let problem = scan(bytes) { throw fail(nil, problem) }
        guard let node = try Yams.compose(yaml: text) else { return nil }
        try refuseNonFinite(node, at: "", fail: fail)
        return node
    }

    /// Why the text is refused before parsing, or nil. A light tokenizer: it tracks quoted
    /// scalars, comments, block scalars (`|`, `>`) and flow depth, and reports `&`/`*` where
    /// YAML reads them as an anchor or alias (at the start of a node), not inside text.
    static func scan(_ bytes: [UInt8]) -> String? {
        var line = 1
        var index = 0
        var flowDepth = 0
        var atNodeStart = true           // at the start of a line (after indentation) or after an indicator
        var blockScalarIndent: Int? = nil // inside `|`/`>` content: lines indented deeper than this
        var lineIndent = 0
        var lineStart = true

        func byte(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        func isBlank(_ b: UInt8?) -> Bool { b == nil || b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

        while index < bytes.count {
            let c = bytes[index]
            if lineStart {
                var indent = 0
                while let b = byte(indent), b == 0x20 { indent += 1 }
                let blank = isBlank(byte(indent)) && byte(indent) != 0x20
                if let parent = blockScalarIndent {
                    if blank || indent > parent { // content of the block scalar: skip the line
                        while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                        index += 1; line += 1
                        continue
                    }
                    blockScalarIndent = nil
                }
                lineIndent = indent
                index += indent
                lineStart = false
                atNodeStart = true
                continue
            }
            switch c {
            case 0x0A:
                line += 1; lineStart = true; index += 1
                continue
            case UInt8(ascii: "#") where index == 0 || isBlank(bytes[index - 1]):
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                continue
            case _ where (c == UInt8(ascii: "'") || c == UInt8(ascii: "\"")) && atNodeStart:
                // A quoted scalar: '' escapes a single quote, \ escapes in double quotes.
                index += 1
                while index < bytes.count {
                    if bytes[index] == 0x0A { line += 1 }
                    if c == UInt8(ascii: "\""), bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
                    if bytes[index] == c {
                        if c == UInt8(ascii: "'"), byte(1) == c { index += 2; continue }
                        break
                    }
                    index += 1
                }
                index += 1
                atNodeStart = false
                continue
            case _ where (c == UInt8(ascii: "&") || c == UInt8(ascii: "*")) && atNodeStart:
                let kind = c == UInt8(ascii: "&") ? "an anchor" : "an alias"
                return "uses \(kind) ('\(Character(Unicode.Scalar(c)))…' on line \(line)); YAML anchors and aliases are not accepted in a workspace configuration, write the values out"
            case _ where (c == UInt8(ascii: "|") || c == UInt8(ascii: ">")) && atNodeStart && flowDepth == 0:
                blockScalarIndent = lineIndent
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                continue
            case _ where (c == UInt8(ascii: "[") || c == UInt8(ascii: "{")) && atNodeStart:
                flowDepth += 1
                if flowDepth > maximumFlowDepth {
                    return "nests lists or mappings more than \(maximumFlowDepth) deep (line \(line))"
                }
                index += 1
                continue
            case _ where (c == UInt8(ascii: "]") || c == UInt8(ascii: "}")) && flowDepth > 0:
                flowDepth -= 1; index += 1; atNodeStart = false
                continue
            case UInt8(ascii: ",") where flowDepth > 0:
                index += 1; atNodeStart = true
                continue
            case _ where ((c == UInt8(ascii: "-") || c == UInt8(ascii: "?")) && atNodeStart || c == UInt8(ascii: ":"))
                        && (isBlank(byte(1)) || flowDepth > 0 && (byte(1) == UInt8(ascii: ",") || byte(1) == UInt8(ascii: "]") || byte(1) == UInt8(ascii: "}"))):
                index += 1; atNodeStart = true
                continue
            case 0x20, 0x09, 0x0D:
                index += 1
                continue
            default:
                // Plain text: `&` and `*` inside it are characters, not anchors.
                index += 1; atNodeStart = false
                continue
            }
        }
        return nil
    }

    /// Refuses NaN and ±∞ wherever Yams would read a plain scalar as a floating-point number.
    static func refuseNonFinite(_ node: Node, at field: String, fail: (String?, String) -> WorkspaceError) throws {
        switch node {
        case let .scalar(scalar):
            if let value = Double.construct(from: scalar), !value.isFinite {
                throw fail(field.isEmpty ? nil : field,
                           "is \(scalar.string) (\(value)); numbers must be finite. Quote it if you mean the text")
            }
        case let .mapping(mapping):
            for (key, value) in mapping {
                let name = key.string ?? "?"
                try refuseNonFinite(value, at: field.isEmpty ? name : "\(field).\(name)", fail: fail)
            }
        case let .sequence(sequence):
            for (index, element) in sequence.enumerated() { try refuseNonFinite(element, at: "\(field)[\(index)]", fail: fail) }
        case .alias:
            throw fail(field.isEmpty ? nil : field, "is an alias; YAML aliases are not accepted in a workspace configuration")
        }
    }
}
