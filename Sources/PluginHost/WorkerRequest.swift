/// What the host asks of a worker: the first and only frame it sends on the channel.
/// (Configurations travel here, not on the command line: they may be large.)
public enum WorkerRequest: Codable, Sendable {
    case describe(plugin: String, configJSON: String, limits: WorkerLimits)
    case produce(ProduceJob, limits: WorkerLimits)

    var limits: WorkerLimits {
        switch self {
        case let .describe(_, _, limits), let .produce(_, limits): return limits
        }
    }
}
