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

    /// How many paths were checked (the latest recorded version of each).
    public var checked: Int
    public var missing: [ArtifactEntry]
    public var modified: [Modified]
    public var unreadable: [Unreadable]

    public var isClean: Bool { missing.isEmpty && modified.isEmpty && unreadable.isEmpty }
}
