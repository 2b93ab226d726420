/// A read-only view of the nominal sample the host passes to `produce` (no copies).
public struct NominalSample: @unchecked Sendable {
    public let raw: refinery_sample
    public let xNames: [String]
    public let zNames: [String]

    public init(_ raw: refinery_sample) {
        self.raw = raw
        xNames = (0..<Int(raw.x_width)).map { index in raw.x_names.map { String(cString: $0[index]!) } ?? "x\(index)" }
        zNames = (0..<Int(raw.z_width)).map { index in raw.z_names.map { String(cString: $0[index]!) } ?? "z\(index)" }
    }

    public var count: Int { Int(raw.count) }
    public var xWidth: Int { Int(raw.x_width) }
    public var zWidth: Int { Int(raw.z_width) }
    public var x: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: raw.x, count: count * xWidth) }
    public var z: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: raw.z, count: count * zWidth) }
    public var weights: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: raw.w, count: count) }
    public var scaleWidth: Int { Int(raw.scale_width) }
    public var scale: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: raw.scale, count: count * scaleWidth) }
    public var fiducial: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: raw.fiducial, count: count) }

    /// The index of latent column `name`, or an input error naming what is missing.
    public func zColumn(_ name: String) throws -> Int {
        guard let index = zNames.firstIndex(of: name) else {
            throw PluginError.input("the nominal sample has no latent column '\(name)'")
        }
        return index
    }

    public func xColumn(_ name: String) throws -> Int {
        guard let index = xNames.firstIndex(of: name) else {
            throw PluginError.input("the nominal sample has no observable '\(name)'")
        }
        return index
    }
}
