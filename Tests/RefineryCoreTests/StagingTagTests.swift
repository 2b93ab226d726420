import Foundation
import RefineryCore
import XCTest

/// Staging folders on a shared file system are judged by host, boot and pid together.
final class StagingTagTests: XCTestCase {
    func testSuffixRoundTripsAndIsFileSafe() {
        let tag = StagingTag(host: "node-07.cluster", boot: "abc123", pid: 4242)
        XCTAssertEqual(tag.suffix, "node_07.cluster-abc123-4242")
        XCTAssertEqual(StagingTag(suffix: tag.suffix), tag)
        XCTAssertNil(StagingTag(suffix: "4242"), "pid-only names of earlier versions are not tags")
    }

    func testOnlyAGoneOwnerOnThisHostAndBootIsAbandoned() throws {
        let current = StagingTag.current
        // A pid that is certainly free: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let gone = child.processIdentifier
        XCTAssertTrue(StagingTag(host: current.host, boot: current.boot, pid: gone).isAbandoned())
        XCTAssertFalse(StagingTag(host: "elsewhere", boot: current.boot, pid: gone).isAbandoned(), "another host's folder")
        XCTAssertFalse(StagingTag(host: current.host, boot: "otherboot", pid: gone).isAbandoned(), "another boot's folder")
        XCTAssertFalse(StagingTag(host: current.host, boot: current.boot, pid: getppid()).isAbandoned(), "a live process")
    }
}
