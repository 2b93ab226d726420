import Foundation
import RefineryPluginABI
import TopPairSimulation

/// The host services offered to the plugin inside the worker.
final class HostContext: @unchecked Sendable {
    let alternativePath: String?
    let pluginName: String
    var alternative: LoadedSample?

    init(alternativePath: String?, pluginName: String) {
        self.alternativePath = alternativePath
        self.pluginName = pluginName
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

    /// Loads the alternative sample once and returns a C view of it.
    func alternativeView() -> Result<refinery_sample, Error> {
        do {
            if alternative == nil {
                guard let alternativePath else {
                    throw PluginHostError.missingAlternativeSample
                }
                alternative = try LoadedSample(URL(fileURLWithPath: alternativePath))
            }
            guard let sample = alternative else { throw PluginHostError.missingAlternativeSample }
            // Its own buffers: they stay put while the sample lives (as long as this context).
            return .success(sample.cView(x: sample.x.baseAddress, z: sample.z.baseAddress, w: sample.w.baseAddress,
                                         scale: nil, fiducial: sample.fiducial.baseAddress))
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
