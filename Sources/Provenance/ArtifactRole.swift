/// Whether a run used (`input`) or produced (`output`) an artifact; stored literally in
/// `edges.role`.
public enum ArtifactRole: String, Codable, Sendable, CaseIterable {
    case input
    case output
}
