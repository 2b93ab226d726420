import Foundation

/// The host side of process isolation: runs `refinery plugin-worker` child processes so that
/// plugin code never runs in the process that holds training results, and only with the
/// user's consent when the binary came from an archive (`trust`).
public struct PluginProcess: Sendable {
    /// The `refinery` executable (it contains the worker).
    public var executable: URL
    public var limits: WorkerLimits
    public var trust: PluginTrust

    public init(executable: URL, limits: WorkerLimits = .from(), trust: PluginTrust = .none) {
        self.executable = executable
        self.limits = limits
        self.trust = trust
    }

    /// Info and spec of the plugin at `path` for a configuration.
    public func describe(_ path: URL, configJSON: String = "{}") throws -> PluginDescription {
        try trust.check(path)
        var description: PluginDescription?
        let worker = WorkerProcess(executable: executable, limits: limits, plugin: path.lastPathComponent, path: path.path)
        try worker.run(.describe(plugin: path.path, configJSON: configJSON, limits: limits), firstCall: WorkerCall(.load)) { message in
            if case let .described(answer) = message { description = answer }
        }
        guard let description else {
            throw PluginHostError.protocolViolation(plugin: path.lastPathComponent, path: path.path, message: "finished without a description")
        }
        return description
    }

    /// Produces every base point of `job` into `job.output`; `onBasePoint(k)` is called as each
    /// one is written. Returns the sandbox the worker ran in. Throws unless every base point
    /// was produced and the worker reported completion.
    @discardableResult
    public func produce(_ job: ProduceJob, pluginName: String, onBasePoint: (Int) -> Void) throws -> SandboxStatus? {
        let path = URL(fileURLWithPath: job.plugin)
        try trust.check(path)
        var produced = Set<Int>()
        let worker = WorkerProcess(executable: executable, limits: limits, plugin: pluginName, path: job.plugin)
        let sandbox = try worker.run(.produce(job, limits: limits), firstCall: WorkerCall(.load)) { message in
            guard case let .produced(k) = message else { return }
            guard job.basePoints.indices.contains(k), !produced.contains(k) else {
                throw PluginHostError.protocolViolation(plugin: pluginName, path: job.plugin, message: "reported base point \(k)")
            }
            produced.insert(k)
            onBasePoint(k)
        }
        guard produced.count == job.basePoints.count else {
            throw PluginHostError.protocolViolation(plugin: pluginName, path: job.plugin,
                                                    message: "finished after \(produced.count) of \(job.basePoints.count) base points")
        }
        return sandbox
    }
}
