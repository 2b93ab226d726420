import Foundation
import XCTest
@testable import PluginHost

/// What the worker's Landlock sandbox stops on this kernel. These check Landlock itself
/// (the worker applies it after loading; bubblewrap is not used): a write outside the staging
/// folder and a TCP connection to the host are refused, writes inside succeed.
final class SandboxTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try Fixture.temporaryDirectory("sandbox")
        guard PluginSandbox.landlockABI().abi != nil else { throw XCTSkip("this kernel has no Landlock: nothing to check") }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func produce(_ defines: [String]) throws -> (SandboxStatus?, URL) {
        let library = directory.appendingPathComponent("libHostile.so")
        try Fixture.compile(defines, to: library)
        let staging = directory.appendingPathComponent("staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        let job = ProduceJob(systematic: "hostile", plugin: library.path, configJSON: "{}", nominal: try Fixture.nominal(in: directory).path,
                             alternative: nil, output: staging.path, basePoints: [[-1], [1]])
        return (try PluginProcess.bounded(wall: 30).produce(job, pluginName: "Hostile") { _ in }, staging)
    }

    func testMarkerOutsideTheStagingFolderIsRefused() throws {
        let marker = directory.appendingPathComponent("outside/marker.txt")
        try FileManager.default.createDirectory(at: marker.deletingLastPathComponent(), withIntermediateDirectories: true)
        let (sandbox, staging) = try produce(["MARKER=\"\(marker.path)\""])
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path), "the plugin wrote outside its staging folder")
        XCTAssertTrue(FileManager.default.fileExists(atPath: staging.appendingPathComponent("nu1/manifest.json").path),
                      "writes inside the staging folder must work")
        XCTAssertEqual(sandbox?.writableFolders, [staging.resolvingSymlinksInPath().path])
        XCTAssertNotNil(sandbox?.landlockABI)
    }

    func testTCPConnectionIsRefused() throws {
        guard (PluginSandbox.landlockABI().abi ?? 0) >= 4 else { throw XCTSkip("Landlock ABI < 4 does not govern TCP") }
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(server) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                XCTAssertEqual(bind(server, $0, length), 0)
                XCTAssertEqual(getsockname(server, $0, &length), 0)
            }
        }
        XCTAssertEqual(listen(server, 4), 0)
        let port = UInt16(bigEndian: address.sin_port)
        // The plugin returns an error if its connection succeeds.
        let (sandbox, _) = try produce(["CONNECT_PORT=\(port)"])
        XCTAssertEqual(sandbox?.tcpDenied, true)
    }

    /// The same plugin with the sandbox switched off does write its marker: the refusal above
    /// is the sandbox's doing, not a permission of the file system.
    func testWithoutTheSandboxTheMarkerIsWritten() throws {
        let marker = directory.appendingPathComponent("outside/marker.txt")
        try FileManager.default.createDirectory(at: marker.deletingLastPathComponent(), withIntermediateDirectories: true)
        setenv("REFINERY_PLUGIN_SANDBOX", "off", 1)
        defer { unsetenv("REFINERY_PLUGIN_SANDBOX") }
        let (sandbox, _) = try produce(["MARKER=\"\(marker.path)\""])
        XCTAssertTrue(FileManager.default.fileExists(atPath: marker.path))
        XCTAssertNil(sandbox?.writableFolders)
    }
}
