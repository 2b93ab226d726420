import Foundation
import XCTest

/// Issue 11, item 6: a retrain killed at any moment leaves every surrogate folder wholly old or
/// wholly new and the store verifiable; `pack` during a train never archives half of one.
final class KillConsistencyTests: XCTestCase {
    var directory: URL!
    override func setUpWithError() throws { directory = try CLI.temporaryDirectory("kills") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// A reweighting systematic and a two-point one (its own events): both kinds of data sets.
    static let systematics = CLI.systematics("HF", "POW")

    /// A deterministic generator of kill moments, so a failure can be replayed.
    struct Moments {
        var state: UInt64
        mutating func next(below limit: Double) -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53 * limit
        }
    }

    func startTrain(_ ws: URL, trees: Int) throws -> Process {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["train", "-w", ws.path, "--trees", String(trees), "--allow-closure-failure"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Every surrogate folder under `root` is one surrogate: its five files present and its
    /// model the one its record names.
    func assertWholeSurrogates(_ root: URL, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for name in ["HF", "POW"] {
            let folder = root.appendingPathComponent("surrogates/\(name)")
            guard FileManager.default.fileExists(atPath: folder.path) else { continue }
            for member in ["model.json", "surrogate.json", "closure.svg", "closure.md", "closure.json"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(member).path),
                              "\(message): \(name)/\(member) missing", file: file, line: line)
            }
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("surrogate.json"))) as! [String: Any]
            let model = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["sha256sum", folder.appendingPathComponent("model.json").path])
            XCTAssertEqual(String(model.stdout.prefix(64)), record["modelSHA256"] as? String,
                           "\(message): \(name)'s model is not the one its record names (a mixed folder)", file: file, line: line)
        }
    }

    func testThirtyKillsDuringRetrainsLeaveWholeFoldersAndAVerifiableStore() throws {
        let ws = try CLI.workspace(in: directory, events: 3000, trees: 30, systematics: Self.systematics)
        XCTAssertEqual(try CLI.run(["simulate", "-w", ws.path]).status, 0)
        let start = Date()
        let first = try CLI.run(["train", "-w", ws.path, "--allow-closure-failure"])
        XCTAssertEqual(first.status, 0, first.all)
        let duration = Date().timeIntervalSince(start)
        var moments = Moments(state: 20251201)
        for attempt in 0..<30 {
            // A new tree count each time: every train is a retrain of both systematics.
            let process = try startTrain(ws, trees: 31 + attempt)
            usleep(useconds_t(moments.next(below: duration * 1.2) * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let verify = try CLI.run(["provenance", "verify", "-w", ws.path])
            XCTAssertEqual(verify.status, 0, "after kill \(attempt):\n\(verify.all)")
            try assertWholeSurrogates(ws, "after kill \(attempt)")
        }
        let last = try CLI.run(["train", "-w", ws.path, "--trees", "30", "--allow-closure-failure"])
        XCTAssertEqual(last.status, 0, last.all)
        let verify = try CLI.run(["provenance", "verify", "-w", ws.path])
        XCTAssertEqual(verify.status, 0, verify.all)
        XCTAssertFalse(verify.stdout.contains("UNFINISHED"), "a finished train leaves nothing unfinished:\n\(verify.stdout)")
        // Leftovers of the killed trains (staging folders of dead processes) are gone.
        for folder in ["synthetic", "surrogates"] {
            let hidden = try FileManager.default.contentsOfDirectory(atPath: ws.appendingPathComponent(folder).path).filter { $0.hasPrefix(".") }
            XCTAssertEqual(hidden, [], "\(folder)/ keeps leftovers: \(hidden)")
        }
    }

    func testPackDuringATrainNeverArchivesAHalfWrittenFolder() throws {
        let ws = try CLI.workspace(in: directory, events: 2000, trees: 20, systematics: Self.systematics)
        XCTAssertEqual(try CLI.run(["simulate", "-w", ws.path]).status, 0)
        XCTAssertEqual(try CLI.run(["train", "-w", ws.path, "--allow-closure-failure"]).status, 0)
        var train = try startTrain(ws, trees: 21)
        var trees = 21
        for attempt in 0..<50 {
            if !train.isRunning {
                trees += 1
                train = try startTrain(ws, trees: trees)
            }
            let archive = directory.appendingPathComponent("pack-\(attempt).tar.zst")
            let pack = try CLI.run(["pack", "-w", ws.path, "--output", archive.path])
            XCTAssertEqual(pack.status, 0, "pack \(attempt):\n\(pack.all)")
            let unpacked = directory.appendingPathComponent("unpacked-\(attempt)")
            let unpack = try CLI.run(["unpack", archive.path, unpacked.path])
            XCTAssertEqual(unpack.status, 0, "unpack \(attempt):\n\(unpack.all)")
            let verify = try CLI.run(["provenance", "verify", "-w", unpacked.path])
            XCTAssertEqual(verify.status, 0, "the archive of pack \(attempt) holds files its store does not record:\n\(verify.all)")
            try assertWholeSurrogates(unpacked, "pack \(attempt)")
            try? FileManager.default.removeItem(at: unpacked)
            try? FileManager.default.removeItem(at: archive)
        }
        train.waitUntilExit()
        XCTAssertGreaterThan(trees, 22, "the packs should have overlapped several trains")
    }

    /// `simulate` killed between its two samples: the next `simulate`, without `--force`,
    /// keeps the finished sample and makes the other one (issue 11, item 6).
    func testSimulateAfterAKillFinishesWithoutForce() throws {
        let ws = try CLI.workspace(in: directory, events: 60000, trees: 5, systematics: CLI.systematics("lepton"))
        let nominal = ws.appendingPathComponent("samples/nominal/manifest.json")
        let alternative = ws.appendingPathComponent("samples/alternative/manifest.json")
        var interrupted = false
        for _ in 0..<5 where !interrupted {
            try? FileManager.default.removeItem(at: ws.appendingPathComponent("samples"))
            let process = Process()
            process.executableURL = CLI.executable
            process.arguments = ["simulate", "-w", ws.path, "--threads", "1"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(120)
            while !FileManager.default.fileExists(atPath: nominal.path) && process.isRunning && Date() < deadline { usleep(2_000) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            interrupted = FileManager.default.fileExists(atPath: nominal.path) && !FileManager.default.fileExists(atPath: alternative.path)
        }
        XCTAssertTrue(interrupted, "could not kill simulate between its two samples")
        let nominalBytes = try Data(contentsOf: nominal)
        let again = try CLI.run(["simulate", "-w", ws.path])
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertTrue(again.all.contains("samples/nominal is up to date: kept"), again.all)
        XCTAssertEqual(try Data(contentsOf: nominal), nominalBytes)
        XCTAssertTrue(FileManager.default.fileExists(atPath: alternative.path))
        XCTAssertEqual(try CLI.run(["provenance", "verify", "-w", ws.path]).status, 0)
        let hidden = try FileManager.default.contentsOfDirectory(atPath: ws.appendingPathComponent("samples").path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(hidden, [], "the killed simulate's staging folder is removed")
    }
}
