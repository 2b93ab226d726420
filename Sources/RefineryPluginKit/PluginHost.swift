import Foundation

/// The host's services as seen by a Swift plugin.
public struct PluginHost: @unchecked Sendable {
    let services: refinery_host_services

    public init(_ services: refinery_host_services) { self.services = services }

    /// Runs the host's selection and observable reconstruction on latent rows
    /// (`count` × z width); returns observables (`count` × x width) and pass flags.
    public func reconstruct(latent: [Double], count: Int, xWidth: Int) throws -> (x: [Double], passes: [UInt8]) {
        guard let reconstruct = services.reconstruct else { throw PluginError("the host offers no reconstruction service") }
        var x = [Double](repeating: 0, count: count * xWidth)
        var passes = [UInt8](repeating: 0, count: count)
        var message = [CChar](repeating: 0, count: 1024)
        let status = latent.withUnsafeBufferPointer { z in
            x.withUnsafeMutableBufferPointer { xOut in
                passes.withUnsafeMutableBufferPointer { pass in
                    reconstruct(services.context, z.baseAddress, Int64(count), xOut.baseAddress, pass.baseAddress, &message, message.count)
                }
            }
        }
        guard status == Int32(REFINERY_OK.rawValue) else { throw PluginError("host reconstruction failed: \(String(cString: message, encoding: .utf8) ?? "?")") }
        return (x, passes)
    }

    /// The alternative-generator sample (valid while the plugin instance lives).
    public func alternativeSample() throws -> NominalSample {
        guard let provide = services.alternative_sample else { throw PluginError("the host offers no alternative sample") }
        var sample = refinery_sample()
        var message = [CChar](repeating: 0, count: 1024)
        let status = provide(services.context, &sample, &message, message.count)
        guard status == Int32(REFINERY_OK.rawValue) else { throw PluginError.input(String(cString: message, encoding: .utf8) ?? "?") }
        return NominalSample(sample)
    }

    public func log(_ message: String) {
        services.log?(services.context, message)
    }
}
