import Foundation
import XCTest
@testable import PluginHost

/// The worker protocol's framing: typed messages round-trip, frames split across reads are
/// reassembled, and an oversized length is refused before anything is allocated.
final class FrameChannelTests: XCTestCase {
    func testMessagesRoundTripAcrossArbitraryChunks() throws {
        let messages: [WorkerMessage] = [
            .calling(WorkerCall(.produce, basePoint: "ν=(1)")), .produced(index: 3),
            .failed(.invalidOutput(plugin: "P", path: "/p.so", basePoint: "ν=(1)", message: "weight of event 3 is nan")), .finished,
        ]
        let bytes = try messages.flatMap { try FrameChannel.frame($0) }
        var reader = FrameChannel.Reader()
        var decoded: [WorkerMessage] = []
        var offset = 0
        for size in [1, 3, 7, 2, 50, 1, 1000] where offset < bytes.count {
            let end = min(offset + size, bytes.count)
            decoded += try reader.append(bytes[offset..<end]).map { try JSONDecoder().decode(WorkerMessage.self, from: $0) }
            offset = end
        }
        decoded += try reader.append(bytes[offset...]).map { try JSONDecoder().decode(WorkerMessage.self, from: $0) }
        XCTAssertEqual(decoded, messages)
        XCTAssertEqual(reader.incomplete, 0)
    }

    func testOversizedFrameIsRefused() {
        var reader = FrameChannel.Reader()
        XCTAssertThrowsError(try reader.append([0xFF, 0xFF, 0xFF, 0xFF, 0x7B])) { error in
            XCTAssertEqual(error as? FrameChannel.Failure, .tooLarge(0xFFFF_FFFF))
        }
    }

    /// Text a plugin might print is not a frame: "done 99\n" read as a length is far beyond
    /// the bound, so even a plugin writing it to the channel is a protocol violation, not a
    /// base point.
    func testProtocolLookingTextIsNotAFrame() {
        var reader = FrameChannel.Reader()
        XCTAssertThrowsError(try reader.append(ArraySlice(Array("done 99\n".utf8))))
    }

    func testBlockingSendAndReceiveOverASocket() throws {
        var pair: [Int32] = [-1, -1]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair), 0)
        defer { close(pair[0]); close(pair[1]) }
        let job = ProduceJob(systematic: "s", plugin: "/x.so", configJSON: String(repeating: "{}", count: 10_000), nominal: "/n",
                             alternative: nil, output: "/o", basePoints: [[-1], [1]])
        try FrameChannel.send(WorkerRequest.produce(job, limits: .defaults), to: pair[0])
        guard case let .produce(received, limits) = try FrameChannel.receive(WorkerRequest.self, from: pair[1]) else {
            return XCTFail("wrong request")
        }
        XCTAssertEqual(received, job)
        XCTAssertEqual(limits, .defaults)
    }
}
