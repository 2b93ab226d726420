import EventData
import Foundation

/// The SPEC of `refinery asimov`: the model of eq. (82) on numpy arrays (docs/inference.md).
///
///     { "version": 1, "luminosity": 137.0, "weights": "w.npy",
///       "pois": ["ctGRe", ...], "smeft": "smeft.npy",
///       "factors": [{ "name": "scale", "nuisances": ["nu_R", "nu_F"],
///                     "terms": [["nu_R"], ["nu_F"], ["nu_R", "nu_R"]], "delta": "scale.npy" }],
///       "logNormal": [{ "name": "lumi", "nuisance": "nu_lumi", "alpha": 1.05 }],
///       "floating": ["nu_norm"] }
///
/// Paths are relative to the SPEC's folder. Arrays are float64 `.npy`: w (N), smeft
/// (N × (P + P(P+1)/2), r_m then r_mn for m ≤ n row-major), each delta (N × terms).
public struct AsimovSpec: Codable, Sendable, Equatable {
    public struct Factor: Codable, Sendable, Equatable {
        public var name: String
        public var nuisances: [String]
        public var terms: [[String]]
        public var delta: String
        public init(name: String, nuisances: [String], terms: [[String]], delta: String) {
            self.name = name; self.nuisances = nuisances; self.terms = terms; self.delta = delta
        }
    }

    public struct LogNormal: Codable, Sendable, Equatable {
        public var name: String
        public var nuisance: String
        public var alpha: Double
        public init(name: String, nuisance: String, alpha: Double) { self.name = name; self.nuisance = nuisance; self.alpha = alpha }
    }

    public static let currentVersion = 1
    public var version: Int = AsimovSpec.currentVersion
    public var luminosity: Double
    public var weights: String
    public var pois: [String]
    public var smeft: String
    public var factors: [Factor] = []
    public var logNormal: [LogNormal] = []
    public var floating: [String] = []

    public init(luminosity: Double, weights: String, pois: [String], smeft: String, factors: [Factor] = [],
                logNormal: [LogNormal] = [], floating: [String] = []) {
        self.luminosity = luminosity; self.weights = weights; self.pois = pois; self.smeft = smeft
        self.factors = factors; self.logNormal = logNormal; self.floating = floating
    }

    static let topKeys = ["version", "luminosity", "weights", "pois", "smeft", "factors", "logNormal", "floating"]
    static let requiredKeys = ["version", "luminosity", "weights", "pois", "smeft"]
    static let factorKeys = ["name", "nuisances", "terms", "delta"]
    static let logNormalKeys = ["name", "nuisance", "alpha"]

    /// Reads a SPEC, refusing unknown keys (with a suggestion), missing keys and other versions.
    public static func read(_ url: URL) throws -> AsimovSpec {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw InferenceError.spec(path: path, reason: "cannot read: \(error.localizedDescription)") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw InferenceError.spec(path: path, reason: "not a JSON object")
        }
        try checkKeys(object, allowed: topKeys, required: requiredKeys, at: "top level", path: path)
        for (i, f) in ((object["factors"] as? [Any]) ?? []).enumerated() {
            guard let f = f as? [String: Any] else { throw InferenceError.spec(path: path, reason: "factors[\(i)] is not an object") }
            try checkKeys(f, allowed: factorKeys, required: factorKeys, at: "factors[\(i)]", path: path)
        }
        for (i, f) in ((object["logNormal"] as? [Any]) ?? []).enumerated() {
            guard let f = f as? [String: Any] else { throw InferenceError.spec(path: path, reason: "logNormal[\(i)] is not an object") }
            try checkKeys(f, allowed: logNormalKeys, required: logNormalKeys, at: "logNormal[\(i)]", path: path)
        }
        guard (object["version"] as? Int) == currentVersion else {
            throw InferenceError.spec(path: path, reason: "version \(object["version"] ?? "nil") is not supported; this build reads version \(currentVersion)")
        }
        do { return try JSONDecoder().decode(AsimovSpec.self, from: data) } catch let DecodingError.typeMismatch(type, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw InferenceError.spec(path: path, reason: "'\(key)' must be \(type)")
        } catch {
            throw InferenceError.spec(path: path, reason: "\(error)")
        }
    }

    private static func checkKeys(_ object: [String: Any], allowed: [String], required: [String], at place: String, path: String) throws {
        for key in object.keys.sorted() where !allowed.contains(key) {
            let hint = Suggestion.closest(to: key, in: allowed).map { " Did you mean '\($0)'?" } ?? ""
            throw InferenceError.spec(path: path, reason: "unknown key '\(key)' at \(place).\(hint) Allowed: \(allowed.joined(separator: ", "))")
        }
        for key in required where object[key] == nil {
            throw InferenceError.spec(path: path, reason: "missing key '\(key)' at \(place)")
        }
    }

    /// Loads the arrays and builds the validated model.
    public func model(relativeTo folder: URL, specPath: String) throws -> AsimovModel {
        func load(_ file: String, rank: Int, columns: Int?) throws -> (values: [Double], rows: Int) {
            let url = URL(fileURLWithPath: file, relativeTo: folder)
            let (shape, values): ([Int], [Double])
            do { (shape, values) = try NpyFile.read(url, as: Double.self) } catch {
                throw InferenceError.spec(path: specPath, reason: "\(file): \(error.localizedDescription)")
            }
            guard shape.count == rank, columns == nil || shape.last == columns else {
                throw InferenceError.shapeMismatch(array: url.path, expected: rank == 1 ? [-1] : [-1, columns ?? -1], actual: shape)
            }
            return (values, shape[0])
        }
        let p = pois.count
        let w = try load(weights, rank: 1, columns: nil)
        // Each coefficient array is read when the model packs it and released right after.
        let loadSMEFT = { () throws -> [Double] in
            let r = try load(smeft, rank: 2, columns: p + p * (p + 1) / 2)
            guard r.rows == w.rows else {
                throw InferenceError.shapeMismatch(array: smeft, expected: [w.rows, p + p * (p + 1) / 2], actual: [r.rows, p + p * (p + 1) / 2])
            }
            return r.values
        }
        var built: [(factor: SystematicFactor, load: () throws -> [Double])] = []
        for f in factors {
            let terms = try f.terms.map { names in
                NuisanceTerm(try names.map { name in
                    guard let i = f.nuisances.firstIndex(of: name) else { throw InferenceError.unknownNuisanceInTerm(factor: f.name, name: name) }
                    return i
                })
            }
            built.append((SystematicFactor(name: f.name, nuisances: f.nuisances, terms: terms, delta: []), {
                let delta = try load(f.delta, rank: 2, columns: terms.count)
                guard delta.rows == w.rows else {
                    throw InferenceError.shapeMismatch(array: f.delta, expected: [w.rows, terms.count], actual: [delta.rows, terms.count])
                }
                return delta.values
            }))
        }
        return try AsimovModel(weights: w.values, poiNames: pois, loadSMEFT: loadSMEFT, factors: built,
                               logNormal: logNormal.map { LogNormalFactor(name: $0.name, nuisance: $0.nuisance, alpha: $0.alpha) },
                               floating: Set(floating), luminosity: luminosity, source: specPath)
    }

    public static func loadModel(_ url: URL) throws -> AsimovModel {
        try read(url).model(relativeTo: url.deletingLastPathComponent(), specPath: url.path)
    }

    /// Writes the SPEC JSON (the arrays are written by the caller with `NpyFile.write`).
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: url)
    }
}
