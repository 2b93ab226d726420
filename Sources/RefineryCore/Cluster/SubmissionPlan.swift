import EventData
import Foundation

/// What one `refinery submit` will submit: the stale surrogates (array task i trains
/// `systematics[i]`, a systematic or the SMEFT surrogate), where its files go, and the options Slurm gets.
public struct SubmissionPlan: Sendable, Equatable {
    /// The submission's id: its folder `cluster/<id>/`, the next free number.
    public var id: String
    public var root: URL
    public var workspaceName: String
    public var files: ClusterSubmissionFiles
    public var systematics: [String]
    /// The `refinery` executable the tasks run (it must be reachable from every node).
    public var executable: URL
    /// Command-line options over the `cluster:` block.
    public var options: ClusterSection
    /// The concrete store mode (`auto` resolved for this workspace's file system).
    public var store: ClusterSection.StoreMode
    /// Learner threads per task: `cpus_per_task`, else 1 (results never depend on it).
    public var threads: Int { options.cpusPerTask ?? 1 }
    /// Each task validates its surrogate after training it (`refinery validate`): the
    /// workspace trains surrogates without the held-out events the test needs.
    public var validates = false
    /// The dependent job computes the limits (`smeft:` and `model:`); the SMEFT surrogate
    /// itself is an array task when it is stale, like a systematic's.
    public var limits = false
}

/// `cluster/<id>/submission.json`: what was submitted and the Slurm job ids it got. Written once
/// by `submit` (and recorded as its output); `jobs` reads it and asks Slurm for the states.
public struct SubmissionRecord: Codable, Sendable, Equatable {
    public var id: String
    public var createdAt: Date
    public var workspaceRoot: String
    public var executable: String
    /// Array task i trains `systematics[i]`.
    public var systematics: [String]
    public var arrayJob: String
    public var afterJob: String
    public var store: ClusterSection.StoreMode
    public var options: ClusterSection
    /// The earlier submission this one resumed (`submit --resume`).
    public var resumes: String?

    /// The job id Slurm gives array task `index` (and that its runs record as `runs.job_id`).
    public func taskJob(_ index: Int) -> String { "\(arrayJob)_\(index)" }

    public static func load(_ url: URL) throws -> SubmissionRecord {
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(SubmissionRecord.self, from: Data(contentsOf: url))
        } catch {
            throw ClusterError.unreadableRecord(path: url.path, reason: (error as? LocalizedError)?.errorDescription ?? "\(error)")
        }
    }

    public func encoded() throws -> Data {
        try JSONEncoder.refinery.encode(self) + Data("\n".utf8)
    }

    /// Every submission of a workspace, oldest first.
    public static func all(_ layout: WorkspaceLayout) throws -> [SubmissionRecord] {
        try ids(layout).compactMap { id in
            let url = layout.clusterSubmission(id).record
            return FileManager.default.fileExists(atPath: url.path) ? try load(url) : nil
        }
    }

    /// Submission folders by number.
    static func ids(_ layout: WorkspaceLayout) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.cluster.path)) ?? []
        return names.compactMap(Int.init).sorted().map(String.init)
    }

    /// The next free submission number.
    static func nextID(_ layout: WorkspaceLayout) -> String {
        String((ids(layout).compactMap(Int.init).max() ?? 0) + 1)
    }
}

extension ClusterSection.StoreMode {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let mode = Self(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "is '\(text)', expected one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        self = mode
    }
}
