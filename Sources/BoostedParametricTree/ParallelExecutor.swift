import Dispatch

/// Runs independent tasks on up to `threads` threads.
///
/// Determinism: callers give every task its own output slot and combine slots in a fixed order
/// afterwards, and the task decomposition never depends on `threads`, so results are
/// bit-identical for any thread count. Tasks are assigned statically (worker w runs tasks
/// w, w + workers, ...), which needs no shared counter.
public struct ParallelExecutor: Sendable {
    public let threads: Int

    public init(threads: Int) {
        self.threads = max(1, threads)
    }

    /// Calls `body(i)` for i in 0..<count, possibly concurrently.
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        if threads == 1 || count <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        let workers = min(threads, count)
        withoutActuallyEscaping(body) { body in
            let task = UncheckedSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var i = worker
                while i < count {
                    task.value(i)
                    i += workers
                }
            }
        }
    }
}

extension ParallelExecutor {
    /// `(0..<count).map(body)` with the tasks run concurrently, each into its own slot.
    public func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        let slots = UnsafeMutablePointer<T?>.allocate(capacity: max(count, 1))
        slots.initialize(repeating: nil, count: count)
        defer { slots.deinitialize(count: count); slots.deallocate() }
        let output = UncheckedSendableBox(slots)
        forEach(count) { output.value[$0] = body($0) }
        return (0..<count).map { slots[$0]! }
    }
}

/// Carries a value into `concurrentPerform`; the callers guarantee the tasks touch disjoint
/// memory (their own output slots), which the type system cannot see through raw pointers.
struct UncheckedSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Owns an array so that several arrays can be accessed through mutable pointers at the same
/// time without overlapping accesses to one containing value.
final class ArrayBox<Element> {
    var array: [Element]
    init(_ array: consuming [Element]) { self.array = array }
}

/// Calls `body` with base pointers of every box's array, nesting the scoped pointer accesses.
func withMutablePointers<Element, R>(
    _ boxes: [ArrayBox<Element>], _ body: ([UnsafeMutablePointer<Element>]) throws -> R
) rethrows -> R {
    var pointers: [UnsafeMutablePointer<Element>] = []
    pointers.reserveCapacity(boxes.count)
    func nest(_ i: Int) throws -> R {
        if i == boxes.count { return try body(pointers) }
        return try boxes[i].array.withUnsafeMutableBufferPointer { buffer in
            // An empty array has no base address; no event will ever index it.
            pointers.append(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 0x10)!)
            return try nest(i + 1)
        }
    }
    return try nest(0)
}

/// Calls `body` with base pointers of every (read-only) array.
func withPointers<Element, R>(_ arrays: [[Element]], _ body: ([UnsafePointer<Element>]) throws -> R) rethrows -> R {
    var pointers: [UnsafePointer<Element>] = []
    pointers.reserveCapacity(arrays.count)
    func nest(_ i: Int) throws -> R {
        if i == arrays.count { return try body(pointers) }
        return try arrays[i].withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress ?? UnsafePointer(bitPattern: 0x10)!)
            return try nest(i + 1)
        }
    }
    return try nest(0)
}
