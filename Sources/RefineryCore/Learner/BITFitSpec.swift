import BoostedParametricTree
import EventData
import Foundation

/// The SPEC of `refinery fit` for the SMEFT surrogate's learner, a Boosted Information Tree
/// (eq. 67; documented in the README and docs/model-format.md):
///
/// ```json
/// {"learner": "bit", "pois": ["ctGRe", "ctGIm"],
///  "x": "x.npy", "w": "w.npy", "coefficients": "r.npy",
///  "settings": {"trees": 300, "learning_rate": 0.2, "max_depth": 4, "min_node_size": 50, "bins": 255}}
/// ```
/// `x` (N × F) features, `w` (N, optional: all ones) SM weights, `coefficients`
/// (N × (P + P(P+1)/2)) the per-event r_m then r_mn (m ≤ n) of appendix A in `smeft.npy` order.
/// The model is written in the `refinery-bit` format (`BITModel`).
public struct BITFitSpec: Codable, Sendable {
    public var learner: String
    public var pois: [String]
    public var x: String
    public var w: String?
    public var coefficients: String
    public var settings: WorkspaceConfig.SmeftLearner?

    public static var keys: StrictJSONKeys {
        .object(["learner": .value, "pois": .value, "x": .value, "w": .value, "coefficients": .value,
                 "settings": .object(Dictionary(uniqueKeysWithValues: WorkspaceConfig.SmeftLearner.allowedKeys.map { ($0, StrictJSONKeys.value) }))])
    }

    public static let learnerName = "bit"

    /// Whether the SPEC bytes ask for the BIT (`"learner": "bit"`).
    static func isBIT(_ data: Data) -> Bool {
        ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["learner"] as? String == learnerName
    }

    public func files(relativeTo base: URL) -> [URL] {
        [x, w, coefficients].compactMap { $0 }.map { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : base.appendingPathComponent($0) }
    }
}

extension Fitting {
    /// Trains a BPT or, for a SPEC with `"learner": "bit"`, a BIT; writes the model to `output`.
    public static func fitAny(spec specPath: String, output: URL, threads: Int) throws -> FittedModel {
        let data = (try? Data(contentsOf: URL(fileURLWithPath: specPath))) ?? Data()
        guard BITFitSpec.isBIT(data) else {
            let model = try fit(spec: specPath, output: output, threads: threads)
            return FittedModel(trees: model.trees.count, terms: model.terms.map { $0.name(parameterNames: model.parameterNames) })
        }
        let model = try fitBIT(spec: specPath, output: output, threads: threads)
        return FittedModel(trees: model.trees.count, terms: model.outputNames)
    }

    public static func fitBIT(spec specPath: String, output: URL, threads: Int) throws -> BITModel {
        let specURL = URL(fileURLWithPath: specPath)
        let base = specURL.deletingLastPathComponent()
        let spec = try BITFitSpec.keys.decode(BITFitSpec.self, file: specURL) { FitError.spec(path: specPath, problem: $0) }
        let settings: BITSettings
        do {
            try spec.settings?.validate(at: "settings", path: specPath)
            settings = try (spec.settings ?? .init()).settings()
        } catch let WorkspaceError.config(_, field, problem) {
            throw FitError.spec(path: specPath, problem: "field '\(field ?? "settings")' \(problem)")
        }
        let (x, features) = try readMatrix(base, spec.x, sample: "features")
        let w = try spec.w.map { try readVector(base, $0, sample: "weights") }
        let (r, width) = try readMatrix(base, spec.coefficients, sample: "coefficients")
        let k = SmeftColumns.count(spec.pois.count)
        let n = x.count / features
        guard width == k, r.count / width == n else {
            throw FitError.sample(path: spec.coefficients, sample: "coefficients",
                                  underlying: "has shape (\(r.count / max(width, 1)), \(width)); expected (\(n), \(k)) for \(spec.pois.count) POIs and \(n) events")
        }
        do {
            let data = try BITTrainingData(x: x, featureCount: features, weights: w, coefficients: r, outputCount: k, bins: settings.bins)
            let model = try BITTrainer(poiNames: spec.pois, settings: settings, threads: threads).train(data)
            try AtomicFile.write(Data(model.encoded()), to: output)
            return model
        } catch {
            throw FitError.spec(path: specPath, problem: describe(error))
        }
    }
}
