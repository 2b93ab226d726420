/// One artifact version in a lineage tree, with the run that produced it and, recursively, that
/// run's inputs. Leaves are roots of the lineage: artifacts no recorded run produced (the
/// nominal sample's source, plugin binaries, configuration files).
public struct LineageNode: Codable, Sendable, Equatable {
    public var artifact: ArtifactEntry
    /// The first run that produced this version; nil for a root.
    public var producedBy: RunEntry?
    /// The surrogate record when the artifact is a surrogate model (seed, plugin, settings...).
    public var surrogate: SurrogateEntry?
    /// The producing run's inputs.
    public var inputs: [LineageNode]
    /// True when this version already appears (expanded) earlier in the tree: a lineage is a
    /// graph, and expanding shared ancestors once keeps the tree small.
    public var expandedElsewhere: Bool

    public var isRoot: Bool { producedBy == nil && !expandedElsewhere }

    /// Every artifact version in the tree, each once, parents before their inputs.
    public func allArtifacts() -> [ArtifactEntry] {
        var seen = Set<Int64>()
        var result: [ArtifactEntry] = []
        func visit(_ node: LineageNode) {
            if seen.insert(node.artifact.id).inserted { result.append(node.artifact) }
            node.inputs.forEach(visit)
        }
        visit(self)
        return result
    }

    /// The roots of the lineage, each once.
    public func roots() -> [ArtifactEntry] {
        var seen = Set<Int64>()
        var result: [ArtifactEntry] = []
        func visit(_ node: LineageNode) {
            if node.isRoot, seen.insert(node.artifact.id).inserted { result.append(node.artifact) }
            node.inputs.forEach(visit)
        }
        visit(self)
        return result
    }
}
