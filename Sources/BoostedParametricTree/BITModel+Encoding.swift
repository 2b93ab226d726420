import Foundation

/// The BIT model file, format "refinery-bit", version 1: UTF-8 JSON with sorted keys
/// (documented in `docs/model-format.md`):
///
/// ```json
/// {"featureCount": 14, "format": "refinery-bit", "poiNames": ["ctGRe", ...],
///  "settings": {"bins": 255, "learningRate": 0.2, "maxDepth": 4, "minNodeSize": 50, "trees": 300},
///  "trees": [{"leafCoefficients": [[v_A of leaf 0], ...], "left": [...], "right": [...],
///             "splitFeature": [...], "threshold": [...]}],
///  "version": 1}
/// ```
///
/// Trees have the BPT's layout (``BPTTree``); each leaf holds the K = P + P(P+1)/2 values v_A
/// (linear, then quadratic m ≤ n), not multiplied by η. R̂(x|θ) = 1 + Σ_b η Σ_A θ_A v_{A,leaf_b(x)}.
/// Doubles are written as the shortest decimal that reads back to the same bits.
extension BITModel {
    public static let formatName = "refinery-bit"
    public static let formatVersion = 1

    private struct Header: Decodable {
        let format: String?
        let version: Int?
    }

    private struct File: Codable {
        var format: String
        var version: Int
        var settings: BITSettings
        var poiNames: [String]
        var featureCount: Int
        var trees: [BPTTree]
    }

    /// The model file bytes (format above).
    public func encoded() -> [UInt8] {
        let file = File(format: Self.formatName, version: Self.formatVersion, settings: settings, poiNames: poiNames,
                        featureCount: featureCount, trees: trees)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return Array(try encoder.encode(file))
        } catch {
            preconditionFailure("BIT model encoding failed: \(error)")  // every double is finite
        }
    }

    /// Reads a model file, checking format, version and structure.
    ///
    /// - Throws: ``BPTError/unsupportedModelVersion(found:supported:)`` for another version,
    ///   ``BPTError/invalidModelFile(reason:)`` for anything else that is wrong.
    public init(decoding bytes: [UInt8]) throws {
        let data = Data(bytes)
        let decoder = JSONDecoder()
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: data)
        } catch {
            throw BPTError.invalidModelFile(reason: "not a JSON object (\(error.localizedDescription))")
        }
        guard header.format == Self.formatName else {
            throw BPTError.invalidModelFile(reason: "the \"format\" field is \(header.format.map { "'\($0)'" } ?? "missing"), "
                + "expected '\(Self.formatName)'")
        }
        guard let version = header.version else { throw BPTError.invalidModelFile(reason: "the \"version\" field is missing") }
        guard version == Self.formatVersion else {
            throw BPTError.unsupportedModelVersion(found: version, supported: Self.formatVersion)
        }
        let file: File
        do {
            file = try decoder.decode(File.self, from: data)
            try file.settings.validate()
            try Self.validate(poiNames: file.poiNames)
        } catch let error as BPTError {
            throw BPTError.invalidModelFile(reason: error.errorDescription ?? "\(error)")
        } catch {
            throw BPTError.invalidModelFile(reason: "\(error)")
        }
        guard file.featureCount > 0 else {
            throw BPTError.invalidModelFile(reason: "featureCount is \(file.featureCount); it must be positive")
        }
        let k = BITTrainer.outputCount(poiCount: file.poiNames.count)
        for (b, tree) in file.trees.enumerated() {
            if let problem = tree.validate(featureCount: file.featureCount, termCount: k) {
                throw BPTError.invalidModelFile(reason: "tree \(b): \(problem)")
            }
        }
        self.init(settings: file.settings, poiNames: file.poiNames, featureCount: file.featureCount, trees: file.trees)
    }
}
