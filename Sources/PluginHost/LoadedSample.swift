import EventData
import Foundation
import RefineryPluginABI

/// A simulated sample with C views for plugins (`refinery_sample`).
///
/// Its columns are held at fixed addresses for as long as the sample lives
/// (`DataSet.holdColumn`: mapped read-only after their hash is checked), since a plugin may
/// keep a view until it is destroyed; a column a plugin never reads costs no memory, and none
/// is held twice (a paper-scale sample is 0.9 GB; the alternative's view used to be a second
/// copy of it). The C name arrays are allocated once and freed with the sample.
final class LoadedSample: @unchecked Sendable {
    let count: Int
    let x: UnsafeBufferPointer<Double>
    let z: UnsafeBufferPointer<Double>
    let w: UnsafeBufferPointer<Double>
    let scale: UnsafeBufferPointer<Double>
    let fiducial: UnsafeBufferPointer<UInt8>
    let xNames: [String]
    let zNames: [String]
    let scaleWidth: Int
    /// What keeps the columns above alive.
    private let held: [AnyObject]
    private let cXNames: UnsafeMutablePointer<UnsafePointer<CChar>?>
    private let cZNames: UnsafeMutablePointer<UnsafePointer<CChar>?>

    init(_ url: URL) throws {
        let dataSet = try DataSet.open(url)
        count = dataSet.count
        let columns = (x: try dataSet.holdColumn("x", as: Double.self), z: try dataSet.holdColumn("z", as: Double.self),
                       w: try dataSet.holdColumn("w", as: Double.self))
        let scaleColumn = try dataSet.manifest.column(named: "scale").map { _ in try dataSet.holdColumn("scale", as: Double.self) }
        let fiducialColumn = try dataSet.manifest.column(named: "fiducial").map { _ in try dataSet.holdColumn("fiducial", as: UInt8.self) }
        (x, z, w) = (columns.x.values, columns.z.values, columns.w.values)
        scale = scaleColumn?.values ?? UnsafeBufferPointer(start: nil, count: 0)
        scaleWidth = dataSet.manifest.column(named: "scale").map { $0.shape.count > 1 ? $0.shape[1] : 0 } ?? 0
        if let fiducialColumn {
            fiducial = fiducialColumn.values
        } else {
            let ones = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(dataSet.count, 1))
            ones.initialize(repeating: 1)
            fiducial = UnsafeBufferPointer(rebasing: ones[0..<dataSet.count])
        }
        var held: [AnyObject] = [columns.x, columns.z, columns.w]
        if let scaleColumn { held.append(scaleColumn) }
        if let fiducialColumn { held.append(fiducialColumn) }
        self.held = held
        ownsFiducial = fiducialColumn == nil
        xNames = dataSet.manifest.column(named: "x")?.names ?? []
        zNames = dataSet.manifest.column(named: "z")?.names ?? []
        cXNames = LoadedSample.cStrings(xNames)
        cZNames = LoadedSample.cStrings(zNames)
    }

    /// Whether `fiducial` is this sample's own all-ones buffer (no fiducial column).
    private let ownsFiducial: Bool

    var xWidth: Int { count > 0 ? x.count / count : xNames.count }
    var zWidth: Int { count > 0 ? z.count / count : zNames.count }

    private static func cStrings(_ names: [String]) -> UnsafeMutablePointer<UnsafePointer<CChar>?> {
        let pointer = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: max(names.count, 1))
        for (index, name) in names.enumerated() { pointer[index] = UnsafePointer(strdup(name)) }
        return pointer
    }

    /// A C view of the sample, valid while the sample lives.
    var cView: refinery_sample {
        cView(x: x.baseAddress, z: z.baseAddress, w: w.baseAddress, scale: scale.baseAddress, fiducial: fiducial.baseAddress)
    }

    /// Calls `body` with a C view of the sample.
    func withCView<R>(_ body: (UnsafePointer<refinery_sample>) throws -> R) rethrows -> R {
        var view = cView
        return try body(&view)
    }

    /// A C view with caller-provided base pointers (they must outlive its use).
    func cView(x: UnsafePointer<Double>?, z: UnsafePointer<Double>?, w: UnsafePointer<Double>?,
               scale: UnsafePointer<Double>?, fiducial: UnsafePointer<UInt8>?) -> refinery_sample {
        refinery_sample(count: Int64(count), x_width: Int32(xWidth), z_width: Int32(zWidth), x: x, z: z, w: w,
                        scale_width: scale == nil ? 0 : Int32(scaleWidth), scale: scaleWidth > 0 ? scale : nil, fiducial: fiducial,
                        x_names: UnsafePointer(cXNames), z_names: UnsafePointer(cZNames))
    }

    deinit {
        if ownsFiducial { fiducial.baseAddress?.deallocate() }
        for index in 0..<xNames.count { free(UnsafeMutableRawPointer(mutating: cXNames[index])) }
        for index in 0..<zNames.count { free(UnsafeMutableRawPointer(mutating: cZNames[index])) }
        cXNames.deallocate()
        cZNames.deallocate()
    }
}
