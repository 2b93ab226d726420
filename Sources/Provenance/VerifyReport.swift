/// The result of re-hashing every recorded file (`refinery provenance verify`).
public struct VerifyReport: Codable, Sendable, Equatable {
    /// A recorded file whose content is no longer what was recorded.
    public struct Modified: Codable, Sendable, Equatable {
        public var artifact: ArtifactEntry
        public var actualSize: Int64?
        /// Nil when the size already showed the change (the file was not hashed).
        public var actualSHA256: String?
    }

    /// A recorded file that exists but could not be hashed.
    public struct Unreadable: Codable, Sendable, Equatable {
        public var artifact: ArtifactEntry
        public var reason: String
    }

    /// How many paths were checked.
    public var checked: Int
    public var missing: [ArtifactEntry]
    public var modified: [Modified]
    public var unreadable: [Unreadable]
    /// Files that are the version a run still going, or interrupted, recorded (see
    /// `ProvenanceStore.verify`): not a problem, listed so that nothing is hidden.
    public var unfinished: [ArtifactEntry] = []

    public init(checked: Int, missing: [ArtifactEntry], modified: [Modified], unreadable: [Unreadable],
                unfinished: [ArtifactEntry] = []) {
        self.checked = checked
        self.missing = missing
        self.modified = modified
        self.unreadable = unreadable
        self.unfinished = unfinished
    }

    public var isClean: Bool { missing.isEmpty && modified.isEmpty && unreadable.isEmpty }
}
