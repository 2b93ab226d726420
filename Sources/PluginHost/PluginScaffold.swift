import EventData
import Foundation

/// `refinery plugins new`: writes a buildable plugin project outside the host's sources.
///
/// A Swift plugin is a small package that carries its own copy of the plugin kit and the ABI
/// header (so it builds without the host's checkout and keeps building years later); a C
/// plugin is one source file, the header and a Makefile. Building yields `lib<Name>.so`,
/// which `refinery train` loads from the workspace's `plugins/` folder or
/// `REFINERY_PLUGIN_PATH` — the host is not rebuilt.
public enum PluginScaffold {
    public enum Language: String, CaseIterable, Sendable { case swift, c }

    public enum ScaffoldError: LocalizedError {
        case invalidName(String)
        case exists(String)
        case missingKit(String)

        public var errorDescription: String? {
            switch self {
            case let .invalidName(name):
                return "'\(name)' is not a valid plugin name: use letters and digits, starting with a letter (e.g. PileupReweighting)."
            case let .exists(path):
                return "\(path) already exists; choose another name or --output folder."
            case let .missingKit(path):
                return "the plugin kit sources are not at \(path); run `refinery plugins new` from a Refinery built from source, or pass --sources <checkout>."
            }
        }
    }

    /// The host's source checkout (this file's location at build time).
    public static var defaultSources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Writes the project into `parent/<name>`; returns its folder.
    public static func create(name: String, kind: SystematicKind, language: Language, parent: URL,
                              sources: URL = defaultSources) throws -> URL {
        guard let first = name.unicodeScalars.first, CharacterSet.letters.contains(first),
              name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII }) else {
            throw ScaffoldError.invalidName(name)
        }
        let folder = parent.appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: folder.path) else { throw ScaffoldError.exists(folder.path) }
        let header = sources.appendingPathComponent("Sources/RefineryPluginABI/include/refinery_plugin.h")
        guard FileManager.default.fileExists(atPath: header.path) else { throw ScaffoldError.missingKit(header.path) }
        let values = try templateValues(name: name, kind: kind, language: language)
        func render(_ template: String) throws -> Data { Data(try ScaffoldTemplate.render(template, values).utf8) }
        var files: [(String, Data)] = []
        switch language {
        case .swift:
            files.append(("Package.swift", try render("Package.swift")))
            files.append(("Sources/RefineryPluginABI/include/refinery_plugin.h", try Data(contentsOf: header)))
            files.append(("Sources/RefineryPluginABI/refinery_plugin.c", Data("#include \"refinery_plugin.h\"\n".utf8)))
            let kit = sources.appendingPathComponent("Sources/RefineryPluginKit")
            let kitFiles = (try? FileManager.default.contentsOfDirectory(atPath: kit.path))?.filter { $0.hasSuffix(".swift") }.sorted() ?? []
            guard !kitFiles.isEmpty else { throw ScaffoldError.missingKit(kit.path) }
            for file in kitFiles {
                files.append(("Sources/RefineryPluginKit/\(file)", try Data(contentsOf: kit.appendingPathComponent(file))))
            }
            files.append(("Sources/\(name)/\(name)Plugin.swift", try render("Plugin.swift")))
        case .c:
            files.append(("refinery_plugin.h", try Data(contentsOf: header)))
            files.append(("\(name.lowercased()).c", try render("plugin.c")))
            files.append(("Makefile", try render("Makefile")))
        }
        files.append(("README.md", try render("README.md")))
        files.append((".gitignore", try render("gitignore")))
        for (path, data) in files { try AtomicFile.write(data, to: folder.appendingPathComponent(path)) }
        return folder
    }

    /// The placeholder values of the templates for one project.
    static func templateValues(name: String, kind: SystematicKind, language: Language) throws -> [String: String] {
        let alternative = kind == .alternative
        let suffix = language == .swift ? "swift" : "c"
        return [
            "NAME": name,
            "LOWERNAME": name.lowercased(),
            "KIND": kind.rawValue,
            "LANGUAGE": language.rawValue,
            "KIND_CONSTANT": "REFINERY_KIND_\(kind.rawValue.uppercased())",
            "POINTS": language == .swift ? (alternative ? "[[1]]" : "[[-1], [1]]") : (alternative ? "{1.0}" : "{-1.0, 1.0}"),
            "POINT_COUNT": alternative ? "1" : "2",
            "MIN_NODE": kind == .reweight ? "50" : "500",
            "PRODUCE": try ScaffoldTemplate("produce-\(kind.rawValue).\(suffix)").text,
            "BUILD": language == .swift ? "swift build -c release        # → .build/release/lib\(name).so"
                                        : "make                          # → lib\(name).so",
            "LIBRARY": language == .swift ? ".build/release/lib\(name).so" : "lib\(name).so",
            "KIND_MEANING": kind == .reweight ? "new weights for the nominal events (eq. 31 of the paper)"
                : kind == .calibrate ? "new observables from recalibrated latent features, reconstructed by the host (eq. 30)"
                : "an independent sample (two-point alternative, section 5.3)",
        ]
    }
}
