import Foundation
@testable import WorkspaceArchive
import XCTest

/// A scratch directory per test, with helpers to lay out a small workspace and to snapshot a
/// directory tree (to prove a refused unpack created nothing).
final class TestDirectory {
    let url: URL

    init(_ name: String = "refinery-archive") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    /// Writes `files` (relative path → content) under `root`, creating directories.
    static func write(_ files: [String: Data], under root: URL) throws {
        for (path, content) in files {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: file)
        }
    }

    /// Every path under `root` (relative, sorted), following no symlinks: a snapshot to
    /// compare before and after an operation.
    static func listing(_ root: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return (enumerator.allObjects as? [String] ?? []).sorted()
    }
}

/// A small workspace: configuration, a surrogate, a plot, a provenance store, a plugin
/// binary and a sample, in nested directories, created in a fixed order that is not sorted.
enum SampleWorkspace {
    static let files: [String: Data] = {
        // A smooth float64 column, like a real .npy sample, large enough to span blocks.
        var sample = Data()
        for i in 0..<50_000 { withUnsafeBytes(of: (Double(i) * 0.37).sin) { sample.append(contentsOf: $0) } }
        return [
            "refinery.yaml": Data("name: toy\nseed: 7\n".utf8),
            "surrogates/ttbar/model.json": Data(#"{"trees": [1, 2, 3]}"#.utf8),
            "plots/mtt.svg": Data("<svg></svg>\n".utf8),
            "provenance/store.sqlite": Data((0..<4096).map { UInt8($0 % 251) }),
            "plugins/libRefineryScale.so": Data("\u{7F}ELF fake plugin".utf8),
            "samples/nominal/x.npy": sample,
            "reports/summary.md": Data("# Summary\n".utf8),
        ]
    }()

    static let kinds: [String: String] = [
        "refinery.yaml": "configuration", "surrogates/ttbar/model.json": "surrogate", "plots/mtt.svg": "plot",
        "provenance/store.sqlite": "provenance", "plugins/libRefineryScale.so": "plugin",
        "samples/nominal/x.npy": "sample", "reports/summary.md": "report",
    ]

    /// Writes the workspace under `root` and returns a pack request for all of it.
    static func create(at root: URL, compression: PackRequest.Compression = .zstd) throws -> PackRequest {
        try TestDirectory.write(files, under: root)
        return request(root: root, compression: compression)
    }

    static func request(root: URL, compression: PackRequest.Compression = .zstd) -> PackRequest {
        // Deliberately not in sorted order: pack must sort.
        let members = files.keys.sorted().reversed().map { PackRequest.Member(path: $0, kind: kinds[$0]!) }
        return PackRequest(root: root, members: Array(members), compression: compression,
                           hostVersion: "0.1.0", hostCommit: "abc1234",
                           identityKeys: ["configuration": "c0ffee"], extra: ["command": "refinery pack"])
    }
}

private extension Double {
    var sin: Double { Foundation.sin(self) }
}
