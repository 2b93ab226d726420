/// One artifact use to record with `ProvenanceStore.recordArtifacts(run:_:)`.
public struct ArtifactRecord: Codable, Sendable, Equatable {
    public var role: ArtifactRole
    /// Relative to the workspace.
    public var path: String
    public var kind: ArtifactKind
    /// Hexadecimal SHA-256 of the content.
    public var sha256: String
    public var size: Int64

    public init(role: ArtifactRole, path: String, kind: ArtifactKind, sha256: String, size: Int64) {
        self.role = role
        self.path = path
        self.kind = kind
        self.sha256 = sha256
        self.size = size
    }
}
