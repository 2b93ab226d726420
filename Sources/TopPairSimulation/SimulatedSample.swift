// The columnar result of one simulation run.

/// A simulated sample: flat row-major columns, one row per event, in event-index order.
///
/// Rows are the nominal-fiducial events (`fiducial` = 1) and the pre-selected events that
/// fail the nominal selection but pass it for a ±3σ JES variation (`fiducial` = 0). The
/// observables of pre-selected events are finite when the tops can be reconstructed (two
/// opposite-charge leptons and two b-tagged jets in acceptance) and NaN otherwise.
public struct SimulatedSample: Sendable {
    /// Number of events (rows).
    public var count: Int
    /// N × 14 observables x, `ObservableSet.names` / `.units`.
    public var observables: [Double]
    /// N × `Latent.width` latent features z, `Latent.names` / `.units`.
    public var latent: [Double]
    /// N weights (pb per event). Nominal: σ_fid/N_fid for every row, so the fiducial rows
    /// sum to σ_fid. Alternative: ±σ_gen/(N₊ − N₋) over the generated events.
    public var weight: [Double]
    /// N × 20 SMEFT coefficients: r_m (5), then r_mn for m ≤ n (15), `SMEFT.coefficientNames`.
    public var smeft: [Double]
    /// N × 8 absolute scale weights (pb) at (ν_R, ν_F) in the order of eq. (83).
    public var scale: [Double]
    /// N flags: 1 if the event passes the nominal selection.
    public var fiducial: [UInt8]
    /// Event indices generated up to and including the last stored fiducial event.
    public var generatedEvents: Int
    /// Generated events with a negative weight among `generatedEvents`.
    public var negativeGeneratedEvents: Int
    /// The settings that produced the sample.
    public var settings: SimulationSettings

    /// Number of rows with `fiducial` = 1.
    public var fiducialCount: Int { fiducial.reduce(0) { $0 + Int($1) } }

    /// Observables of row i.
    public func observables(row i: Int) -> ArraySlice<Double> {
        observables[(i * ObservableSet.count)..<((i + 1) * ObservableSet.count)]
    }

    /// Latent row i.
    public func latent(row i: Int) -> ArraySlice<Double> {
        latent[(i * Latent.width)..<((i + 1) * Latent.width)]
    }

    /// SMEFT coefficients of row i.
    public func smeft(row i: Int) -> ArraySlice<Double> {
        smeft[(i * SMEFT.coefficientCount)..<((i + 1) * SMEFT.coefficientCount)]
    }
}
