import Foundation

/// `refinery plugins list`: every library on the search path, described in a worker, or
/// from the user's description cache when the binary may not run (archived, no consent).
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
        /// Which search-path folder it is in.
        public var origin: PluginCatalog.SearchFolder.Origin?
        /// The binary came from the workspace's archive.
        public var archived: Bool?
        /// Why the library could not be described, if it could not.
        public var error: String?
    }

    public static func list(catalog: PluginCatalog, process: PluginProcess, cache: DescriptionCache = .user()) -> [Entry] {
        let libraries = catalog.libraries()
        return libraries.map { url in
            let hash = (try? PluginCatalog.identity(of: url)) ?? "unreadable"
            let origin = catalog.searchPath.first { url.deletingLastPathComponent().path == $0.url.path }?.origin
            let archived = catalog.trust.isArchived(url, sha256: hash)
            var entry = Entry(name: PluginCatalog.name(ofFile: url.lastPathComponent), path: url.path, sha256: hash,
                              origin: origin, archived: archived ? true : nil)
            let description: PluginDescription
            do {
                if archived && !catalog.trust.allowArchived {
                    // Read-only: never run a binary someone else packed. A description this
                    // user's own run made of the same bytes is fine.
                    guard let cached = cache.cached(pluginSHA256: hash, configJSON: "{}") else {
                        throw PluginHostError.archivedNotTrusted(path: url.path, sha256: hash)
                    }
                    description = cached
                } else {
                    description = try cache.description(pluginSHA256: hash, configJSON: "{}") { try process.describe(url) }
                }
            } catch {
                entry.error = (error as? LocalizedError)?.errorDescription ?? "\(error)"
                return entry
            }
            entry.name = description.name
            entry.version = description.version
            entry.abiVersion = description.abiVersion
            entry.kind = description.kind
            entry.nuisances = description.spec?.nuisances
            entry.terms = description.spec.map { spec in spec.terms.indices.map { spec.termName($0) } }
            entry.basePoints = description.spec?.basePoints
            entry.summary = description.summary
            entry.error = description.specError
            return entry
        }
    }

    public static func table(_ entries: [Entry]) -> String {
        guard !entries.isEmpty else { return "no plugins found on the search path" }
        var lines: [String] = []
        for entry in entries {
            if let error = entry.error, entry.kind == nil {
                lines.append("\(entry.name)  NOT LOADED: \(error)")
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
            lines.append("    \(entry.path)\(entry.origin.map { "  (\($0.rawValue))" } ?? "")\(entry.archived == true ? "  [from an archive]" : "")")
            lines.append("    sha256 \(entry.sha256)")
        }
        return lines.joined(separator: "\n")
    }
}
