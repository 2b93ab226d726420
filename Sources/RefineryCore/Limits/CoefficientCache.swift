import BoostedParametricTree
import EventData
import Foundation
import Provenance

/// Each surrogate evaluated once per held-out nominal event (eq. 94 then only sums): the SMEFT
/// surrogate's R̂_A(x_i) (N × K, the `smeft.npy` order) and each systematic's Δ_{k,A}(x_i)
/// (N × terms). Row i is the i-th held-out fiducial event of the nominal sample. A cache file
/// is named by the hash of what determines it (model file, nominal sample, split) and reused
/// while its bytes are those the store recorded for it; otherwise it is computed again.
struct CoefficientCache {
    let layout: WorkspaceLayout
    let store: ProvenanceStore
    let nominalSHA256: String
    let split: HeldOutSplit

    struct Entry {
        var file: HashedFile
        var values: [Double]
        var reused: Bool
        var seconds: Double
    }

    func url(for surrogate: LimitsPlan.Surrogate) -> URL {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let splitJSON = String(decoding: (try? encoder.encode(split)) ?? Data(), as: UTF8.self)
        let key = FileHash.sha256(Data("\(surrogate.model.sha256)|\(nominalSHA256)|\(splitJSON)".utf8))
        return layout.coefficientCache(surrogate.name, key: String(key.prefix(16)))
    }

    /// The cached coefficients of `surrogate`, evaluating `evaluate` (N × width) when needed.
    func coefficients(_ surrogate: LimitsPlan.Surrogate, width: Int, events: Int,
                      evaluate: () -> [Double]) throws -> Entry {
        let url = url(for: surrogate)
        let start = Date()
        if FileManager.default.fileExists(atPath: url.path), let recorded = try store.latestArtifact(path: layout.relative(url)) {
            let data = try Data(contentsOf: url)
            if FileHash.sha256(data) == recorded.sha256,
               let decoded = try? NpyFile.decode(data, as: Double.self, path: url.path), decoded.shape == [events, width] {
                return Entry(file: HashedFile.written(data, to: url, kind: .report), values: decoded.values, reused: true,
                             seconds: Date().timeIntervalSince(start))
            }
        }
        let values = evaluate()
        let data = NpyFile.encode(values, shape: [events, width])
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return Entry(file: try layout.write(data, to: url, kind: .report), values: values, reused: false,
                     seconds: Date().timeIntervalSince(start))
    }
}
