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
        try store.finishRun(run, status: .succeeded, message: nil)

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

    /// A step records its outputs, then moves them into place, then finishes: a run that is
    /// still going (or was killed) may have recorded a version that is on disk or not yet.
    func testVersionsOfUnfinishedRunsAreAcceptedAndListed() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let first = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
        let old = try workspace.write("surrogates/a/model.json", "old model")
        _ = try store.recordArtifact(run: first, role: .output, path: "surrogates/a/model.json", kind: .surrogate, sha256: old.sha256, size: old.size)
        try store.finishRun(first, status: .succeeded, message: nil)

        let second = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
        let newModel = try workspace.write("staging/model.json", "new model, longer")
        _ = try store.recordArtifact(run: second, role: .output, path: "surrogates/a/model.json", kind: .surrogate,
                                     sha256: newModel.sha256, size: newModel.size)
        _ = try store.recordArtifact(run: second, role: .output, path: "surrogates/b/model.json", kind: .surrogate,
                                     sha256: newModel.sha256, size: newModel.size)
        let hasher: (URL) throws -> String = { try sha256(of: $0) }

        // Killed before its exchange: the old files, and b never made.
        let before = try store.verify(root: workspace.root, hash: hasher)
        XCTAssertTrue(before.isClean, "\(before)")
        XCTAssertEqual(before.unfinished, [])

        // Killed after its exchange: the new file, listed as the unfinished run's.
        try workspace.write("surrogates/a/model.json", "new model, longer")
        let after = try store.verify(root: workspace.root, hash: hasher)
        XCTAssertTrue(after.isClean, "\(after)")
        XCTAssertEqual(after.unfinished.map(\.path), ["surrogates/a/model.json"])

        // Anything else is still a modification, reported against the finished version.
        try workspace.write("surrogates/a/model.json", "edited by hand")
        let edited = try store.verify(root: workspace.root, hash: hasher)
        XCTAssertEqual(edited.modified.map(\.artifact.sha256), [old.sha256])

        // Once the run finished, only its version counts.
        try store.finishRun(second, status: .succeeded, message: nil)
        try workspace.write("surrogates/a/model.json", "old model")
        let finished = try store.verify(root: workspace.root, hash: hasher)
        XCTAssertEqual(finished.modified.map(\.artifact.path), ["surrogates/a/model.json"])
        XCTAssertEqual(finished.missing.map(\.path), ["surrogates/b/model.json"])
    }
}
