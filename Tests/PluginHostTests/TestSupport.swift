import EventData
import Foundation
import XCTest
@testable import PluginHost

/// Real fixtures for the plugin host's tests: C plugins compiled by the test with `cc`, the
/// built `refinery` (which contains the worker), small nominal samples on disk.
enum Fixture {
    /// The folder holding the test bundle, `refinery` and the bundled plugins.
    static var products: URL { Bundle.main.bundleURL }
    static var refinery: URL { products.appendingPathComponent("refinery") }
    static var checkout: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static var hostileSource: URL { checkout.appendingPathComponent("Tests/RefineryCLITests/Fixtures/hostile_plugin.c") }

    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pluginhost-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Compiles the hostile fixture with `defines` into `output`.
    static func compile(_ defines: [String], to output: URL, source: URL = hostileSource) throws {
        let include = checkout.appendingPathComponent("Sources/RefineryPluginABI/include").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-O1", "-fPIC", "-shared", "-I", include] + defines.map { "-D\($0)" } + ["-o", output.path, source.path]
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw NSError(domain: "cc", code: Int(process.terminationStatus)) }
    }

    /// A nominal sample of `count` events with 2 observables, 1 latent feature, every third
    /// event outside the fiducial selection.
    static func nominal(in folder: URL, count: Int = 30) throws -> URL {
        let url = folder.appendingPathComponent("nominal")
        var writer = DataSetWriter(name: "nominal", kind: "sample", count: count, seed: 1, configuration: .object([:]))
        writer.add("x", values: (0..<(2 * count)).map { Double($0) }, shape: [count, 2], names: ["a", "b"], description: "observables")
        writer.add("z", values: (0..<count).map { Double($0) / 10 }, shape: [count, 1], names: ["z0"], description: "latent")
        writer.add("w", values: (0..<count).map { 1 + Double($0) / 100 }, shape: [count], description: "weights")
        writer.add("fiducial", values: (0..<count).map { UInt8($0 % 3 == 0 ? 0 : 1) }, shape: [count], description: "selected")
        _ = try writer.write(to: url, overwrite: true)
        return url
    }

    /// Process ids whose environment carries `tag` (a plugin's forked children inherit it).
    static func processes(tagged tag: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return data.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == tag }
        }
    }

    /// Waits briefly for killed processes to be reaped by init before counting them.
    static func assertNoProcess(tagged tag: String, file: StaticString = #filePath, line: UInt = #line) {
        var left = processes(tagged: tag)
        for _ in 0..<50 where !left.isEmpty {
            usleep(20_000)
            left = processes(tagged: tag).filter { pid in
                // A zombie awaiting its parent's wait is gone for our purposes.
                let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
                return !status.contains("State:\tZ")
            }
        }
        XCTAssertEqual(left, [], "processes left behind", file: file, line: line)
    }
}

/// A small-limits worker process for the hang tests.
extension PluginProcess {
    static func bounded(wall: Double = 2, cpu: Double = 30, tag: String? = nil) -> PluginProcess {
        var limits = WorkerLimits.defaults
        limits.wallSeconds = wall
        limits.cpuSeconds = cpu
        if let tag { setenv("REFINERY_TEST_TAG", String(tag.dropFirst("REFINERY_TEST_TAG=".count)), 1) }
        return PluginProcess(executable: Fixture.refinery, limits: limits)
    }
}
