import EventData
import Foundation
import XCTest

/// Refactoring changes no result: every sample, synthetic data set, surrogate model and closure
/// output of a small six-systematic workspace has the SHA-256 recorded in
/// Fixtures/golden-outputs.txt, which was written by the code before the "one shape for every
/// command" refactoring. `surrogate.json` is left out: it names the plugin binary by its hash,
/// which legitimately changes whenever a plugin is rebuilt from changed sources.
///
/// To re-derive the list after a deliberate change of results, run the test with
/// REFINERY_WRITE_GOLDEN=1 and commit the new file with the reason. Deliberate changes so far:
/// `surrogates/scale/closure.svg` (which fails the criterion at 12 trees) marks its failing
/// base points since the closure exit status was introduced; the JES data sets
/// (`synthetic/JES/nu*/`) gained `event.npy`, the nominal event of each recalibrated row, and
/// with it a new manifest (the JES surrogate itself did not move); nothing else moved.
final class GoldenOutputTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try CLI.temporaryDirectory("golden") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    static var goldenFile: URL { CLI.fixtures.appendingPathComponent("golden-outputs.txt") }

    func testSamplesSurrogatesAndClosureAreBitIdenticalToTheRecordedList() throws {
        let ws = try CLI.workspace(in: directory, events: 3000, seed: 7, trees: 12,
                                   systematics: CLI.systematics("scale", "POW", "JES", "HF", "LF", "lepton"))
        let simulate = try CLI.run(["simulate", ws.path])
        XCTAssertEqual(simulate.status, 0, simulate.all)
        let train = try CLI.run(["train", "--allow-closure-failure", ws.path])
        XCTAssertTrue([0, 3].contains(train.status), train.all)
        var lines: [String] = []
        for folder in ["samples", "synthetic", "surrogates"] {
            let base = ws.appendingPathComponent(folder)
            let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey],
                                                            options: [.skipsHiddenFiles])
            var paths: [String] = []
            while let url = enumerator?.nextObject() as? URL {
                guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true,
                      url.lastPathComponent != "surrogate.json" else { continue }
                paths.append(String(url.standardizedFileURL.path.dropFirst(ws.standardizedFileURL.path.count + 1)))
            }
            for path in paths.sorted() {
                lines.append("\(try FileHash.sha256(file: ws.appendingPathComponent(path)))  \(path)")
            }
        }
        let text = lines.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["REFINERY_WRITE_GOLDEN"] == "1" {
            try text.write(to: Self.goldenFile, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: Self.goldenFile, encoding: .utf8)
        let expected = golden.split(separator: "\n").map(String.init)
        XCTAssertGreaterThan(expected.count, 60, "the golden list covers samples, data sets and surrogates")
        let actual = text.split(separator: "\n").map(String.init)
        let differing = Set(expected).symmetricDifference(actual).map { $0.split(separator: " ").last.map(String.init) ?? $0 }
        XCTAssertEqual(actual, expected, "outputs differ from the recorded list: \(Set(differing).sorted().prefix(20))")
    }
}
