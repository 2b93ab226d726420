import BoostedParametricTree
import EventData
import Foundation
import Provenance

/// Everything that determines the SMEFT surrogate, resolved before anything runs: the POIs
/// (checked against the nominal sample's), the polynomial order, the BIT settings and the
/// held-out split whose training part it learns from.
public struct SmeftPlan: Codable, Sendable, Equatable {
    public var name: String
    /// The POIs the surrogate learns, and the nominal sample's POIs (the `smeft.npy` columns).
    public var pois: [String]
    public var samplePOIs: [String]
    public var order: Int
    public var settings: BITSettings
    /// The surrogate learns from the training part; closure and limits use the held-out part.
    public var heldOut: HeldOutSplit

    /// Bumped whenever the BIT's output for the same inputs may change, its closure files
    /// included (.2: the closure's σ holds the training events' precision, docs/closure.md).
    public static let learnerVersion = "bit-\(BITModel.formatVersion).2"

    /// Resolves the plan; a POI the sample has no coefficients for is refused naming both files.
    public static func resolve(_ workspace: Workspace, trees: Int?) throws -> SmeftPlan {
        guard let section = workspace.config.smeft else { throw SmeftError.notDeclared(config: workspace.layout.config.path) }
        let manifestURL = workspace.layout.nominalSample.appendingPathComponent(DataSetManifest.fileName)
        let manifest = try DataSet.open(workspace.layout.nominalSample).manifest
        guard case let .array(values)? = manifest.attributes["pois"], manifest.column(named: "smeft") != nil else {
            throw SmeftError.noCoefficients(sample: manifestURL.path)
        }
        let samplePOIs = values.compactMap(\.stringValue)
        let pois = section.pois ?? samplePOIs
        for (i, poi) in pois.enumerated() where !samplePOIs.contains(poi) {
            throw SmeftError.unknownPOI(config: workspace.layout.config.path, field: "smeft.pois[\(i)]", poi: poi,
                                        sample: manifestURL.path, known: samplePOIs)
        }
        let settings: BITSettings
        do { settings = try (section.learner ?? .init()).settings(trees: trees) } catch {
            throw WorkspaceError.config(path: workspace.layout.config.path, field: "smeft.learner",
                                        problem: (error as? LocalizedError)?.errorDescription ?? "\(error)")
        }
        return SmeftPlan(name: WorkspaceConfig.SmeftSection.surrogateName, pois: pois, samplePOIs: samplePOIs,
                         order: section.polynomialOrder, settings: settings, heldOut: workspace.config.heldOutSplit)
    }

    /// The closure points: θ_a = +1 and −1 for each POI, the others 0 (figure 4's ratios).
    public var closurePoints: [[Double]] {
        pois.indices.flatMap { a in [1.0, -1.0].map { s in pois.indices.map { $0 == a ? s : 0 } } }
    }

    /// The outputs as polynomial terms in the POIs: [m] for r_m, [m, n] for r_mn (m ≤ n).
    public var terms: [[Int]] {
        var terms = pois.indices.map { [$0] }
        for m in pois.indices { for n in m..<pois.count { terms.append([m, n]) } }
        return terms
    }

    /// The canonical JSON of what the `smeft:` section and the split determine.
    var configJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        struct Config: Encodable { var pois: [String]; var order: Int; var heldOut: HeldOutSplit }
        return String(decoding: (try? encoder.encode(Config(pois: pois, order: order, heldOut: heldOut))) ?? Data(), as: UTF8.self)
    }

    /// Settings by snake-case key, as the store records them.
    var settingsRecord: [String: Double] {
        Dictionary(uniqueKeysWithValues: BITSettings.parameters.compactMap { p in settings.value(of: p.name).map { (SettingKey.snake(p.name), $0) } })
    }
}

/// The SMEFT surrogate's identity: a hash of everything that determines it (section 6.4).
struct SmeftIdentity: Codable, Sendable, Equatable {
    var plan: SmeftPlan
    var nominalSHA256: String
    var learnerVersion = SmeftPlan.learnerVersion

    var key: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return FileHash.sha256((try? encoder.encode(self)) ?? Data())
    }

    /// The store's surrogate row (the BIT has no plugin: the learner stands in for it).
    func entry(artifactID: Int64, seed: UInt64, closureFigures: [String], runID: Int64) -> SurrogateEntry {
        SurrogateEntry(artifactID: artifactID, systematic: plan.name, nuisances: plan.pois, terms: plan.terms,
                       basePoints: plan.closurePoints, settings: plan.settingsRecord, seed: seed, identityKey: key,
                       pluginSHA256: "", pluginName: "BIT", pluginVersion: learnerVersion, pluginPath: "",
                       configJSON: plan.configJSON, nominalSHA256: nominalSHA256, learnerVersion: learnerVersion,
                       closureFigures: closureFigures, runID: runID)
    }

    /// Reuse when the same identity was recorded and its five files are what that run wrote.
    func decide(store: ProvenanceStore, layout: WorkspaceLayout) throws -> TrainingDecision {
        try Refinement.decide(key: key, name: plan.name, store: store, layout: layout) { previous in
            entry(artifactID: previous?.artifactID ?? 0, seed: previous?.seed ?? 0, closureFigures: [], runID: previous?.runID ?? 0)
        }
    }
}

/// `surrogates/smeft/surrogate.json`: what made the SMEFT surrogate.
public struct SmeftRecord: Codable, Sendable {
    public var format = "refinery-smeft-surrogate"
    public var version = 1
    public var plan: SmeftPlan
    public var nominalManifestSHA256: String
    public var modelSHA256: String
    public var trainingEvents: Int
    public var heldOutEvents: Int
}

public enum SmeftError: LocalizedError, Equatable {
    case notDeclared(config: String)
    case noCoefficients(sample: String)
    case unknownPOI(config: String, field: String, poi: String, sample: String, known: [String])

    public var errorDescription: String? {
        switch self {
        case let .notDeclared(config):
            return "\(config) has no smeft: section, so there is no SMEFT surrogate; add `smeft: {}` (docs/workspace-config.md) and run `refinery train --only \(WorkspaceConfig.SmeftSection.surrogateName)`"
        case let .noCoefficients(sample):
            return "\(sample): the nominal sample has no per-event SMEFT coefficients (a smeft column and attributes.pois); simulate it again with `refinery simulate`"
        case let .unknownPOI(config, field, poi, sample, known):
            let hint = Suggestion.closest(to: poi, in: known).map { " Did you mean '\($0)'?" } ?? ""
            return "\(config): field '\(field)' names POI '\(poi)', for which the nominal sample has no coefficients (\(sample) has: \(known.joined(separator: ", "))).\(hint)"
        }
    }
}
