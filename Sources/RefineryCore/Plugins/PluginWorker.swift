import EventData
import Foundation
import RefineryPluginABI
import TopPairSimulation

/// The plugin side of process isolation: runs inside a child `refinery plugin-worker`
/// process, loads one plugin, produces its synthetic data sets D(ν) and writes them to disk.
/// If the plugin crashes, only this process dies; the parent reports it.
///
/// Protocol with the parent: one line per event on stdout, `begin <k>` and `done <k>` around
/// base point k; on failure a single message on stderr and exit status 2.
public enum PluginWorker {
    /// Everything a worker needs, passed by the parent as one JSON file.
    public struct Job: Codable, Sendable {
        public var systematic: String
        public var plugin: String
        public var configJSON: String
        public var nominal: String
        public var alternative: String?
        public var output: String
        public var basePoints: [[Double]]
    }

    /// `plugin-worker describe`: info and spec of a plugin for a configuration.
    public struct Description: Codable, Sendable {
        public var name: String
        public var version: String
        public var summary: String
        public var kind: SystematicKind
        public var abiVersion: UInt32
        public var configSchema: String
        public var spec: SystematicSpec?
        public var specError: String?
    }

    public static func describe(plugin path: String, configJSON: String) throws -> Description {
        let library = try PluginLibrary.load(URL(fileURLWithPath: path))
        guard let kind = library.kind else {
            throw PluginHostError.pluginFailed(plugin: library.name, path: path, basePoint: nil, message: "unknown kind \(library.descriptor.pointee.kind.rawValue)")
        }
        var description = Description(name: library.name, version: library.version, summary: library.summary, kind: kind,
                                      abiVersion: library.descriptor.pointee.abi_version, configSchema: library.configSchema)
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

    /// `plugin-worker produce`: D(ν) for every base point of the job.
    public static func produce(_ job: Job, progress: (String) -> Void) throws {
        let library = try PluginLibrary.load(URL(fileURLWithPath: job.plugin))
        let name = library.name
        guard let kind = library.kind else {
            throw PluginHostError.pluginFailed(plugin: name, path: job.plugin, basePoint: nil, message: "unknown plugin kind")
        }
        let nominal = try LoadedSample(URL(fileURLWithPath: job.nominal))
        let context = HostContext(alternativePath: job.alternative, pluginName: name)
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
        let created = create(job.configJSON, &services, &instance, &message, message.count)
        guard created == Int32(REFINERY_OK.rawValue) else {
            throw PluginHostError.pluginFailed(plugin: name, path: job.plugin, basePoint: nil, message: String(cString: message, encoding: .utf8) ?? "?")
        }
        defer { descriptor.destroy?(instance) }
        let validator = SyntheticValidator(plugin: name, path: job.plugin, kind: kind, nominal: nominal)
        for (k, nu) in job.basePoints.enumerated() {
            progress("begin \(k)")
            let label = SyntheticValidator.label(nu)
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
            try synthetic.write(to: URL(fileURLWithPath: job.output).appendingPathComponent("nu\(k)"),
                                systematic: job.systematic, plugin: name, kind: kind, nu: nu, nominal: nominal)
            progress("done \(k)")
        }
    }
}

/// The host services offered to the plugin inside the worker.
final class HostContext: @unchecked Sendable {
    let alternativePath: String?
    let pluginName: String
    var alternative: LoadedSample?
    var alternativePointers: (x: UnsafeMutableBufferPointer<Double>, z: UnsafeMutableBufferPointer<Double>,
                              w: UnsafeMutableBufferPointer<Double>, f: UnsafeMutableBufferPointer<UInt8>)?

    init(alternativePath: String?, pluginName: String) {
        self.alternativePath = alternativePath
        self.pluginName = pluginName
    }

    deinit {
        if let p = alternativePointers { p.x.deallocate(); p.z.deallocate(); p.w.deallocate(); p.f.deallocate() }
    }

    static func write(_ text: String, to buffer: UnsafeMutablePointer<CChar>?, capacity: Int) {
        guard let buffer, capacity > 0 else { return }
        let bytes = Array(text.utf8.prefix(capacity - 1))
        for (i, byte) in bytes.enumerated() { buffer[i] = CChar(bitPattern: byte) }
        buffer[bytes.count] = 0
    }

    static let reconstructThunk: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<Double>?, Int64,
                                                 UnsafeMutablePointer<Double>?, UnsafeMutablePointer<UInt8>?,
                                                 UnsafeMutablePointer<CChar>?, Int) -> Int32 = { _, z, count, x, pass, error, capacity in
        guard let z, let x, let pass, count >= 0 else {
            write("reconstruct needs non-null z, x and pass buffers", to: error, capacity: capacity)
            return Int32(REFINERY_ERROR_INPUT.rawValue)
        }
        let n = Int(count)
        Reconstruction.reconstruct(latent: UnsafeBufferPointer(start: z, count: n * Latent.width), count: n,
                                   observables: UnsafeMutableBufferPointer(start: x, count: n * ObservableSet.count),
                                   passes: UnsafeMutableBufferPointer(start: pass, count: n))
        return Int32(REFINERY_OK.rawValue)
    }

    static let alternativeThunk: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<refinery_sample>?,
                                                 UnsafeMutablePointer<CChar>?, Int) -> Int32 = { context, out, error, capacity in
        guard let context, let out else { return Int32(REFINERY_ERROR_INTERNAL.rawValue) }
        let host = Unmanaged<HostContext>.fromOpaque(context).takeUnretainedValue()
        switch host.alternativeView() {
        case let .success(view):
            out.pointee = view
            return Int32(REFINERY_OK.rawValue)
        case let .failure(failure):
            write(failure.localizedDescription, to: error, capacity: capacity)
            return Int32(REFINERY_ERROR_INPUT.rawValue)
        }
    }

    /// Stable copies of an array: the plugin may keep the view until it is destroyed.
    static func stableCopy<T>(_ values: [T]) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(values.count, 1))
        _ = buffer.initialize(from: values)
        return buffer
    }

    /// Loads the alternative sample once and returns a C view of it.
    func alternativeView() -> Result<refinery_sample, Error> {
        do {
            if alternative == nil {
                guard let alternativePath else {
                    throw WorkspaceError.missingSample(path: "samples/alternative", command: "refinery simulate")
                }
                let sample = try LoadedSample(URL(fileURLWithPath: alternativePath))
                alternativePointers = (Self.stableCopy(sample.x), Self.stableCopy(sample.z), Self.stableCopy(sample.w),
                                       Self.stableCopy(sample.fiducial))
                alternative = sample
            }
            guard let sample = alternative, let p = alternativePointers else {
                throw WorkspaceError.missingSample(path: "samples/alternative", command: "refinery simulate")
            }
            return .success(sample.cView(x: UnsafePointer(p.x.baseAddress), z: UnsafePointer(p.z.baseAddress),
                                         w: UnsafePointer(p.w.baseAddress), scale: nil, fiducial: UnsafePointer(p.f.baseAddress)))
        } catch {
            return .failure(error)
        }
    }

    static let logThunk: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void = { context, message in
        guard let context, let message else { return }
        let host = Unmanaged<HostContext>.fromOpaque(context).takeUnretainedValue()
        FileHandle.standardError.write(Data("[\(host.pluginName)] \(String(cString: message, encoding: .utf8) ?? "?")\n".utf8))
    }
}
