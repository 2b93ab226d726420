import Foundation

/// Builds the C descriptor for a `SystematicPlugin` type: the bridge between the plugin's
/// Swift code and the ABI. Strings and arrays handed to the host are allocated once and
/// live until the library is unloaded.
public enum PluginExport {
    nonisolated(unsafe) static var plugin: (any SystematicPlugin.Type)?
    nonisolated(unsafe) static var descriptor: UnsafeMutablePointer<refinery_plugin_descriptor>?
    static let lock = NSLock()

    /// The value `refinery_plugin_entry` returns.
    public static func entry(_ type: any SystematicPlugin.Type) -> UnsafeRawPointer {
        lock.lock()
        defer { lock.unlock() }
        if let descriptor { return UnsafeRawPointer(descriptor) }
        plugin = type
        let pointer = UnsafeMutablePointer<refinery_plugin_descriptor>.allocate(capacity: 1)
        pointer.initialize(to: refinery_plugin_descriptor(
            abi_version: REFINERY_PLUGIN_ABI_VERSION,
            name: permanent(type.name), version: permanent(type.version), description: permanent(type.summary),
            kind: type.kind.cValue, config_schema: permanent(type.configSchema),
            describe: describeThunk, create: createThunk, produce: produceThunk,
            release_dataset: releaseThunk, destroy: destroyThunk))
        descriptor = pointer
        return UnsafeRawPointer(pointer)
    }

    /// A C string that is never freed (descriptor fields must outlive every call).
    static func permanent(_ text: String) -> UnsafePointer<CChar> { UnsafePointer(strdup(text)!) }

    static func permanent<T>(_ values: [T]) -> UnsafePointer<T>? {
        guard !values.isEmpty else { return nil }
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: values.count)
        pointer.initialize(from: values, count: values.count)
        return UnsafePointer(pointer)
    }

    /// Copies `message` into the host's error buffer, truncated and NUL-terminated.
    static func report(_ message: String, into buffer: UnsafeMutablePointer<CChar>?, capacity: Int) {
        guard let buffer, capacity > 0 else { return }
        let bytes = Array(message.utf8.prefix(capacity - 1))
        for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
        buffer[bytes.count] = 0
    }

    static func status(of error: Error, into buffer: UnsafeMutablePointer<CChar>?, capacity: Int) -> Int32 {
        if let error = error as? PluginError {
            report(error.message, into: buffer, capacity: capacity)
            return Int32(error.status.rawValue)
        }
        report("\(error)", into: buffer, capacity: capacity)
        return Int32(REFINERY_ERROR_INTERNAL.rawValue)
    }

    /// The Swift object behind an instance handle.
    final class Instance {
        let plugin: any SystematicPlugin
        let nuisanceCount: Int
        init(_ plugin: any SystematicPlugin, nuisanceCount: Int) {
            self.plugin = plugin
            self.nuisanceCount = nuisanceCount
        }
    }

    /// C buffers handed to the host; freed in `release_dataset`.
    final class Buffers {
        let weights: UnsafeMutableBufferPointer<Double>
        let observables: UnsafeMutableBufferPointer<Double>?
        let passes: UnsafeMutableBufferPointer<UInt8>?

        init(_ sample: SyntheticSample) {
            weights = Buffers.copy(sample.weights)
            observables = sample.observables.map(Buffers.copy)
            passes = sample.passes.map(Buffers.copy)
        }

        static func copy<T>(_ values: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(values.count, 1))
            _ = buffer.initialize(from: values)
            return buffer
        }

        deinit {
            weights.deallocate()
            observables?.deallocate()
            passes?.deallocate()
        }
    }

    static let describeThunk: @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<refinery_spec>?, UnsafeMutablePointer<CChar>?, Int) -> Int32 = { json, spec, error, capacity in
        guard let plugin, let spec else { return Int32(REFINERY_ERROR_INTERNAL.rawValue) }
        do {
            let config = try PluginConfig(json: json.map { String(cString: $0) } ?? "{}")
            let value = try plugin.spec(for: config)
            spec.pointee = refinery_spec(
                nuisance_count: Int32(value.nuisances.count),
                nuisance_names: permanent(value.nuisances.map { permanent($0) as UnsafePointer<CChar>? }),
                term_count: Int32(value.terms.count),
                term_degrees: permanent(value.terms.map { Int32($0.count) }),
                term_parameters: permanent(value.terms.flatMap { $0.map(Int32.init) }),
                base_point_count: Int32(value.basePoints.count),
                base_points: permanent(value.basePoints.flatMap { $0 }),
                trees: Int32(value.trees), learning_rate: value.learningRate,
                max_depth: Int32(value.maxDepth), min_node_size: Int32(value.minNodeSize))
            return Int32(REFINERY_OK.rawValue)
        } catch let failure {
            return status(of: failure, into: error, capacity: capacity)
        }
    }

    static let createThunk: @convention(c) (UnsafePointer<CChar>?, UnsafePointer<refinery_host_services>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<CChar>?, Int) -> Int32 = { json, host, instance, errorBuffer, capacity in
        guard let plugin, let host, let instance else { return Int32(REFINERY_ERROR_INTERNAL.rawValue) }
        do {
            let config = try PluginConfig(json: json.map { String(cString: $0) } ?? "{}")
            let spec = try plugin.spec(for: config)
            let object = try plugin.init(config: config, host: PluginHost(host.pointee))
            instance.pointee = Unmanaged.passRetained(Instance(object, nuisanceCount: spec.nuisances.count)).toOpaque()
            return Int32(REFINERY_OK.rawValue)
        } catch {
            return status(of: error, into: errorBuffer, capacity: capacity)
        }
    }

    static let produceThunk: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<refinery_sample>?, UnsafePointer<Double>?, UnsafeMutablePointer<refinery_dataset>?, UnsafeMutablePointer<CChar>?, Int) -> Int32 = { handle, nominal, nu, out, errorBuffer, capacity in
        guard let handle, let nominal, let out else { return Int32(REFINERY_ERROR_INTERNAL.rawValue) }
        let instance = Unmanaged<Instance>.fromOpaque(handle).takeUnretainedValue()
        do {
            let point = (0..<instance.nuisanceCount).map { nu?[$0] ?? 0 }
            let sample = try instance.plugin.produce(nominal: NominalSample(nominal.pointee), nu: point)
            let buffers = Buffers(sample)
            var dataset = refinery_dataset()
            dataset.count = Int64(sample.weights.count)
            dataset.x_width = sample.observables == nil ? 0 : nominal.pointee.x_width
            dataset.w = buffers.weights.baseAddress
            dataset.x = buffers.observables?.baseAddress
            dataset.pass = buffers.passes?.baseAddress
            dataset.plugin_data = Unmanaged.passRetained(buffers).toOpaque()
            out.pointee = dataset
            return Int32(REFINERY_OK.rawValue)
        } catch {
            return status(of: error, into: errorBuffer, capacity: capacity)
        }
    }

    static let releaseThunk: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<refinery_dataset>?) -> Void = { _, dataset in
        guard let dataset, let data = dataset.pointee.plugin_data else { return }
        Unmanaged<Buffers>.fromOpaque(data).release()
        dataset.pointee = refinery_dataset()
    }

    static let destroyThunk: @convention(c) (UnsafeMutableRawPointer?) -> Void = { handle in
        guard let handle else { return }
        Unmanaged<Instance>.fromOpaque(handle).release()
    }
}
