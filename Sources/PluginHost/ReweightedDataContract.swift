/// The contract of a reweighted data set (eq. 31): it holds weights only, one for each
/// nominal *fiducial* event, in the nominal sample's order. The events themselves are the
/// nominal's; their observables are not stored again.
///
/// Both sides of the contract call this one function: the validator to keep a plugin's
/// weights of the fiducial events, the trainer to pick the nominal rows those weights belong
/// to. If they ever disagreed, every reweighted surrogate would silently train on weights
/// paired with the wrong events.
public enum ReweightedDataContract {
    /// The rows of `values` (row-major, `width` values per event) of the events whose
    /// `fiducial` flag is non-zero, in order.
    /// - Complexity: O(count × width), one pass.
    public static func fiducialRows<T>(_ values: UnsafeBufferPointer<T>, width: Int, fiducial: [UInt8]) -> [T] {
        precondition(width > 0 && values.count == fiducial.count * width, "values must hold `width` columns per event")
        var rows: [T] = []
        rows.reserveCapacity(fiducial.count * width)
        for i in fiducial.indices where fiducial[i] != 0 {
            rows.append(contentsOf: values[(i * width)..<((i + 1) * width)])
        }
        return rows
    }

    /// `fiducialRows` of an array.
    public static func fiducialRows<T>(_ values: [T], width: Int = 1, fiducial: [UInt8]) -> [T] {
        values.withUnsafeBufferPointer { fiducialRows($0, width: width, fiducial: fiducial) }
    }

    /// What a reweighted data set's manifest says it holds (`observables` attribute).
    public static let observablesAttribute = "nominal fiducial events, in order"
}
