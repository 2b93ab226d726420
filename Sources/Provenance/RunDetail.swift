/// A run with what it used and produced (`refinery provenance show <run>`).
public struct RunDetail: Codable, Sendable, Equatable {
    public var run: RunEntry
    /// Artifact versions the run used, in the order they were recorded.
    public var inputs: [ArtifactEntry]
    /// Artifact versions the run produced, in the order they were recorded.
    public var outputs: [ArtifactEntry]
    /// Surrogates the run trained.
    public var surrogates: [SurrogateEntry]
}
