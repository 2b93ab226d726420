import Foundation

/// Length-prefixed frames on a file descriptor: a 4-byte big-endian length, then that many
/// bytes of JSON. Lengths above `maximumFrame` are a protocol violation, so a broken or
/// hostile worker cannot make the host allocate without bound.
public enum FrameChannel {
    public static let maximumFrame = 1 << 24

    public enum Failure: Error, Equatable {
        case closed
        case tooLarge(Int)
        case io(errno: Int32)
    }

    public static func frame<T: Encodable>(_ value: T) throws -> [UInt8] {
        let payload = try JSONEncoder().encode(value)
        precondition(payload.count <= maximumFrame, "a frame of \(payload.count) bytes exceeds the protocol's bound")
        let n = UInt32(payload.count)
        return [UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)] + Array(payload)
    }

    /// Writes one frame, retrying short writes.
    public static func send<T: Encodable>(_ value: T, to fd: Int32) throws {
        let bytes = try frame(value)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure.io(errno: errno)
            }
            offset += written
        }
    }

    /// Reads one frame (blocking); the worker's side.
    public static func receive<T: Decodable>(_ type: T.Type, from fd: Int32) throws -> T {
        func readExactly(_ count: Int) throws -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: count)
            var offset = 0
            while offset < count {
                let n = buffer[offset...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n < 0 { throw Failure.io(errno: errno) }
                if n == 0 { throw Failure.closed }
                offset += n
            }
            return buffer
        }
        let header = try readExactly(4)
        let length = header.reduce(0) { $0 << 8 | Int($1) }
        guard length <= maximumFrame else { throw Failure.tooLarge(length) }
        return try JSONDecoder().decode(T.self, from: Data(try readExactly(length)))
    }

    /// Splits bytes read without blocking into frames; the host's side.
    public struct Reader {
        var pending: [UInt8] = []

        public init() {}

        /// Appends `bytes` and returns the complete frames' payloads.
        public mutating func append(_ bytes: ArraySlice<UInt8>) throws -> [Data] {
            pending.append(contentsOf: bytes)
            var frames: [Data] = []
            var start = 0
            while pending.count - start >= 4 {
                let length = pending[start..<(start + 4)].reduce(0) { $0 << 8 | Int($1) }
                guard length <= maximumFrame else { throw Failure.tooLarge(length) }
                guard pending.count - start - 4 >= length else { break }
                frames.append(Data(pending[(start + 4)..<(start + 4 + length)]))
                start += 4 + length
            }
            pending.removeFirst(start)
            return frames
        }

        /// Bytes of an incomplete frame still held.
        public var incomplete: Int { pending.count }
    }
}
