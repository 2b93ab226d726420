/// What a training with held-out events recorded: the loss curves of eqs. (C.12)/(C.31) on the
/// training and on the held-out events, the number of trees kept, and the held-out
/// normalization if it was applied. Stored with the model (``BPTModel/validation``) and in the
/// model file only when present, so models trained without held-out events are unchanged.
public struct BPTValidationRecord: Codable, Sendable, Equatable {
    /// The split that produced the held-out events, when the trainer made it
    /// (``BPTTrainer/train(_:holdingOut:progress:)``); nil when the caller passed the events.
    public var split: HeldOutSplit?
    /// Loss per unit weight, L^(b) / Σ_ν (W₀ + W_ν), of the boosted model after b = 0, 1, …,
    /// grown trees on the training events (entry 0 is T = 0, i.e. log 2). The shape trees only:
    /// without the normalization tree.
    public var trainingLoss: [Double]
    /// The same on the held-out events.
    public var heldOutLoss: [Double]
    /// Shape trees kept: the argmin of `heldOutLoss` (earliest on ties) with early stopping,
    /// otherwise every grown tree.
    public var selectedTrees: Int
    /// Held-out events: nominal, then each base point (for a reweighted base point, the
    /// held-out nominal events it shares).
    public var heldOutEvents: [Int]
    /// With the held-out normalization: per base point, the log of the rate correction
    /// c_ν = log(W_ν/W₀) − log(Σ_{held-out D₀} w e^{T(x|ν)} / Σ_{held-out D₀} w) that the last
    /// tree of the model (a single root leaf) supplies through the eq. (C.29) fit. nil otherwise.
    public var normalizationLogRatios: [Double]?

    public init(split: HeldOutSplit?, trainingLoss: [Double], heldOutLoss: [Double], selectedTrees: Int,
                heldOutEvents: [Int], normalizationLogRatios: [Double]?) {
        self.split = split
        self.trainingLoss = trainingLoss
        self.heldOutLoss = heldOutLoss
        self.selectedTrees = selectedTrees
        self.heldOutEvents = heldOutEvents
        self.normalizationLogRatios = normalizationLogRatios
    }

    /// Whether the model's last tree is the held-out normalization (a root-only tree).
    public var hasNormalizationTree: Bool { normalizationLogRatios != nil }

    /// Checks lengths and values against a model with `treeCount` trees and `basePointCount`
    /// base points; returns a problem description or nil.
    func problem(treeCount: Int, basePointCount: Int) -> String? {
        guard !heldOutLoss.isEmpty, trainingLoss.count == heldOutLoss.count else {
            return "trainingLoss and heldOutLoss must have the same, positive length"
        }
        guard (trainingLoss + heldOutLoss).allSatisfy(\.isFinite) else { return "loss values must be finite" }
        guard selectedTrees >= 0, selectedTrees < heldOutLoss.count else {
            return "selectedTrees \(selectedTrees) is outside the recorded curve (0...\(heldOutLoss.count - 1))"
        }
        let expected = selectedTrees + (hasNormalizationTree ? 1 : 0)
        guard treeCount == expected else {
            return "the model has \(treeCount) trees but selectedTrees \(selectedTrees)"
                + (hasNormalizationTree ? " plus the normalization tree" : "") + " means \(expected)"
        }
        if let c = normalizationLogRatios, c.count != basePointCount || !c.allSatisfy(\.isFinite) {
            return "normalizationLogRatios must hold one finite value per base point"
        }
        guard heldOutEvents.count == basePointCount + 1, heldOutEvents.allSatisfy({ $0 >= 0 }) else {
            return "heldOutEvents must hold one count for the nominal and one per base point"
        }
        return nil
    }
}
