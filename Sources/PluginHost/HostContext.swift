import Foundation
import RefineryPluginABI
import TopPairSimulation

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
                    throw PluginHostError.missingAlternativeSample
                }
                let sample = try LoadedSample(URL(fileURLWithPath: alternativePath))
                alternativePointers = (Self.stableCopy(sample.x), Self.stableCopy(sample.z), Self.stableCopy(sample.w),
                                       Self.stableCopy(sample.fiducial))
                alternative = sample
            }
            guard let sample = alternative, let p = alternativePointers else {
                throw PluginHostError.missingAlternativeSample
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
