import Foundation

/// Identifies one training sample in error messages: the nominal sample D₀ or one base point D_ν.
public enum SampleID: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The nominal sample at ν = 0.
    case nominal
    /// Base point `index` (0-based, in the order of ``ParametricProblem/basePoints``) at `nu`.
    case basePoint(index: Int, nu: [Double])

    /// "nominal" or "base point 3 (nu=[0.5, 0])" (without the coordinates if `nu` is empty).
    public var description: String {
        switch self {
        case .nominal: return "nominal"
        case .basePoint(let index, let nu):
            return nu.isEmpty ? "base point \(index)" : "base point \(index) (nu=\(formatPoint(nu)))"
        }
    }
}

/// Formats a parameter point compactly: integral values without a trailing ".0".
func formatPoint(_ nu: [Double]) -> String {
    "[" + nu.map(formatNumber).joined(separator: ", ") + "]"
}

func formatNumber(_ v: Double) -> String {
    if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
    return "\(v)"
}

/// Errors of the BPT learner. Each case carries the sample, event, feature or value involved;
/// ``errorDescription`` quotes the bad value and says what to do.
public enum BPTError: LocalizedError, Equatable, Sendable {
    /// A hyper-parameter is outside its valid range (see ``BPTSettings/parameters``).
    case invalidSetting(name: String, value: String, validRange: String)
    /// A term names a parameter that is not among the problem's parameter names.
    case unknownParameter(name: String, known: [String])
    /// The parametric problem is malformed (dimensions, names, duplicate terms, ...).
    case invalidProblem(reason: String)
    /// Base point `index` has `count` coordinates instead of one per parameter.
    case basePointDimension(index: Int, count: Int, expected: Int)
    /// Two base points coincide.
    case duplicateBasePoint(index: Int, firstIndex: Int, nu: [Double])
    /// The nominal point ν = 0 is listed among the varied base points.
    case nominalAmongBasePoints(index: Int)
    /// The base points do not determine all coefficient functions (rank of the ν_A matrix < N_Δ).
    case rankDeficient(undeterminedTerms: [String], rank: Int, termCount: Int, suggestedBasePoints: [[Double]])
    /// A feature value is NaN or infinite.
    case nonFiniteFeature(sample: SampleID, event: Int, feature: Int, value: Double)
    /// A weight is NaN or infinite.
    case nonFiniteWeight(sample: SampleID, event: Int, value: Double)
    /// An array has the wrong length (`what` names it).
    case lengthMismatch(sample: SampleID, what: String, count: Int, expected: Int)
    /// A sample has a different number of features than the binner / model.
    case featureCountMismatch(sample: SampleID, count: Int, expected: Int)
    /// A sample's features were binned with a different ``FeatureBinner`` than the nominal's.
    case binnerMismatch(sample: SampleID)
    /// The training data has a different number of base points than the problem.
    case basePointCountMismatch(count: Int, expected: Int)
    /// A sample has fewer events than the minimum node size: not even the root node is valid.
    case tooFewEvents(sample: SampleID, count: Int, minNodeSize: Int)
    /// A sample's summed weight is not positive: log(σ_ν/σ₀) of eq. (C.29) is undefined.
    case nonPositiveTotalWeight(sample: SampleID, total: Double)
    /// A setting (early stopping, held-out normalization) needs held-out events but none were given.
    case heldOutDataRequired(setting: String)
    /// The held-out events do not match the training data (`reason` says how).
    case invalidHeldOutData(sample: SampleID, reason: String)
    /// The held-out normalization cannot be computed: a summed weight or the surrogate's
    /// summed rate on the held-out nominal events is not positive.
    case normalizationUndefined(sample: SampleID, value: Double)
    /// A model file declares a version this build cannot read.
    case unsupportedModelVersion(found: Int, supported: Int)
    /// A model file is not a valid BPT model.
    case invalidModelFile(reason: String)

    public var errorDescription: String? {
        switch self {
        case .invalidSetting(let name, let value, let range):
            return "Invalid value \(value) for setting '\(name)'; valid range is \(range). Choose a value in that range."
        case .unknownParameter(let name, let known):
            return "Unknown parameter name '\(name)' in a term; known parameters are \(known). Use one of these names."
        case .invalidProblem(let reason):
            return "Invalid parametric problem: \(reason)"
        case .basePointDimension(let index, let count, let expected):
            return "Base point \(index) has \(count) coordinates but the problem has \(expected) parameters. "
                + "Give one coordinate per parameter."
        case .duplicateBasePoint(let index, let first, let nu):
            return "Base point \(index) (nu=\(formatPoint(nu))) duplicates base point \(first). "
                + "Remove it or choose a different point."
        case .nominalAmongBasePoints(let index):
            return "Base point \(index) is the nominal point (all parameters 0); the nominal sample is given "
                + "separately. Remove it from the base points."
        case .rankDeficient(let terms, let rank, let count, let suggestion):
            let list = terms.joined(separator: ", ")
            var text = "Terms \(list) cannot be determined from the base points: the matrix of ν_A over the base "
                + "points has rank \(rank) but there are \(count) terms (eq. C.30 needs full rank)."
            if !suggestion.isEmpty {
                text += " Add base points such as " + suggestion.map(formatPoint).joined(separator: ", ")
                    + ", or remove these terms."
            } else {
                text += " Add base points in which these terms take independent values, or remove these terms."
            }
            return text
        case .nonFiniteFeature(let sample, let event, let feature, let value):
            return "Feature \(feature) of event \(event) in the \(sample) sample is \(value). "
                + "Remove or fix events with NaN or infinite features before training."
        case .nonFiniteWeight(let sample, let event, let value):
            return "Weight of event \(event) in the \(sample) sample is \(value). "
                + "Weights must be finite (negative values are allowed)."
        case .lengthMismatch(let sample, let what, let count, let expected):
            return "The \(what) of the \(sample) sample has \(count) entries but \(expected) were expected. "
                + "Pass one entry per event."
        case .featureCountMismatch(let sample, let count, let expected):
            return "The \(sample) sample has \(count) features but \(expected) were expected. "
                + "Use the same feature columns for every sample."
        case .binnerMismatch(let sample):
            return "The features of the \(sample) sample were binned with a different FeatureBinner than the "
                + "nominal sample. Bin every sample with the nominal sample's binner."
        case .basePointCountMismatch(let count, let expected):
            return "The training data has \(count) base-point samples but the problem has \(expected) base points. "
                + "Provide exactly one sample per base point, in the problem's order."
        case .tooFewEvents(let sample, let count, let minNodeSize):
            return "The \(sample) sample has \(count) events, fewer than the minimum node size \(minNodeSize). "
                + "Provide more events or lower minNodeSize."
        case .nonPositiveTotalWeight(let sample, let total):
            return "The summed weight of the \(sample) sample is \(total); it must be positive. "
                + "Check the sign and normalization of the weights."
        case .heldOutDataRequired(let setting):
            return "The setting '\(setting)' needs held-out events, but none were given. Pass held-out data "
                + "(e.g. BPTTrainingData.split(by:) with a HeldOutSplit) or turn the setting off."
        case .invalidHeldOutData(let sample, let reason):
            return "The held-out \(sample) sample does not match the training data: \(reason)."
        case .normalizationUndefined(let sample, let value):
            return "The held-out normalization is undefined for the \(sample) sample: its summed weight (or the "
                + "surrogate's summed rate on the held-out nominal events) is \(value), not positive. "
                + "Hold out more events or turn heldOutNormalization off."
        case .unsupportedModelVersion(let found, let supported):
            return "The model file has format version \(found) but this build reads version \(supported). "
                + "Use a matching Refinery version or retrain the model."
        case .invalidModelFile(let reason):
            return "Not a valid BPT model file: \(reason)"
        }
    }
}
