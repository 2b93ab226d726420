import Foundation
import XCTest
@testable import PluginHost

/// The scaffold templates are resources of the module and every placeholder is filled.
final class ScaffoldTemplateTests: XCTestCase {
    func testEveryKindAndLanguageFillsEveryPlaceholder() throws {
        let directory = try Fixture.temporaryDirectory("scaffold")
        defer { try? FileManager.default.removeItem(at: directory) }
        for kind in SystematicKind.allCases {
            for language in PluginScaffold.Language.allCases {
                let name = "T\(kind.rawValue)\(language.rawValue)"
                let folder = try PluginScaffold.create(name: name, kind: kind, language: language, parent: directory, sources: Fixture.checkout)
                let files = FileManager.default.enumerator(atPath: folder.path)!.compactMap { $0 as? String }
                for file in files where !file.hasPrefix("Sources/RefineryPlugin") && !file.hasSuffix(".h") {
                    var isDirectory: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                    let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                    XCTAssertFalse(text.contains("{{"), "\(file) of \(name) has an unfilled placeholder")
                    if file.hasSuffix(".c") || file.hasSuffix("Plugin.swift") { XCTAssertTrue(text.contains(name), file) }
                }
            }
        }
    }

    func testMissingValueIsAnError() throws {
        XCTAssertThrowsError(try ScaffoldTemplate("Makefile").filled([:], name: "Makefile"))
    }
}
