/// The outcome of a run, stored literally in `runs.status`.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    /// Started and not finished yet (or its process is still alive on this host).
    case running
    case succeeded
    /// Finished with an error; `runs.message` says which.
    case failed
    /// Its process ended without finishing the run (killed, crashed, machine rebooted); detected
    /// by the next `ProvenanceStore.open` on the same host.
    case interrupted
}
