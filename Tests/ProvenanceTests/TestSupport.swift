import Foundation
import XCTest
import Provenance

/// A fresh workspace folder in the temporary directory, removed at deinit.
final class TestWorkspace {
    let root: URL
    var storeURL: URL { root.appendingPathComponent(ProvenanceStore.fileName) }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("provenance-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func open() throws -> ProvenanceStore { try ProvenanceStore.open(workspace: root) }

    /// Writes a file under the workspace and returns its real SHA-256 and size.
    @discardableResult
    func write(_ path: String, _ contents: String) throws -> (sha256: String, size: Int64) {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
        return (try sha256(of: url), Int64(contents.utf8.count))
    }
}

/// SHA-256 through coreutils, independent of the code under test.
func sha256(of url: URL) throws -> String {
    let output = try Shell.run("/usr/bin/sha256sum", [url.path])
    return String(output.stdout.prefix(64))
}

/// A well-formed, distinct, deterministic 64-hex-digit hash for artifacts without files.
func fakeHash(_ seed: String) -> String {
    var parts: [String] = []
    for salt in 0..<4 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 &+ UInt64(salt)
        for byte in seed.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        h ^= h >> 29
        parts.append(String(format: "%016llx", h))
    }
    return parts.joined()
}

enum Shell {
    struct Output { var status: Int32; var stdout: String; var stderr: String }

    /// Runs a program to completion; throws if it exits non-zero.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = try start(executable, arguments)
        let output = finish(process)
        guard output.status == 0 else {
            throw NSError(domain: "Shell", code: Int(output.status),
                          userInfo: [NSLocalizedDescriptionKey: "\(executable) failed (\(output.status)): \(output.stderr)"])
        }
        return output
    }

    static func start(_ executable: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }

    static func finish(_ process: Process) -> Output {
        let out = (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
        let err = (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }

    /// python3 with its own sqlite3 module: an independent reader and writer of the store.
    static let python: String = {
        for candidate in ["/usr/bin/python3", "/usr/local/bin/python3"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "/usr/bin/env"
    }()

    static func pythonArguments(_ script: String, _ arguments: [String]) -> [String] {
        (python == "/usr/bin/env" ? ["python3"] : []) + ["-c", script] + arguments
    }

    @discardableResult
    static func python(_ script: String, _ arguments: [String] = []) throws -> String {
        try run(python, pythonArguments(script, arguments)).stdout
    }

    static func startPython(_ script: String, _ arguments: [String] = []) throws -> Process {
        try start(python, pythonArguments(script, arguments))
    }
}

/// Reads the store with python's sqlite3 (not GRDB): one SQL query, rows as lists of strings.
func sqliteQuery(_ file: URL, _ sql: String) throws -> [[String]] {
    let script = """
        import sqlite3, sys, json
        con = sqlite3.connect(sys.argv[1], timeout=10)
        print(json.dumps([[str(v) for v in row] for row in con.execute(sys.argv[2])]))
        con.close()
        """
    let output = try Shell.python(script, [file.path, sql])
    return try JSONDecoder().decode([[String]].self, from: Data(output.utf8))
}

func sqliteCount(_ file: URL, _ sql: String) throws -> Int {
    Int(try sqliteQuery(file, sql).first?.first ?? "") ?? -1
}

/// Asserts that `body` throws this `ProvenanceError`.
func XCTAssertProvenanceError<T>(_ body: @autoclosure () throws -> T, _ expected: ProvenanceError,
                                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        XCTAssertEqual(error as? ProvenanceError, expected, file: file, line: line)
    }
}
