/// The result of `WorkspaceArchive.verify`: one line per member and per foreign entry, in
/// archive order, then the manifest members that never appeared. Codable for `verify --json`.
public struct VerifyReport: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable {
        case ok
        case missing
        case notInManifest = "not-in-manifest"
        case sizeMismatch = "size-mismatch"
        case hashMismatch = "hash-mismatch"
        case duplicate
        case unsafe
        case unreadable
    }

    public struct MemberReport: Codable, Equatable, Sendable {
        public var path: String
        /// The manifest's kind for the member; nil for entries the manifest does not list.
        public var kind: String?
        public var status: Status
        public var expectedSize: Int64?
        public var actualSize: Int64?
        public var expectedSHA256: String?
        public var actualSHA256: String?
        /// A sentence saying what is wrong; nil when the member is ok.
        public var detail: String?
    }

    /// Path of the verified archive.
    public var archive: String
    public var manifest: ArchiveManifest
    public var members: [MemberReport]
    /// True when every manifest member is present exactly once with its recorded size and
    /// hash, and nothing else is in the archive.
    public var passed: Bool

    init(archive: String, manifest: ArchiveManifest, members: [MemberReport]) {
        self.archive = archive
        self.manifest = manifest
        self.members = members
        self.passed = members.allSatisfy { $0.status == .ok }
    }

    /// The members that did not pass.
    public var failures: [MemberReport] { members.filter { $0.status != .ok } }
}

extension VerifyReport.MemberReport {
    /// A report line for an entry refused with `problem`; `member` is its manifest entry, if any.
    init(path: String, member: ArchiveManifest.Member?, problem: MemberProblem) {
        self.init(path: path, kind: member?.kind, status: .ok, expectedSize: member?.size,
                  expectedSHA256: member?.sha256, detail: problem.description)
        switch problem {
        case .unsafe: status = .unsafe
        case .duplicate: status = .duplicate
        case .notInManifest: status = .notInManifest
        case let .sizeMismatch(expected, actual):
            status = .sizeMismatch
            expectedSize = expected
            actualSize = actual
        case let .hashMismatch(expected, actual):
            status = .hashMismatch
            expectedSHA256 = expected
            actualSHA256 = actual
        case .unreadable: status = .unreadable
        }
    }
}
