import Foundation

/// Why `submit` or `jobs` cannot go on, each saying what to do.
public enum ClusterError: LocalizedError, Equatable {
    /// Slurm's client commands are not on PATH.
    case slurmMissing(commands: [String])
    /// A Slurm command ran and failed.
    case slurmFailed(command: String, status: Int32, output: String)
    /// `sbatch --parsable` printed something that is not a job id.
    case unexpectedSbatchOutput(String)
    /// An earlier submission still has jobs queued or running.
    case submissionActive(id: String, jobs: [String])
    /// The latest submission had failed tasks; plain `submit` does not silently go past it.
    case previousFailed(id: String, systematics: [String])
    /// A path Slurm cannot take (its output patterns and scripts need plain text).
    case unusablePath(path: String, reason: String)
    case unknownSubmission(id: String, known: [String])
    case unreadableRecord(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .slurmMissing(commands):
            return "Slurm is not available: \(commands.joined(separator: ", ")) not found on PATH. Install Slurm's client commands (Debian: `apt-get install slurm-client`, or slurm-wlm and munge for a whole cluster; scripts/ensure-deps.sh) or run on a cluster's login node; `refinery submit --dry-run` works without them, and `refinery train` trains locally."
        case let .slurmFailed(command, status, output):
            return "`\(command)` failed (exit status \(status)): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
        case let .unexpectedSbatchOutput(output):
            return "sbatch --parsable printed '\(output)', not a job id; check the cluster's Slurm version and configuration."
        case let .submissionActive(id, jobs):
            return "submission \(id) still has jobs queued or running (\(jobs.joined(separator: ", "))); follow it with `refinery jobs`, wait for it or cancel it with `scancel \(jobs.joined(separator: " "))`, then submit again."
        case let .previousFailed(id, systematics):
            return "the last submission \(id) had failed tasks (\(systematics.joined(separator: ", "))); see `refinery jobs` for their logs and errors, fix the cause, then `refinery submit --resume` submits what is still stale."
        case let .unusablePath(path, reason):
            return "\(path) cannot be used in a batch script: \(reason)."
        case let .unknownSubmission(id, known):
            return "no submission '\(id)' in this workspace; known: \(known.isEmpty ? "none" : known.joined(separator: ", "))."
        case let .unreadableRecord(path, reason):
            return "\(path) cannot be read as a submission record: \(reason). It is written by `refinery submit`; do not edit it."
        }
    }
}
