/// What a worker tells the host, one frame each, on its own channel (fd 3): nothing a plugin
/// prints on stdout or stderr can be mistaken for one of these.
public enum WorkerMessage: Codable, Sendable, Equatable {
    /// The sandbox the worker applied before the first call into plugin code.
    case sandboxed(SandboxStatus)
    /// A call into plugin code starts: the host's wall-clock limit restarts for it.
    case calling(WorkerCall)
    /// `describe` answered.
    case described(PluginDescription)
    /// Base point `index` was produced, validated and written.
    case produced(index: Int)
    /// The request is complete. A worker that exits without sending this has failed,
    /// whatever its exit status.
    case finished
    /// The request failed; the error is final.
    case failed(PluginHostError)
}
