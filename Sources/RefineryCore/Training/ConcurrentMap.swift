import Dispatch

/// `(0..<count).map(body)` on up to `threads` threads: the closure checks bin every observable
/// independently, and doing it one observable at a time left a core idle for a tenth of a
/// paper-scale `train`. Each index writes only its own slot, so the result does not depend on
/// `threads`.
enum ConcurrentMap {
    static func map<T>(_ count: Int, threads: Int, _ body: (Int) -> T) -> [T] {
        let workers = max(1, min(threads, count))
        if workers == 1 { return (0..<count).map(body) }
        let slots = UnsafeMutablePointer<T?>.allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
        defer { slots.deinitialize(count: count); slots.deallocate() }
        withoutActuallyEscaping(body) { body in
            let job = SlotJob(body: body, slots: slots)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var i = worker
                while i < count {
                    job.slots[i] = job.body(i)
                    i += workers
                }
            }
        }
        return (0..<count).map { slots[$0]! }
    }

    /// The body and the slots, carried into `concurrentPerform`; workers write disjoint slots.
    private struct SlotJob<T>: @unchecked Sendable {
        let body: (Int) -> T
        let slots: UnsafeMutablePointer<T?>
    }
}
