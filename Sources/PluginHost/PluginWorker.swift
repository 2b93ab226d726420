import CPluginSandbox
import EventData
import Foundation
import RefineryPluginABI

/// The plugin side of process isolation: runs inside a child `refinery plugin-worker`
/// process, loads one plugin, describes it or produces its synthetic data sets D(ν) into the
/// staging folder. If the plugin crashes, hangs or exits, only this process (group) dies; the
/// host reports it.
///
/// Protocol (docs/plugins.md): the host sends one `WorkerRequest` frame on fd 3; the worker
/// answers with `WorkerMessage` frames on the same descriptor, ending with `.finished` or
/// `.failed`. Stdout and stderr belong to the plugin and mean nothing to the host.
public enum PluginWorker {
    public typealias Job = ProduceJob
    public typealias Description = PluginDescription

    /// `refinery plugin-worker`: serves one request on fd 3; returns the exit status.
    public static func serve(channel: Int32 = 3) -> Int32 {
        // The worker dies with the host, even when the host is SIGKILLed. (A host that died
        // before this line closed its end of the channel: the read below ends the worker.)
        _ = refinery_set_parent_death_signal(SIGKILL)
        let request: WorkerRequest
        do { request = try FrameChannel.receive(WorkerRequest.self, from: channel) } catch {
            FileHandle.standardError.write(Data("plugin-worker: no request on fd \(channel) (\(error)); this command is started by refinery itself\n".utf8))
            return 2
        }
        let send: (WorkerMessage) -> Void = { message in try? FrameChannel.send(message, to: channel) }
        do {
            applyLimits(request.limits)
            switch request {
            case let .describe(plugin, configJSON, limits):
                send(.described(try describe(plugin: plugin, configJSON: configJSON, limits: limits, send: send)))
            case let .produce(job, limits):
                try produce(job, limits: limits, send: send)
            }
            send(.finished)
            return 0
        } catch let error as PluginHostError {
            send(.failed(error))
        } catch {
            send(.failed(.workerFailed(plugin: "?", path: "?", message: (error as? LocalizedError)?.errorDescription ?? "\(error)")))
        }
        return 2
    }

    /// Memory and file size for the whole worker (the kernel enforces them).
    static func applyLimits(_ limits: WorkerLimits) {
        var memory = rlimit(rlim_cur: rlim_t(limits.memoryBytes), rlim_max: rlim_t(limits.memoryBytes))
        setrlimit(Int32(RLIMIT_AS.rawValue), &memory)
        var file = rlimit(rlim_cur: rlim_t(limits.fileBytes), rlim_max: rlim_t(limits.fileBytes))
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &file)
        // Core dumps of a crashing plugin would be written outside the staging folder.
        var core = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(Int32(RLIMIT_CORE.rawValue), &core)
    }

    /// Starts a call into plugin code: the host restarts its wall clock, the kernel's CPU
    /// limit is set to what is used so far plus one call's allowance.
    static func begin(_ call: WorkerCall, limits: WorkerLimits, send: (WorkerMessage) -> Void) {
        send(.calling(call))
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let used = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        // The hard limit stays open so the next call can raise the soft one; a plugin that
        // raises it itself is still stopped by the host's wall clock.
        var cpu = rlimit(rlim_cur: rlim_t((used + limits.cpuSeconds).rounded(.up)), rlim_max: rlim_t.max)
        setrlimit(Int32(RLIMIT_CPU.rawValue), &cpu)
    }

    static func describe(plugin path: String, configJSON: String, limits: WorkerLimits,
                         send: (WorkerMessage) -> Void) throws -> PluginDescription {
        begin(WorkerCall(.load), limits: limits, send: send)
        let library = try PluginLibrary.load(URL(fileURLWithPath: path))
        send(.sandboxed(PluginSandbox.apply(writable: [])))
        guard let kind = library.kind else {
            throw PluginHostError.pluginFailed(plugin: library.name, path: path, basePoint: nil, message: "unknown kind \(library.descriptor.pointee.kind.rawValue)")
        }
        var description = PluginDescription(name: library.name, version: library.version, summary: library.summary, kind: kind,
                                            abiVersion: library.descriptor.pointee.abi_version, configSchema: library.configSchema)
        begin(WorkerCall(.describe), limits: limits, send: send)
        do { description.spec = try library.describe(configJSON: configJSON) } catch {
            // The plugin's own words: whoever reports the error names the plugin and its path.
            if case let PluginHostError.pluginFailed(_, _, _, message) = error {
                description.specError = message
            } else {
                description.specError = (error as? LocalizedError)?.errorDescription ?? "\(error)"
            }
        }
        return description
    }

    /// D(ν) for every base point of the job, each validated and written before the next.
    static func produce(_ job: ProduceJob, limits: WorkerLimits, send: (WorkerMessage) -> Void) throws {
        begin(WorkerCall(.load), limits: limits, send: send)
        let library = try PluginLibrary.load(URL(fileURLWithPath: job.plugin))
        let name = library.name
        guard let kind = library.kind else {
            throw PluginHostError.pluginFailed(plugin: name, path: job.plugin, basePoint: nil, message: "unknown plugin kind")
        }
        let nominal = try LoadedSample(URL(fileURLWithPath: job.nominal))
        let context = HostContext(alternativePath: job.alternative, pluginName: name)
        if job.alternative != nil { _ = context.alternativeView() }
        let output = URL(fileURLWithPath: job.output)
        // Everything is loaded; from here on plugin code runs, and may write only here.
        send(.sandboxed(PluginSandbox.apply(writable: [output])))
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }
        var services = refinery_host_services(abi_version: REFINERY_PLUGIN_ABI_VERSION, context: unmanaged.toOpaque(),
                                              reconstruct: HostContext.reconstructThunk,
                                              alternative_sample: HostContext.alternativeThunk,
                                              log: HostContext.logThunk)
        let descriptor = library.descriptor.pointee
        var message = [CChar](repeating: 0, count: 4096)
        var instance: UnsafeMutableRawPointer?
        guard let create = descriptor.create, let produce = descriptor.produce else {
            throw PluginHostError.pluginFailed(plugin: name, path: job.plugin, basePoint: nil, message: "the descriptor lacks create/produce")
        }
        begin(WorkerCall(.create), limits: limits, send: send)
        let created = create(job.configJSON, &services, &instance, &message, message.count)
        guard created == Int32(REFINERY_OK.rawValue) else {
            throw PluginHostError.pluginFailed(plugin: name, path: job.plugin, basePoint: nil, message: String(cString: message, encoding: .utf8) ?? "?")
        }
        defer { descriptor.destroy?(instance) }
        let validator = SyntheticValidator(plugin: name, path: job.plugin, kind: kind, nominal: nominal)
        for (k, nu) in job.basePoints.enumerated() {
            let label = SyntheticValidator.label(nu)
            begin(WorkerCall(.produce, basePoint: label), limits: limits, send: send)
            var dataset = refinery_dataset()
            let status = nominal.withCView { view in
                nu.withUnsafeBufferPointer { produce(instance, view, $0.baseAddress, &dataset, &message, message.count) }
            }
            guard status == Int32(REFINERY_OK.rawValue) else {
                throw PluginHostError.pluginFailed(plugin: name, path: job.plugin, basePoint: label,
                                                   message: "status \(status): \(String(cString: message, encoding: .utf8) ?? "?")")
            }
            defer { descriptor.release_dataset?(instance, &dataset) }
            let synthetic = try validator.validate(dataset, nu: nu)
            try synthetic.write(to: output.appendingPathComponent("nu\(k)"),
                                systematic: job.systematic, plugin: name, kind: kind, nu: nu, nominal: nominal)
            send(.produced(index: k))
        }
    }
}
