import Foundation

/// The BPT model file, format "refinery-bpt", version 1.
///
/// A UTF-8 JSON object with sorted keys (also documented in `docs/model-format.md`):
///
/// ```json
/// {
///   "basePoints": [[0.5, 0], [0, 0.5], ...],      // ν ∈ 𝒱, one coordinate per parameter
///   "featureCount": 14,                           // columns of x expected by prediction
///   "format": "refinery-bpt",                     // fixed
///   "parameterNames": ["nu1", "nu2"],
///   "settings": {"bins": 255, "learningRate": 0.2, "maxDepth": 4, "minNodeSize": 50, "trees": 300},
///   "terms": [[0], [1], [0, 0], [1, 1], [0, 1]],  // multi-index A: sorted parameter indices
///   "trees": [                                    // B weak learners, in boosting order
///     {"leafCoefficients": [[Δ_A of leaf 0], ...],  // eq. (C.29), not multiplied by η
///      "left": [1, -1, ...], "right": [...],       // child ≥ 0: split node; < 0: leaf −c−1
///      "splitFeature": [3, ...], "threshold": [0.25, ...]}  // go left iff x[f] <= threshold
///   ],
///   "validation": {...},                          // only when trained with held-out events
///   "version": 1
/// }
/// ```
///
/// `settings` also carries `earlyStoppingPatience` and `heldOutNormalization` when they are on;
/// `validation` is a ``BPTValidationRecord`` (loss curves, trees kept, held-out normalization).
/// Both are optional additions: a file without them is byte-identical to one written before
/// they existed, and readers that ignore them still predict correctly, because the held-out
/// normalization is an ordinary (root-only) last tree.
///
/// T(x|ν) = Σ_b η Σ_A ν_A Δ_{A, leaf_b(x)} with η = settings.learningRate (eq. C.32). Doubles
/// are written as the shortest decimal that reads back to the same bits, so a loaded model
/// predicts bit-identically. Readers must refuse other `format` values and versions they do
/// not know.
extension BPTModel {
    public static let formatName = "refinery-bpt"
    public static let formatVersion = 1

    private struct Header: Decodable {
        let format: String?
        let version: Int?
    }

    private struct File: Codable {
        var format: String
        var version: Int
        var settings: BPTSettings
        var parameterNames: [String]
        var terms: [PolynomialTerm]
        var basePoints: [[Double]]
        var featureCount: Int
        var trees: [BPTTree]
        /// Absent (not null) unless trained with held-out events: default files are unchanged.
        var validation: BPTValidationRecord?
    }

    /// The model file bytes (format above).
    public func encoded() -> [UInt8] {
        let file = File(format: Self.formatName, version: Self.formatVersion, settings: settings,
                        parameterNames: parameterNames, terms: terms, basePoints: basePoints,
                        featureCount: featureCount, trees: trees, validation: validation)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return Array(try encoder.encode(file))
        } catch {
            // Every stored double is finite by construction, so encoding cannot fail.
            preconditionFailure("BPT model encoding failed: \(error)")
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
        guard let version = header.version else {
            throw BPTError.invalidModelFile(reason: "the \"version\" field is missing")
        }
        guard version == Self.formatVersion else {
            throw BPTError.unsupportedModelVersion(found: version, supported: Self.formatVersion)
        }
        let file: File
        do {
            file = try decoder.decode(File.self, from: data)
        } catch {
            throw BPTError.invalidModelFile(reason: "\(error)")
        }
        do {
            try file.settings.validate()
            _ = try ParametricProblem(parameterNames: file.parameterNames, terms: file.terms,
                                      basePoints: file.basePoints)
        } catch let error as BPTError {
            throw BPTError.invalidModelFile(reason: error.errorDescription ?? "\(error)")
        }
        guard file.featureCount > 0 else {
            throw BPTError.invalidModelFile(reason: "featureCount is \(file.featureCount); it must be positive")
        }
        for (b, tree) in file.trees.enumerated() {
            if let problem = tree.validate(featureCount: file.featureCount, termCount: file.terms.count) {
                throw BPTError.invalidModelFile(reason: "tree \(b): \(problem)")
            }
        }
        if let validation = file.validation,
           let problem = validation.problem(treeCount: file.trees.count, basePointCount: file.basePoints.count) {
            throw BPTError.invalidModelFile(reason: "validation: \(problem)")
        }
        self.init(settings: file.settings, parameterNames: file.parameterNames, terms: file.terms,
                  basePoints: file.basePoints, featureCount: file.featureCount, trees: file.trees,
                  validation: file.validation)
    }
}
