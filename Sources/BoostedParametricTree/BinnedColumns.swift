import CVectorMath

/// A sample's bin codes column by column within words of 64 events, for routing many events
/// through a tree at once (``BinnedTree/Router/leaves(_:chunk:count:into:)``,
/// ``refinery_route_columns``): event e's code of feature f is at
/// `((e / 64) · F + f) · 64 + e % 64`, the last word padded with zeros. The same bytes as the
/// row-major ``BinnedFeatures/codes``, transposed once, so that a split's test reads 64 events'
/// codes of its feature as one contiguous line, and the words one sequential stream.
final class BinnedColumns: @unchecked Sendable {
    static let word = Int(REFINERY_ROUTING_WORD)
    /// Events per chunk: the loss curves' unit of work (``LossEvaluator``), whole words.
    static let chunkSize = 4 * word

    let count: Int
    let featureCount: Int
    private let storage: UnsafeMutablePointer<UInt8>

    /// Transposes `count` events of row-major codes (`featureCount` per event).
    init(rowMajor codes: UnsafePointer<UInt8>, count: Int, featureCount nf: Int) {
        self.count = count
        self.featureCount = nf
        let chunks = (count + Self.chunkSize - 1) / Self.chunkSize
        let size = max(1, chunks * Self.chunkSize * nf)
        storage = .allocate(capacity: size)
        storage.initialize(repeating: 0, count: size)
        for e in 0..<count {
            let row = codes + e * nf, out = storage + (e / Self.word) * nf * Self.word + e % Self.word
            for f in 0..<nf { out[f * Self.word] = row[f] }
        }
    }

    deinit { storage.deallocate() }

    /// The codes of the chunk holding events `c · chunkSize ..< (c + 1) · chunkSize`.
    func chunk(_ c: Int) -> UnsafePointer<UInt8> { UnsafePointer(storage + c * Self.chunkSize * featureCount) }
}
