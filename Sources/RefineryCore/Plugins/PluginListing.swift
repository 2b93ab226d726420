import Foundation

/// `refinery plugins list`: every library on the search path, described in a worker.
public enum PluginListing {
    public struct Entry: Codable, Sendable {
        public var name: String
        public var version: String?
        public var abiVersion: UInt32?
        public var kind: SystematicKind?
        public var nuisances: [String]?
        public var terms: [String]?
        public var basePoints: [[Double]]?
        public var summary: String?
        public var path: String
        public var sha256: String
        /// Why the library could not be described, if it could not.
        public var error: String?
    }

    public static func list(catalog: PluginCatalog, process: PluginProcess) -> [Entry] {
        catalog.libraries().map { url in
            let hash = (try? PluginCatalog.identity(of: url)) ?? "unreadable"
            do {
                let description = try process.describe(url)
                return Entry(name: description.name, version: description.version, abiVersion: description.abiVersion,
                             kind: description.kind, nuisances: description.spec?.nuisances,
                             terms: description.spec.map { spec in spec.terms.indices.map { spec.termName($0) } },
                             basePoints: description.spec?.basePoints, summary: description.summary,
                             path: url.path, sha256: hash, error: description.specError)
            } catch {
                return Entry(name: url.lastPathComponent, path: url.path, sha256: hash,
                             error: (error as? LocalizedError)?.errorDescription ?? "\(error)")
            }
        }
    }

    public static func table(_ entries: [Entry]) -> String {
        guard !entries.isEmpty else { return "no plugins found on the search path" }
        var lines: [String] = []
        for entry in entries {
            if let error = entry.error, entry.kind == nil {
                lines.append("\(entry.name)  NOT LOADABLE: \(error)")
            } else {
                let header = "\(entry.name) \(entry.version ?? "?")  [\(entry.kind?.rawValue ?? "?"), ABI \(entry.abiVersion.map(String.init) ?? "?")]"
                if let nuisances = entry.nuisances {
                    lines.append("\(header)  nuisances: \(nuisances.joined(separator: ", "))")
                    lines.append("    terms: \((entry.terms ?? []).joined(separator: ", "))   base points: \((entry.basePoints ?? []).count)")
                } else {
                    // Nuisances and base points come from the configuration (e.g. BTagging's component).
                    lines.append(header)
                    lines.append("    needs a configuration: \(entry.error ?? "no description")")
                }
                if let summary = entry.summary, !summary.isEmpty { lines.append("    \(summary)") }
            }
            lines.append("    \(entry.path)")
            lines.append("    sha256 \(entry.sha256)")
        }
        return lines.joined(separator: "\n")
    }
}
