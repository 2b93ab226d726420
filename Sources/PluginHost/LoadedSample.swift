import EventData
import Foundation
import RefineryPluginABI

/// A simulated sample held in memory with C views for plugins (`refinery_sample`).
/// The C name arrays are allocated once and freed with the sample.
final class LoadedSample: @unchecked Sendable {
    let count: Int
    let x: [Double]
    let z: [Double]
    let w: [Double]
    let scale: [Double]
    let fiducial: [UInt8]
    let xNames: [String]
    let zNames: [String]
    let scaleWidth: Int
    private let cXNames: UnsafeMutablePointer<UnsafePointer<CChar>?>
    private let cZNames: UnsafeMutablePointer<UnsafePointer<CChar>?>

    init(_ url: URL) throws {
        let dataSet = try DataSet.open(url)
        count = dataSet.count
        x = try dataSet.read("x", as: Double.self).values
        z = try dataSet.read("z", as: Double.self).values
        w = try dataSet.read("w", as: Double.self).values
        if let column = dataSet.manifest.column(named: "scale") {
            scale = try dataSet.read("scale", as: Double.self).values
            scaleWidth = column.shape.count > 1 ? column.shape[1] : 0
        } else {
            scale = []
            scaleWidth = 0
        }
        fiducial = dataSet.manifest.column(named: "fiducial") != nil
            ? try dataSet.read("fiducial", as: UInt8.self).values : [UInt8](repeating: 1, count: dataSet.count)
        xNames = dataSet.manifest.column(named: "x")?.names ?? []
        zNames = dataSet.manifest.column(named: "z")?.names ?? []
        cXNames = LoadedSample.cStrings(xNames)
        cZNames = LoadedSample.cStrings(zNames)
    }

    var xWidth: Int { count > 0 ? x.count / count : xNames.count }
    var zWidth: Int { count > 0 ? z.count / count : zNames.count }

    private static func cStrings(_ names: [String]) -> UnsafeMutablePointer<UnsafePointer<CChar>?> {
        let pointer = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: max(names.count, 1))
        for (index, name) in names.enumerated() { pointer[index] = UnsafePointer(strdup(name)) }
        return pointer
    }

    /// Calls `body` with a C view of the sample valid for the duration of the call.
    func withCView<R>(_ body: (UnsafePointer<refinery_sample>) throws -> R) rethrows -> R {
        try x.withUnsafeBufferPointer { xp in
            try z.withUnsafeBufferPointer { zp in
                try w.withUnsafeBufferPointer { wp in
                    try scale.withUnsafeBufferPointer { sp in
                        try fiducial.withUnsafeBufferPointer { fp in
                            var view = cView(x: xp.baseAddress, z: zp.baseAddress, w: wp.baseAddress,
                                             scale: sp.baseAddress, fiducial: fp.baseAddress)
                            return try body(&view)
                        }
                    }
                }
            }
        }
    }

    /// A C view with caller-provided base pointers (they must outlive its use).
    func cView(x: UnsafePointer<Double>?, z: UnsafePointer<Double>?, w: UnsafePointer<Double>?,
               scale: UnsafePointer<Double>?, fiducial: UnsafePointer<UInt8>?) -> refinery_sample {
        refinery_sample(count: Int64(count), x_width: Int32(xWidth), z_width: Int32(zWidth), x: x, z: z, w: w,
                        scale_width: scale == nil ? 0 : Int32(scaleWidth), scale: scaleWidth > 0 ? scale : nil, fiducial: fiducial,
                        x_names: UnsafePointer(cXNames), z_names: UnsafePointer(cZNames))
    }

    deinit {
        for index in 0..<xNames.count { free(UnsafeMutableRawPointer(mutating: cXNames[index])) }
        for index in 0..<zNames.count { free(UnsafeMutableRawPointer(mutating: cZNames[index])) }
        cXNames.deallocate()
        cZNames.deallocate()
    }
}
