/// The last `capacity` bytes of a stream: a plugin printing 300 MB costs the host this much
/// memory and no more, and the error shows what it printed last.
struct OutputTail {
    let capacity: Int
    private(set) var bytes: [UInt8] = []
    private(set) var total = 0

    init(capacity: Int) { self.capacity = max(capacity, 0) }

    mutating func append(_ chunk: ArraySlice<UInt8>) {
        total += chunk.count
        if chunk.count >= capacity {
            bytes = Array(chunk.suffix(capacity))
        } else {
            bytes.append(contentsOf: chunk)
            if bytes.count > capacity { bytes.removeFirst(bytes.count - capacity) }
        }
    }

    /// The kept text, marked when something before it was dropped.
    var text: String {
        let body = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return total > bytes.count ? "[… \(total - bytes.count) earlier bytes dropped]\n" + body : body
    }
}

import Foundation
