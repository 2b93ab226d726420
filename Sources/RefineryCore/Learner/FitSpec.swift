import BoostedParametricTree
import EventData
import Foundation

/// The input of `refinery fit SPEC.json -o MODEL` (documented in the README): parameters,
/// terms by name, the nominal sample and the base points as `.npy` paths relative to SPEC,
/// plus learner settings.
///
/// ```json
/// {"parameters": ["nu1", "nu2"],
///  "terms": [["nu1"], ["nu2"], ["nu1", "nu1"], ["nu2", "nu2"], ["nu1", "nu2"]],
///  "nominal": {"x": "x0.npy", "w": "w0.npy"},
///  "base_points": [{"nu": [0.5, 0], "w": "w1.npy"}, {"nu": [1, 0], "x": "x2.npy", "w": "w2.npy"}],
///  "settings": {"trees": 100, "learning_rate": 0.2, "max_depth": 4, "min_node_size": 50, "bins": 255}}
/// ```
/// A base point without `x` reweights the nominal events (eq. 31): its `w` has one entry per
/// nominal event. With `x` it is its own sample (eq. 30 or two-point). `w` is optional for the
/// nominal (all ones).
public struct FitSpec: Codable, Sendable {
    public struct SampleFiles: Codable, Sendable {
        public var x: String?
        public var w: String?
        public var nu: [Double]?
    }

    /// The learner's settings table, as in refinery.yaml's `learner:` blocks.
    public typealias Settings = WorkspaceConfig.LearnerOverride

    /// The keys a SPEC may hold; anything else is refused with a suggestion.
    public static var keys: StrictJSONKeys {
        let sample = StrictJSONKeys.object(["x": .value, "w": .value, "nu": .value])
        return .object(["parameters": .value, "terms": .value, "nominal": .object(["x": .value, "w": .value]),
                        "base_points": .list(sample),
                        "settings": .object(Dictionary(uniqueKeysWithValues: Settings.allowedKeys.map { ($0, StrictJSONKeys.value) }))])
    }

    /// The `.npy` files the SPEC names, resolved against the SPEC's folder.
    public func files(relativeTo base: URL) -> [URL] {
        let paths = [nominal.x, nominal.w].compactMap { $0 } + basePoints.flatMap { [$0.x, $0.w].compactMap { $0 } }
        return paths.map { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : base.appendingPathComponent($0) }
    }

    public var parameters: [String]
    public var terms: [[String]]
    public var nominal: SampleFiles
    public var basePoints: [SampleFiles]
    public var settings: Settings?

    enum CodingKeys: String, CodingKey {
        case parameters, terms, nominal, basePoints = "base_points", settings
    }
}

/// Errors of `fit`/`predict` that name the file.
public enum FitError: LocalizedError {
    case spec(path: String, problem: String)
    case sample(path: String, sample: String, underlying: String)

    public var errorDescription: String? {
        switch self {
        case let .spec(path, problem): return "\(path): \(problem)"
        case let .sample(path, sample, underlying): return "\(path) (\(sample)): \(underlying)"
        }
    }
}

/// `refinery fit` and `refinery predict`.
public enum Fitting {
    /// Trains a BPT from a spec file; writes the model atomically to `output`.
    public static func fit(spec specPath: String, output: URL, threads: Int, progress: ((Int, Int) -> Void)? = nil) throws -> BPTModel {
        let specURL = URL(fileURLWithPath: specPath)
        let base = specURL.deletingLastPathComponent()
        let spec = try FitSpec.keys.decode(FitSpec.self, file: specURL) { FitError.spec(path: specPath, problem: $0) }
        let problem: ParametricProblem
        do {
            problem = try ParametricProblem(parameterNames: spec.parameters, termNames: spec.terms,
                                            basePoints: spec.basePoints.map { $0.nu ?? [] })
        } catch {
            throw FitError.spec(path: specPath, problem: describe(error))
        }
        for (index, point) in spec.basePoints.enumerated() where point.nu == nil {
            throw FitError.spec(path: specPath, problem: "field 'base_points[\(index)].nu' is missing")
        }
        var settings = BPTSettings()
        do {
            try spec.settings?.validate(at: "settings", path: specPath)
            try spec.settings?.apply(to: &settings)
        } catch let WorkspaceError.config(_, field, problem) {
            throw FitError.spec(path: specPath, problem: "field '\(field ?? "settings")' \(problem)")
        }
        guard let nominalX = spec.nominal.x else { throw FitError.spec(path: specPath, problem: "field 'nominal.x' is missing") }
        let (x0, features) = try readMatrix(base, nominalX, sample: "nominal")
        let w0 = try spec.nominal.w.map { try readVector(base, $0, sample: "nominal weights") }
        var inputs: [BasePointInput] = []
        var files: [String: String] = ["nominal": nominalX]
        for (index, point) in spec.basePoints.enumerated() {
            let label = "base point \(index)"
            if let xPath = point.x {
                let (x, f) = try readMatrix(base, xPath, sample: label)
                guard f == features else {
                    throw FitError.sample(path: xPath, sample: label, underlying: "has \(f) features, the nominal sample \(features)")
                }
                inputs.append(.sample(x: x, weights: try point.w.map { try readVector(base, $0, sample: label) }))
                files[label] = xPath
            } else {
                guard let wPath = point.w else {
                    throw FitError.spec(path: specPath, problem: "field 'base_points[\(index)]' needs 'w' (reweighted nominal events) or 'x'")
                }
                inputs.append(.reweighted(weights: try readVector(base, wPath, sample: label)))
                files[label] = wPath
            }
        }
        do {
            let data = try BPTTrainingData(nominalX: x0, featureCount: features, nominalWeights: w0, basePoints: inputs,
                                           bins: settings.bins)
            let model = try BPTTrainer(problem: problem, settings: settings, threads: threads).train(data, progress: progress)
            try AtomicFile.write(Data(model.encoded()), to: output)
            return model
        } catch let error as BPTError {
            // Name the file that holds the offending sample.
            let sample: String
            switch error {
            case let .nonFiniteFeature(id, _, _, _), let .nonFiniteWeight(id, _, _), let .lengthMismatch(id, _, _, _),
                 let .tooFewEvents(id, _, _), let .nonPositiveTotalWeight(id, _), let .featureCountMismatch(id, _, _):
                sample = id == .nominal ? "nominal" : "base point \(index(of: id))"
            default:
                throw FitError.spec(path: specPath, problem: describe(error))
            }
            throw FitError.sample(path: files[sample] ?? specPath, sample: sample, underlying: describe(error))
        }
    }

    static func index(of id: SampleID) -> Int {
        if case let .basePoint(index, _) = id { return index }
        return -1
    }

    static func describe(_ error: Error) -> String { (error as? LocalizedError)?.errorDescription ?? "\(error)" }

    /// A float64 .npy of shape (N, F) or (N,) (one feature).
    static func readMatrix(_ base: URL, _ path: String, sample: String) throws -> ([Double], Int) {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
        do {
            let (shape, values) = try NpyFile.read(url, as: Double.self)
            guard shape.count == 1 || shape.count == 2 else {
                throw EventDataError.shapeMismatch(path: url.path, shape: shape, expected: "(N, features) or (N,)")
            }
            return (values, shape.count == 2 ? shape[1] : 1)
        } catch let error as EventDataError {
            throw FitError.sample(path: url.path, sample: sample, underlying: error.errorDescription ?? "\(error)")
        }
    }

    static func readVector(_ base: URL, _ path: String, sample: String) throws -> [Double] {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
        do {
            let (shape, values) = try NpyFile.read(url, as: Double.self)
            guard shape.count == 1 else { throw EventDataError.shapeMismatch(path: url.path, shape: shape, expected: "(N,)") }
            return values
        } catch let error as EventDataError {
            throw FitError.sample(path: url.path, sample: sample, underlying: error.errorDescription ?? "\(error)")
        }
    }

    /// `refinery predict`: T(x|ν) per event, or Δ_A(x) (N × terms) with `coefficients`.
    public static func predict(model modelPath: String, x xPath: String, nu: [Double]?, coefficients: Bool,
                               output: URL, threads: Int) throws {
        let modelURL = URL(fileURLWithPath: modelPath)
        guard let bytes = try? Data(contentsOf: modelURL) else {
            throw FitError.spec(path: modelPath, problem: "cannot be read; give the path of a model written by `refinery fit`")
        }
        let model: BPTModel
        do { model = try BPTModel(decoding: [UInt8](bytes)) } catch {
            throw FitError.spec(path: modelPath, problem: describe(error))
        }
        let (x, features) = try readMatrix(URL(fileURLWithPath: "."), xPath, sample: "features")
        guard features == model.featureCount else {
            throw FitError.sample(path: xPath, sample: "features", underlying: "has \(features) features, the model was trained on \(model.featureCount)")
        }
        if let row = (0..<x.count).first(where: { !x[$0].isFinite }) {
            throw FitError.sample(path: xPath, sample: "features", underlying: "event \(row / features), feature \(row % features) is \(x[row])")
        }
        let n = x.count / features
        if coefficients {
            let values = model.coefficients(x: x, count: n, threads: threads)
            try NpyFile.write(values, shape: [n, model.terms.count], to: output)
        } else {
            guard let nu else { throw FitError.spec(path: modelPath, problem: "--nu is required unless --coefficients is given") }
            guard nu.count == model.parameterNames.count else {
                throw FitError.spec(path: modelPath, problem: "--nu has \(nu.count) values but the model has parameters \(model.parameterNames.joined(separator: ", "))")
            }
            try NpyFile.write(model.predict(x: x, count: n, nu: nu, threads: threads), shape: [n], to: output)
        }
    }
}
