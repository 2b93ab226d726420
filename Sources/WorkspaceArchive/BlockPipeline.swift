import Foundation

/// Two-stage pipeline over a fixed pool of large buffers: a producer thread fills blocks
/// while the calling thread consumes them, so, on two cores, decompressing overlaps hashing and
/// writing (unpack, verify) and reading and hashing overlap compressing (pack).
///
/// Bounded: at most `blockCount` blocks are in flight, so memory stays at
/// `blockCount × blockSize` whatever the archive size. A failure on either side stops both,
/// and `run` returns only after the producer thread has finished, so no buffer outlives it.
final class BlockPipeline<Header>: @unchecked Sendable {
    /// What the consumer sees: a member starts, a block of its bytes, it ends.
    enum Message {
        case begin(Header)
        case data(UnsafeRawBufferPointer)
        case end
    }

    /// The producer's handle: sends messages, and throws `Stopped` once the consumer failed.
    struct Producer {
        fileprivate let pipeline: BlockPipeline

        func begin(_ header: Header) throws { try pipeline.send(.begin(header), buffer: nil) }
        func end() throws { try pipeline.send(.end, buffer: nil) }

        /// Lends a free block to `fill`, which returns how many bytes it wrote (0: nothing to
        /// send); sends them and returns the count.
        func send(_ fill: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> Int {
            let buffer = try pipeline.acquire()
            let count: Int
            do { count = try fill(buffer) } catch {
                pipeline.release(buffer)
                throw error
            }
            guard count > 0 else {
                pipeline.release(buffer)
                return 0
            }
            try pipeline.send(.data(UnsafeRawBufferPointer(rebasing: buffer[..<count])), buffer: buffer)
            return count
        }
    }

    /// Thrown to the producer when the consumer has failed; never escapes `run`.
    struct Stopped: Error {}

    private let condition = NSCondition()
    private let buffers: [UnsafeMutableRawBufferPointer]
    private var free: [UnsafeMutableRawBufferPointer]
    private var queue: [(Message, UnsafeMutableRawBufferPointer?)] = []
    private var head = 0
    private var finished = false
    private var consumerFailed = false
    /// Set by the producer thread before `finish` wakes the consumer; read after the join.
    private var producerError: Error?

    private init(blockSize: Int, blockCount: Int) {
        buffers = (0..<blockCount).map { _ in .allocate(byteCount: blockSize, alignment: 4096) }
        free = buffers
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// Runs `produce` on a new thread and feeds its messages to `consume` on this one.
    /// Rethrows the first real failure of either side.
    ///
    /// `produce` may use objects the caller owns (an archive reader): the caller blocks until
    /// the producer thread has finished, so they are never used from two threads at once.
    static func run(blockSize: Int = 4 << 20, blockCount: Int = 4,
                    produce: @escaping (Producer) throws -> Void,
                    consume: (Message) throws -> Void) throws {
        let pipeline = BlockPipeline(blockSize: blockSize, blockCount: blockCount)
        let done = DispatchSemaphore(value: 0)
        let work = UncheckedSendable(produce)
        let thread = Thread {
            var failure: Error?
            do { try work.value(Producer(pipeline: pipeline)) } catch { failure = error }
            pipeline.finish(failure)
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()

        var consumerError: Error?
        while let (message, buffer) = pipeline.receive() {
            do { try consume(message) } catch {
                consumerError = error
                pipeline.stop()
                if let buffer { pipeline.release(buffer) }
                break
            }
            if let buffer { pipeline.release(buffer) }
        }
        done.wait()
        if let consumerError { throw consumerError }
        if let error = pipeline.producerError, !(error is Stopped) { throw error }
    }

    private func acquire() throws -> UnsafeMutableRawBufferPointer {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty && !consumerFailed { condition.wait() }
        if consumerFailed { throw Stopped() }
        return free.removeLast()
    }

    private func release(_ buffer: UnsafeMutableRawBufferPointer) {
        condition.lock()
        free.append(buffer)
        condition.broadcast()
        condition.unlock()
    }

    private func send(_ message: Message, buffer: UnsafeMutableRawBufferPointer?) throws {
        condition.lock()
        defer { condition.unlock() }
        if consumerFailed {
            throw Stopped()
        }
        queue.append((message, buffer))
        condition.broadcast()
    }

    private func receive() -> (Message, UnsafeMutableRawBufferPointer?)? {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count && !finished { condition.wait() }
        guard head < queue.count else { return nil }
        let item = queue[head]
        head += 1
        // Compact now and then so the queue does not grow with the archive.
        if head > 64 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        return item
    }

    private func finish(_ error: Error?) {
        condition.lock()
        producerError = error
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func stop() {
        condition.lock()
        consumerFailed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Hands a value to another thread when the code guarantees it is used there alone (the
/// sender waits for that thread to finish).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
