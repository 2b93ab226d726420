import Dispatch

/// Splits an event range into fixed chunks, lets up to `threads` workers fill one accumulator
/// slot per chunk, and adds the slots in chunk order.
///
/// Determinism: the chunking depends only on the event count, each chunk is summed by one
/// thread in event order, and the reduction runs in chunk order, so the sums are bit-identical
/// for any thread count.
struct ChunkedSum {
    static let chunkSize = 4096

    let threads: Int

    /// `body(range, slot)` accumulates events `range` into the zeroed `slot` of `width` doubles;
    /// returns the ordered sum of all slots.
    func run(events: Int, width: Int, _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let chunks = (events + Self.chunkSize - 1) / Self.chunkSize
        var slots = [Double](repeating: 0, count: chunks * width)
        slots.withUnsafeMutableBufferPointer { buffer in
            let base = Unchecked(buffer.baseAddress!)
            withoutActuallyEscaping(body) { body in
                let task = Unchecked(body)
                let workers = max(1, min(threads, chunks))
                let work: (Int) -> Void = { worker in
                    var c = worker
                    while c < chunks {
                        let lower = c * Self.chunkSize
                        task.value(lower..<min(events, lower + Self.chunkSize), base.value + c * width)
                        c += workers
                    }
                }
                if workers == 1 { work(0) } else {
                    let job = Unchecked(work)
                    DispatchQueue.concurrentPerform(iterations: workers) { job.value($0) }
                }
            }
        }
        var total = [Double](repeating: 0, count: width)
        for c in 0..<chunks { for j in 0..<width { total[j] += slots[c * width + j] } }
        return total
    }
}

/// Carries a pointer or closure into `concurrentPerform`: each worker writes only its own
/// chunks' slots, which the type system cannot see through raw pointers.
struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
