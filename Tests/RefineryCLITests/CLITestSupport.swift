import Foundation
import XCTest

/// Runs the built `refinery` executable and builds throw-away workspaces.
enum CLI {
    /// The folder holding the test bundle, `refinery` and the bundled plugins.
    static var productsDirectory: URL { Bundle.main.bundleURL }

    static var executable: URL { productsDirectory.appendingPathComponent("refinery") }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var signaled: Bool
        var all: String { stdout + "\n" + stderr }
    }

    @discardableResult
    static func run(_ arguments: [String], cwd: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        try runProgram(executable, arguments, cwd: cwd, environment: environment)
    }

    static func runProgram(_ program: URL, _ arguments: [String], cwd: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = cwd }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-out-\(UUID().uuidString)")
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outFile); try? FileManager.default.removeItem(at: errFile) }
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "",
                      signaled: process.terminationReason == .uncaughtSignal)
    }

    /// A fresh temporary directory, removed by the caller's tearDown.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes a workspace with the given systematics block (YAML list items, already indented).
    static func workspace(in parent: URL, name: String = "ws", events: Int = 4000, seed: UInt64 = 11,
                          trees: Int = 20, systematics: String = "[]") throws -> URL {
        let root = parent.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let text = """
        schema: 1
        name: \(name)
        simulation:
          nominal_events: \(events)
          alternative_events: \(events)
          seed: \(seed)
          cross_section_pb: 0.31
        learner:
          trees: \(trees)
        systematics: \(systematics)
        demo:
          nominal_events: \(events)
          alternative_events: \(events)
          trees: \(trees)

        """
        try text.write(to: root.appendingPathComponent("refinery.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    /// Compiles a C plugin fixture into a shared library.
    static func compileC(_ source: URL, output: URL, defines: [String] = []) throws {
        let header = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/RefineryPluginABI/include")
        let result = try runProgram(URL(fileURLWithPath: "/usr/bin/env"),
                                    ["cc", "-O1", "-fPIC", "-shared", "-I", header.path] + defines.map { "-D\($0)" }
                                        + ["-o", output.path, source.path, "-lm"])
        guard result.status == 0 else { throw NSError(domain: "cc", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
    }

    /// The `systematics:` block of a workspace listing the named bundled systematics of
    /// section 7 (scale, POW, JES, HF, LF, lepton), in the order given.
    static func systematics(_ names: String...) -> String { systematics(names) }

    static func systematics(_ names: [String]) -> String {
        let entries = [
            "scale": "plugin: Scale", "POW": "plugin: TwoPoint", "JES": "plugin: JetEnergyScale",
            "HF": "plugin: BTagging\n    config: {component: HF}", "LF": "plugin: BTagging\n    config: {component: LF}",
            "lepton": "plugin: LeptonEfficiency",
        ]
        return "\n" + names.map { "  - name: \($0)\n    \(entries[$0]!)" }.joined(separator: "\n")
    }

    static var fixtures: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures") }
}
