import Foundation

/// The optional `cluster:` block of `refinery.yaml`: what `refinery submit` asks Slurm for
/// when the command line does not say (docs/cluster.md). Every field is optional; one given
/// on the command line wins.
public struct ClusterSection: Codable, Equatable, Sendable {
    /// `sbatch --partition`.
    public var partition: String?
    /// `sbatch --account`.
    public var account: String?
    /// `sbatch --time` of each task and of the dependent job, in Slurm's syntax (`30`, `1:00:00`, `1-0`).
    public var time: String?
    /// `sbatch --cpus-per-task`; also the learner's thread count in each task.
    public var cpusPerTask: Int?
    /// `sbatch --mem` per task, in Slurm's syntax (`4G`, `500M`).
    public var mem: String?
    /// How the tasks record provenance: `shared` (every task writes the workspace's store; needs
    /// working POSIX locks), `journal` (each task writes a private journal that the dependent
    /// job merges in one transaction), or `auto` (journal on NFS/SMB, else shared).
    public var store: StoreMode?

    public enum StoreMode: String, Codable, Sendable, CaseIterable {
        case auto, shared, journal
    }

    public init(partition: String? = nil, account: String? = nil, time: String? = nil, cpusPerTask: Int? = nil,
                mem: String? = nil, store: StoreMode? = nil) {
        self.partition = partition
        self.account = account
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.mem = mem
        self.store = store
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case partition, account, time, cpusPerTask = "cpus_per_task", mem, store
    }

    /// Fields on the command line override the file's.
    public func overridden(by other: ClusterSection) -> ClusterSection {
        ClusterSection(partition: other.partition ?? partition, account: other.account ?? account, time: other.time ?? time,
                       cpusPerTask: other.cpusPerTask ?? cpusPerTask, mem: other.mem ?? mem, store: other.store ?? store)
    }

    /// Values Slurm would otherwise reject late, in a job's log, are refused here naming the field.
    func validate(at prefix: String, path: String) throws {
        func require(_ condition: Bool, _ field: String, _ problem: String) throws {
            if !condition { throw WorkspaceError.config(path: path, field: "\(prefix).\(field)", problem: problem) }
        }
        if let cpusPerTask { try require(cpusPerTask >= 1, "cpus_per_task", "is \(cpusPerTask), expected at least 1") }
        for (field, value) in [("partition", partition), ("account", account), ("time", time), ("mem", mem)] {
            guard let value else { continue }
            try require(Self.isSlurmWord(value), field,
                        "is '\(value)'; expected a Slurm value of letters, digits and - _ : . , (no spaces or quotes)")
        }
    }

    /// The characters Slurm's names, times and sizes use; anything else (spaces, quotes, `$`) is
    /// refused rather than quoted, since Slurm would reject it anyway.
    public static func isSlurmWord(_ value: String) -> Bool {
        !value.isEmpty && value.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_:.,+".unicodeScalars.contains($0) }
            && value.unicodeScalars.allSatisfy(\.isASCII)
    }
}
