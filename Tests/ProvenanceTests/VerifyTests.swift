import Foundation
import XCTest
import Provenance

/// verify re-hashes the latest version of every recorded path.
final class VerifyTests: XCTestCase {
    func testVerifyReportsMissingAndModifiedFiles() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let run = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
        var files: [String: (sha256: String, size: Int64)] = [:]
        for name in ["intact.bpt", "deleted.bpt", "same-size.bpt", "grown.bpt"] {
            files[name] = try workspace.write("surrogates/\(name)", "model \(name)")
            _ = try store.recordArtifact(run: run, role: .output, path: "surrogates/\(name)", kind: .surrogate,
                                         sha256: files[name]!.sha256, size: files[name]!.size)
        }
        // A path with two versions: only the latest (which is on disk) counts.
        let old = fakeHash("old config")
        _ = try store.recordArtifact(run: run, role: .input, path: "refinery.yaml", kind: .configuration, sha256: old, size: 3)
        let current = try workspace.write("refinery.yaml", "current")
        _ = try store.recordArtifact(run: run, role: .output, path: "refinery.yaml", kind: .configuration, sha256: current.sha256, size: current.size)

        // A file outside the workspace is checked where it is.
        let outsideFolder = try TestWorkspace()
        let outsideFile = outsideFolder.root.appendingPathComponent("libOutside.so")
        try Data("plugin".utf8).write(to: outsideFile)
        _ = try store.recordArtifact(run: run, role: .input, path: outsideFile.path, kind: .plugin,
                                     sha256: try sha256(of: outsideFile), size: 6)

        var hashed: [String] = []
        let hasher: (URL) throws -> String = { url in
            hashed.append(url.lastPathComponent)
            return try sha256(of: url)
        }
        let clean = try store.verify(root: workspace.root, hash: hasher)
        XCTAssertTrue(clean.isClean, "\(clean)")
        XCTAssertEqual(clean.checked, 6)
        XCTAssertTrue(hashed.contains("libOutside.so"))

        try FileManager.default.removeItem(at: workspace.root.appendingPathComponent("surrogates/deleted.bpt"))
        let sameSize = try workspace.write("surrogates/same-size.bpt", "MODEL same-size.bpt")
        try workspace.write("surrogates/grown.bpt", "model grown.bpt, retrained")
        try FileManager.default.removeItem(at: outsideFile)
        hashed = []
        let report = try store.verify(root: workspace.root, hash: hasher)
        XCTAssertFalse(report.isClean)
        XCTAssertEqual(report.checked, 6)
        XCTAssertEqual(report.missing.map(\.path), [outsideFile.path, "surrogates/deleted.bpt"])
        XCTAssertEqual(report.modified.map(\.artifact.path), ["surrogates/grown.bpt", "surrogates/same-size.bpt"])
        XCTAssertEqual(report.modified[1].actualSHA256, sameSize.sha256)
        XCTAssertNil(report.modified[0].actualSHA256, "a different size is enough")
        XCTAssertEqual(report.modified[0].actualSize, Int64("model grown.bpt, retrained".utf8.count))
        XCTAssertFalse(hashed.contains("grown.bpt"))
        XCTAssertEqual(report.unreadable, [])

        // A hasher failure is reported, not thrown.
        let failing = try store.verify(root: workspace.root) { url in
            if url.lastPathComponent == "intact.bpt" { throw CocoaError(.fileReadNoPermission) }
            return try sha256(of: url)
        }
        XCTAssertEqual(failing.unreadable.map(\.artifact.path), ["surrogates/intact.bpt"])
    }
}
