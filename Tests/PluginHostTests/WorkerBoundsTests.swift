import Foundation
import XCTest
@testable import PluginHost

/// Real worker processes running the hostile fixture: every hang, flood, fork and early exit
/// is reported naming the plugin, the call and the base point within the limit, and no
/// process is left behind.
final class WorkerBoundsTests: XCTestCase {
    var directory: URL!
    var tag = ""

    override func setUpWithError() throws {
        directory = try Fixture.temporaryDirectory("bounds")
        tag = "REFINERY_TEST_TAG=\(UUID().uuidString)"
    }

    override func tearDownWithError() throws {
        Fixture.assertNoProcess(tagged: tag)
        try? FileManager.default.removeItem(at: directory)
    }

    func plugin(_ defines: [String]) throws -> URL {
        let url = directory.appendingPathComponent("lib\(defines.first?.prefix(while: { $0 != "=" }) ?? "Plain").so")
        try Fixture.compile(defines, to: url)
        return url
    }

    func job(_ plugin: URL) throws -> ProduceJob {
        let staging = directory.appendingPathComponent("staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        return ProduceJob(systematic: "hostile", plugin: plugin.path, configJSON: "{}", nominal: try Fixture.nominal(in: directory).path,
                          alternative: nil, output: staging.path, basePoints: [[-1], [1]])
    }

    /// Runs `body`, returning its error and how long it took.
    func timed(_ body: () throws -> Void) -> (PluginHostError?, Double) {
        let start = Date()
        do { try body() } catch { return (error as? PluginHostError, Date().timeIntervalSince(start)) }
        return (nil, Date().timeIntervalSince(start))
    }

    func testDescribeLoopTimesOutNamingTheCall() throws {
        let library = try plugin(["DESCRIBE_LOOP"])
        let (error, seconds) = timed { _ = try PluginProcess.bounded(wall: 1.5, tag: tag).describe(library) }
        guard case let .timedOut(plugin, path, call, limit, _) = error else { return XCTFail("expected a time-out, got \(String(describing: error))") }
        XCTAssertEqual(plugin, library.lastPathComponent)
        XCTAssertEqual(path, library.path)
        XCTAssertEqual(call.function, .describe)
        XCTAssertEqual(limit, 1.5)
        XCTAssertLessThan(seconds, 8)
        XCTAssertTrue(error!.localizedDescription.contains("did not finish describe within 1.5 s"), error!.localizedDescription)
    }

    func testProduceSleepTimesOutNamingTheBasePoint() throws {
        let job = try job(try plugin(["PRODUCE_SLEEP"]))
        var produced: [Int] = []
        let (error, seconds) = timed { try PluginProcess.bounded(wall: 1.5, tag: tag).produce(job, pluginName: "Hostile") { produced.append($0) } }
        guard case let .timedOut(plugin, _, call, _, _) = error else { return XCTFail("expected a time-out, got \(String(describing: error))") }
        XCTAssertEqual(plugin, "Hostile")
        XCTAssertEqual(call, WorkerCall(.produce, basePoint: "ν=(1)"))
        XCTAssertEqual(produced, [0], "the first base point was produced before the hang")
        XCTAssertLessThan(seconds, 8)
    }

    /// The kernel's CPU limit stops a spinning plugin before the (longer) wall clock does.
    func testProduceLoopHitsTheCPULimit() throws {
        let job = try job(try plugin(["PRODUCE_LOOP"]))
        let (error, seconds) = timed { try PluginProcess.bounded(wall: 30, cpu: 1, tag: tag).produce(job, pluginName: "Hostile") { _ in } }
        guard case let .crashed(plugin, _, basePoint, signal, _) = error else { return XCTFail("expected SIGXCPU, got \(String(describing: error))") }
        XCTAssertEqual(plugin, "Hostile")
        XCTAssertEqual(basePoint, "ν=(1)")
        XCTAssertTrue(signal.contains("SIGXCPU"), signal)
        XCTAssertLessThan(seconds, 15)
    }

    /// A child that keeps stdout, stderr and the channel open does not hold the host: the
    /// whole process group is killed at the time-out.
    func testForkedChildHoldingThePipesIsKilled() throws {
        let job = try job(try plugin(["FORK_CHILD"]))
        let (error, seconds) = timed { try PluginProcess.bounded(wall: 1.5, tag: tag).produce(job, pluginName: "Hostile") { _ in } }
        guard case let .timedOut(_, _, call, _, _) = error else { return XCTFail("expected a time-out, got \(String(describing: error))") }
        XCTAssertEqual(call.basePoint, "ν=(1)")
        XCTAssertLessThan(seconds, 8)
    }

    /// A worker that succeeds while its forked child sleeps on with the pipes: the host
    /// returns at once and the child is gone.
    func testForkedChildOfASuccessfulWorkerDoesNotHoldTheHost() throws {
        let job = try job(try plugin(["FORK_AND_RETURN"]))
        let (error, seconds) = timed { try PluginProcess.bounded(wall: 30, tag: tag).produce(job, pluginName: "Hostile") { _ in } }
        XCTAssertNil(error)
        XCTAssertLessThan(seconds, 8)
    }

    /// Text on stdout is never a message: "done 99" neither crashes the host nor counts.
    func testProtocolLookingLinesAreNotMessages() throws {
        let job = try job(try plugin(["PROTOCOL_LINES"]))
        var produced: [Int] = []
        try PluginProcess.bounded(tag: tag).produce(job, pluginName: "Hostile") { produced.append($0) }
        XCTAssertEqual(produced, [0, 1])
    }

    /// 300 MB without a newline: read and dropped but for a capped tail.
    func testFloodOnStdoutIsCapped() throws {
        let job = try job(try plugin(["FLOOD"]))
        let (error, seconds) = timed { try PluginProcess.bounded(wall: 60, tag: tag).produce(job, pluginName: "Hostile") { _ in } }
        XCTAssertNil(error)
        XCTAssertLessThan(seconds, 60)
        var tail = OutputTail(capacity: 16)
        tail.append(ArraySlice(Array(repeating: UInt8(ascii: "x"), count: 1000)))
        XCTAssertEqual(tail.bytes.count, 16)
        XCTAssertTrue(tail.text.hasPrefix("[… 984 earlier bytes dropped]"))
    }

    /// A plugin that closes every descriptor (the channel included) and hangs is still timed out.
    func testClosingEveryDescriptorThenHangingTimesOut() throws {
        let job = try job(try plugin(["CLOSE_AND_SLEEP"]))
        let (error, seconds) = timed { try PluginProcess.bounded(wall: 1.5, tag: tag).produce(job, pluginName: "Hostile") { _ in } }
        guard case let .timedOut(_, _, call, _, _) = error else { return XCTFail("expected a time-out, got \(String(describing: error))") }
        XCTAssertEqual(call.basePoint, "ν=(1)")
        XCTAssertLessThan(seconds, 8)
    }

    /// exit(0) inside produce is a failure: the worker never reported completion.
    func testExitZeroInProduceIsAFailure() throws {
        let job = try job(try plugin(["EXIT_ZERO"]))
        let (error, _) = timed { try PluginProcess.bounded(tag: tag).produce(job, pluginName: "Hostile") { _ in } }
        guard case let .exitedEarly(plugin, _, call, status, _) = error else { return XCTFail("expected an early exit, got \(String(describing: error))") }
        XCTAssertEqual(plugin, "Hostile")
        XCTAssertEqual(status, 0)
        XCTAssertEqual(call, WorkerCall(.produce, basePoint: "ν=(1)"))
    }
}
