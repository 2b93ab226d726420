import Foundation

/// `surrogates/<name>/surrogate.json`: what made this surrogate.
public struct SurrogateRecord: Codable, Sendable {
    public var format = "refinery-surrogate"
    public var version = 1
    public var plan: SystematicPlan
    public var nominalManifestSHA256: String
    public var modelSHA256: String
}
