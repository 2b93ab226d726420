import Foundation
import GRDB

extension ProvenanceStore {
    /// What differs between runs `a` and `b`: arguments, host build, configuration and plugin
    /// inputs, and outputs (same path with another SHA-256, or produced by one run only).
    public func diff(_ a: Int64, _ b: Int64) throws -> RunDiff {
        let storePath = url.path
        return try perform("compare runs \(a) and \(b)") {
            try pool.read { db in
                func entry(_ id: Int64) throws -> RunEntry {
                    guard let row = try db.cachedRow("SELECT \(RunEntry.columns) FROM runs WHERE id = ?", [id]) else {
                        throw ProvenanceError.unknownRun(id: id, path: storePath)
                    }
                    return try RunEntry(row: row)
                }
                let runA = try entry(a), runB = try entry(b)
                let inputsA = try Self.artifacts(of: a, role: .input, db), inputsB = try Self.artifacts(of: b, role: .input, db)
                let outputsA = try Self.artifacts(of: a, role: .output, db), outputsB = try Self.artifacts(of: b, role: .output, db)
                let hostA = "\(runA.hostVersion) (\(runA.hostCommit))", hostB = "\(runB.hostVersion) (\(runB.hostCommit))"
                return RunDiff(
                    a: runA, b: runB,
                    arguments: runA.arguments == runB.arguments ? nil : .init(a: runA.arguments, b: runB.arguments),
                    host: hostA == hostB ? nil : .init(a: hostA, b: hostB),
                    configuration: Self.changes(inputsA.filter { $0.kind == .configuration }, inputsB.filter { $0.kind == .configuration }),
                    plugins: Self.changes(inputsA.filter { $0.kind == .plugin }, inputsB.filter { $0.kind == .plugin }),
                    outputs: Self.changes(outputsA, outputsB))
            }
        }
    }

    /// Per path (the last recorded version in each run wins), sorted by path.
    static func changes(_ a: [ArtifactEntry], _ b: [ArtifactEntry]) -> [RunDiff.ArtifactChange] {
        let byPathA = Dictionary(a.map { ($0.path, $0) }, uniquingKeysWith: { _, last in last })
        let byPathB = Dictionary(b.map { ($0.path, $0) }, uniquingKeysWith: { _, last in last })
        return Set(byPathA.keys).union(byPathB.keys).sorted().compactMap { path in
            switch (byPathA[path], byPathB[path]) {
            case let (x?, y?):
                return x.sha256 == y.sha256 ? nil : .init(path: path, change: .modified, a: x, b: y)
            case let (x?, nil):
                return .init(path: path, change: .onlyInA, a: x, b: nil)
            case let (nil, y?):
                return .init(path: path, change: .onlyInB, a: nil, b: y)
            case (nil, nil):
                return nil
            }
        }
    }
}
