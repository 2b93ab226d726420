import BoostedParametricTree
import EventData
import Foundation
import Inference
import Provenance

/// What `refinery limits` will use, resolved and checked before anything runs: the model
/// section (eq. 82), the trained SMEFT surrogate and the trained surrogate of each systematic
/// that enters, the nominal sample, the held-out split, the pairs of figure 11.
public struct LimitsPlan: Sendable {
    /// One surrogate the model reads: its model file, hashed once.
    public struct Surrogate: Sendable {
        public var name: String
        public var model: HashedFile
        /// Nuisance names and terms (systematics only).
        public var nuisances: [String]
        public var terms: [[Int]]
        /// Whether it learned from the training part only (events the limits do not sum).
        public var heldOutTrained: Bool
    }

    public var section: WorkspaceConfig.ModelSection
    public var pois: [String]
    public var smeft: Surrogate
    public var smeftModel: BITModel
    public var systematics: [Surrogate]
    public var systematicModels: [BPTModel]
    public var pairs: [(Int, Int)]
    public var pairNames: [String]
    public var split: HeldOutSplit
    public var configuration: HashedFile
    public var nominal: HashedFile

    /// Every hashed input of the step, in the order recorded.
    public var inputs: [HashedFile] { [configuration, nominal, smeft.model] + systematics.map(\.model) }

    /// Resolves the plan; `pairs` ("a:b,c:d") overrides the model section's.
    public static func resolve(_ workspace: Workspace, store: ProvenanceStore, pairs: String?, pois chosenPOIs: String? = nil) throws -> LimitsPlan {
        let layout = workspace.layout
        let config = workspace.config
        let configPath = layout.config.path
        let section = config.model ?? WorkspaceConfig.ModelSection()
        let train = "refinery train -w \(workspace.root.path) --only"
        let manifest = layout.nominalSample.appendingPathComponent(DataSetManifest.fileName)
        guard FileManager.default.fileExists(atPath: manifest.path) else {
            throw WorkspaceError.missingSample(path: layout.nominalSample.path, command: "refinery simulate -w \(workspace.root.path)")
        }
        guard config.smeft != nil else { throw SmeftError.notDeclared(config: configPath) }
        let smeftName = WorkspaceConfig.SmeftSection.surrogateName
        let smeftFiles = layout.surrogate(smeftName)
        guard try store.latestSurrogate(systematic: smeftName) != nil, FileManager.default.fileExists(atPath: smeftFiles.model.path) else {
            throw LimitsError.untrained(name: smeftName, command: "\(train) \(smeftName)")
        }
        let smeftHashed = try HashedFile.of(smeftFiles.model, kind: .surrogate)
        let smeftModel: BITModel
        do { smeftModel = try BITModel(decoding: Array(Data(contentsOf: smeftFiles.model))) } catch {
            throw LimitsError.unreadable(path: smeftFiles.model.path, reason: (error as? LocalizedError)?.errorDescription ?? "\(error)",
                                         command: "\(train) \(smeftName)")
        }
        let record = try? JSONDecoder().decode(SmeftRecord.self, from: Data(contentsOf: smeftFiles.record))
        guard let record, record.plan.heldOut == config.heldOutSplit else {
            throw LimitsError.otherSplit(name: smeftName, command: "\(train) \(smeftName)")
        }
        let modelPOIs = section.pois ?? smeftModel.poiNames
        let pois = chosenPOIs.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? modelPOIs
        if chosenPOIs != nil {
            if pois.isEmpty { throw LimitsError.badPOIs(text: chosenPOIs!, pois: modelPOIs) }
            for poi in pois where !modelPOIs.contains(poi) || pois.filter({ $0 == poi }).count > 1 {
                throw LimitsError.badPOIs(text: chosenPOIs!, pois: modelPOIs)
            }
        }
        for (i, poi) in pois.enumerated() where !smeftModel.poiNames.contains(poi) {
            throw WorkspaceError.config(path: configPath, field: "model.pois[\(i)]",
                                        problem: "names '\(poi)', which the SMEFT surrogate does not learn (it has \(smeftModel.poiNames.joined(separator: ", "))); add it to smeft.pois and run `\(train) \(smeftName)`")
        }
        // Systematics: each one that enters must have a trained surrogate.
        var systematics: [Surrogate] = [], models: [BPTModel] = []
        var owner: [String: String] = [:]
        for poi in pois { owner[poi] = "the POIs" }
        for name in [WorkspaceConfig.ModelSection.lumiNuisance, WorkspaceConfig.ModelSection.normNuisance] { owner[name] = "the log-normal factors" }
        for name in section.systematics ?? config.systematics.map(\.name) {
            let files = layout.surrogate(name)
            guard let entry = try store.latestSurrogate(systematic: name), FileManager.default.fileExists(atPath: files.model.path) else {
                throw LimitsError.untrained(name: name, command: "\(train) \(name)")
            }
            let hashed = try HashedFile.of(files.model, kind: .surrogate)
            let model: BPTModel
            do { model = try BPTModel(decoding: Array(Data(contentsOf: files.model))) } catch {
                throw LimitsError.unreadable(path: files.model.path, reason: (error as? LocalizedError)?.errorDescription ?? "\(error)",
                                             command: "\(train) \(name)")
            }
            for nuisance in model.parameterNames {
                if let first = owner[nuisance] {
                    throw LimitsError.duplicateNuisance(name: nuisance, first: first, second: "systematic '\(name)'", config: configPath)
                }
                owner[nuisance] = "systematic '\(name)'"
            }
            _ = entry
            systematics.append(Surrogate(name: name, model: hashed, nuisances: model.parameterNames, terms: model.terms.map(\.parameters),
                                         heldOutTrained: model.validation?.split == config.heldOutSplit))
            models.append(model)
        }
        for (i, name) in (section.floating ?? []).enumerated() where owner[name] == nil || pois.contains(name) {
            let known = owner.keys.filter { !pois.contains($0) }.sorted()
            throw WorkspaceError.config(path: configPath, field: "model.floating[\(i)]",
                                        problem: "'\(name)' is not a nuisance of the model (nuisances: \(known.joined(separator: ", "))).\(WorkspaceConfig.ModelSection.hint(name, known))")
        }
        let pairText = pairs.map { $0.split(separator: ",").map(String.init) } ?? section.pairs
        var chosen: [(Int, Int)] = [], names: [String] = []
        if let pairText {
            for text in pairText {
                let parts = text.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, parts[0] != parts[1] else { throw LimitsError.badPair(text: text, pois: pois) }
                guard let a = pois.firstIndex(of: parts[0]), let b = pois.firstIndex(of: parts[1]) else {
                    throw LimitsError.badPair(text: text, pois: pois)
                }
                chosen.append((a, b))
                names.append("\(pois[a]):\(pois[b])")
            }
        } else {
            for a in pois.indices { for b in (a + 1)..<pois.count { chosen.append((a, b)); names.append("\(pois[a]):\(pois[b])") } }
        }
        return LimitsPlan(section: section, pois: pois,
                          smeft: Surrogate(name: smeftName, model: smeftHashed, nuisances: [], terms: [], heldOutTrained: true),
                          smeftModel: smeftModel, systematics: systematics, systematicModels: models, pairs: chosen, pairNames: names,
                          split: config.heldOutSplit, configuration: try HashedFile.of(layout.config, kind: .configuration),
                          nominal: try HashedFile.of(manifest, kind: .sample))
    }

    /// The identity of a limits run (`limits/inputs.json`): equal bytes mean the recorded
    /// limits are what running again would give.
    public struct Identity: Codable, Sendable, Equatable {
        public var version = 1
        public var engine = "inference-1"
        public var model: WorkspaceConfig.ModelSection
        public var pois: [String]
        public var pairs: [String]
        public var surrogates: [String: String]
        public var nominalSHA256: String
        public var heldOut: HeldOutSplit
    }

    public var identity: Identity {
        var surrogates = [smeft.name: smeft.model.sha256]
        for s in systematics { surrogates[s.name] = s.model.sha256 }
        return Identity(model: section, pois: pois, pairs: pairNames, surrogates: surrogates, nominalSHA256: nominal.sha256, heldOut: split)
    }

    public var identityBytes: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return (try? encoder.encode(identity)) ?? Data()
    }
}

public enum LimitsError: LocalizedError, Equatable {
    case untrained(name: String, command: String)
    case unreadable(path: String, reason: String, command: String)
    case otherSplit(name: String, command: String)
    case duplicateNuisance(name: String, first: String, second: String, config: String)
    case badPair(text: String, pois: [String])
    case badPOIs(text: String, pois: [String])
    case nonPositiveRate(sample: String, row: Int, heldOutEvent: Int, rate: Double, surrogate: String)

    public var errorDescription: String? {
        switch self {
        case let .untrained(name, command):
            return "the model uses '\(name)', which has no trained surrogate in this workspace; run `\(command)` first"
        case let .unreadable(path, reason, command):
            return "\(path): \(reason); run `\(command)` to train it again"
        case let .otherSplit(name, command):
            return "the '\(name)' surrogate was not trained on the training part of this workspace's held_out split (the limits sum over its held-out part); run `\(command)`"
        case let .duplicateNuisance(name, first, second, config):
            return "\(config): nuisance '\(name)' is declared twice: by \(first) and by \(second); each nuisance belongs to exactly one factor of eq. (82) — remove one of them from model.systematics"
        case let .badPOIs(text, pois):
            return "--pois: '\(text)' is not a list of different POIs of the model (\(pois.joined(separator: ", ")))"
        case let .nonPositiveRate(sample, row, heldOut, rate, surrogate):
            return "\(sample): at event \(row) (row \(row) of its x.npy and smeft.npy; held-out event \(heldOut) of the sum) the model rate R(x|θ,ν) is \(rate) ≤ 0 at a point the scans reached, where the log of eq. (94) is undefined. Of the factors of eq. (82) only the SMEFT surrogate's polynomial R̂(x|θ) (\(surrogate)) can be ≤ 0, and it is for this event: check the event's coefficients (1 + θ_a r_a + θ_a θ_b r_ab must stay positive), train the surrogate on more events or with a larger smeft.learner.min_node_size, or leave the POI out (model.pois, or --pois)"
        case let .badPair(text, pois):
            return "--pairs: '\(text)' is not a pair a:b of two different POIs of the model (\(pois.joined(separator: ", ")))"
        }
    }
}
