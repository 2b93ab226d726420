/// The contract of a recalibrated data set (a calibration plugin's D(ν), eq. 30): its rows
/// are nominal events with recomputed x, those that pass the varied selection, in the nominal
/// sample's order; the `event` column names the nominal event of each row (its index in the
/// nominal's `x`, `w` and `fiducial`, counting non-fiducial events too, since a variation can
/// move an event into the fiducial region).
///
/// The classifier two-sample test needs it: an event and its recalibrated twin are nearly the
/// same point, and a classifier that sees one in each class learns to tell them apart.
public enum RecalibratedDataContract {
    /// The name of the column of nominal event indices.
    public static let eventColumn = "event"

    /// The nominal event index of each nominal *fiducial* row (the rows of
    /// ``ReweightedDataContract/fiducialRows(_:width:fiducial:)``), in the same index space
    /// as the `event` column.
    public static func fiducialEvents(fiducial: [UInt8]) -> [Int] {
        fiducial.indices.filter { fiducial[$0] != 0 }
    }
}
