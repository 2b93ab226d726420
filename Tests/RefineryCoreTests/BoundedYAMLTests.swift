import Foundation
import RefineryCore
import XCTest

/// Hostile `refinery.yaml` files: each is a clear error naming the file (and the field where
/// there is one) within a second.
final class BoundedYAMLTests: XCTestCase {
    static let defaultConfiguration = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("workspaces/tt2l/refinery.yaml")
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// The shipped configuration with `replace` applied and `append` added at the end.
    func configuration(replacing replace: [(String, String)] = [], appending append: String = "") throws -> URL {
        var text = try String(contentsOf: Self.defaultConfiguration, encoding: .utf8)
        for (old, new) in replace {
            XCTAssertTrue(text.contains(old), old)
            text = text.replacingOccurrences(of: old, with: new)
        }
        let url = directory.appendingPathComponent("refinery.yaml")
        try (text + append).write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func assertRefused(_ url: URL, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        let start = Date()
        XCTAssertThrowsError(try WorkspaceConfig.load(from: url), file: file, line: line) { error in
            let message = error.localizedDescription
            for part in expected + [url.path] {
                XCTAssertTrue(message.contains(part), "expected '\(part)' in: \(message)", file: file, line: line)
            }
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "took too long", file: file, line: line)
    }

    // Before: Yams composed the aliases into shared nodes and the key checks and decoder then
    // walked 10⁹ of them: every command hung.
    func testBillionLaughsIsRefusedWithinASecond() throws {
        var bomb = "\nbomb0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            bomb += "bomb\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        assertRefused(try configuration(appending: bomb), ["anchor", "line"])
        // An alias alone (no anchor on the same line) is refused as an alias.
        assertRefused(try configuration(replacing: [("  nominal_events: 200000", "  nominal_events: *n")]), ["an alias", "line"])
    }

    // Before: accepted; ∞ passes `cross_section_pb > 0`, and a NaN in a plugin's config went
    // on to the plugin.
    func testNaNAndInfinityAreRefusedNamingTheField() throws {
        assertRefused(try configuration(replacing: [("cross_section_pb: 0.31", "cross_section_pb: .inf")]),
                      ["field 'simulation.cross_section_pb'", "finite"])
        assertRefused(try configuration(replacing: [("cross_section_pb: 0.31", "cross_section_pb: 1e400")]),
                      ["field 'simulation.cross_section_pb'", "finite"])
        assertRefused(try configuration(replacing: [("config: {component: HF}", "config: {component: HF, threshold: .NaN}")]),
                      ["field 'systematics[3].config.threshold'", "finite"])
        assertRefused(try configuration(replacing: [("  learning_rate: 0.2", "  learning_rate: -.inf")]),
                      ["field 'learner.learning_rate'", "finite"])
    }

    // Before: a 2 MiB file of comments was read and parsed in full.
    func testOversizedDocumentIsRefused() throws {
        let padding = String(repeating: "# padding padding padding padding padding padding padding padding\n", count: 32_768)
        assertRefused(try configuration(appending: padding), ["bytes", "at most 1048576"])
    }

    // Before: the nesting reached Yams and was reported as a type error (deeper, it would
    // exhaust the stack of the recursive composer).
    func testDeepFlowNestingIsRefused() throws {
        let deep = "\nextra: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n"
        assertRefused(try configuration(appending: deep), ["nests", "64"])
    }

    /// `&`, `*`, `|` and `>` inside text, quotes, comments and block scalars are characters,
    /// not YAML syntax: the configuration still loads.
    func testAmpersandsAndAsterisksInTextAreNotMistakenForAliases() throws {
        let url = try configuration(replacing: [
            ("description: Toy tt̄(2ℓ) with five SMEFT POIs and the systematics of section 7.",
             "description: |\n  *Toy* tt̄ & friends\n  &more: [text]\n"),
            ("  - name: scale               # ν_R, ν_F: 8 base points, 5 terms (eqs. 83–84)",
             "  - name: 'scale'               # *not* an &alias"),
            ("config: {component: HF}", "config: {component: \"H&F*\", note: 'it''s *fine*', ratio: a*b, x: 1}"),
        ])
        let config = try WorkspaceConfig.load(from: url)
        XCTAssertEqual(config.description, "*Toy* tt̄ & friends\n&more: [text]\n")
        XCTAssertEqual(config.systematics.first?.name, "scale")
    }
}
