import Foundation

/// Every path under a workspace, in one place: no other file spells a workspace path.
///
/// ```
/// refinery.yaml                      the configuration (versioned)
/// provenance.sqlite                  the provenance store
/// samples/<name>/                    simulated samples (nominal, alternative)
/// synthetic/<systematic>/nu<k>/      synthetic data sets D(ν_k) of each systematic
/// surrogates/<systematic>/           model.json, surrogate.json, closure.{svg,md,json}
/// validation/<systematic>/          c2st.{json,md,svg}: the classifier two-sample test
/// plots/  reports/  limits/  archives/  plugins/
/// .cache/                            derived, disposable data (plugin descriptions)
/// ```
/// Everything but `refinery.yaml` and `plugins/` is output and git-ignored.
public struct WorkspaceLayout: Sendable, Equatable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    public var config: URL { root.appendingPathComponent(WorkspaceConfig.fileName) }
    public var store: URL { root.appendingPathComponent("provenance.sqlite") }

    public var samples: URL { root.appendingPathComponent("samples") }
    public var nominalSample: URL { samples.appendingPathComponent("nominal") }
    public var alternativeSample: URL { samples.appendingPathComponent("alternative") }

    public var synthetic: URL { root.appendingPathComponent("synthetic") }
    /// The synthetic data sets of one systematic, one folder per base point.
    public func syntheticFamily(_ systematic: String) -> URL { synthetic.appendingPathComponent(systematic) }
    /// D(ν_k) of one systematic: `synthetic/<name>/nu<k>`.
    public func syntheticDataSet(_ systematic: String, basePoint k: Int) -> URL {
        syntheticFamily(systematic).appendingPathComponent("nu\(k)")
    }
    /// Where a systematic's data sets are made before they replace the recorded ones.
    public func syntheticStaging(_ systematic: String, tag: StagingTag) -> URL {
        synthetic.appendingPathComponent(".\(systematic).staging-\(tag.suffix)")
    }

    public var surrogates: URL { root.appendingPathComponent("surrogates") }
    public func surrogate(_ systematic: String) -> SurrogateFiles {
        SurrogateFiles(folder: surrogates.appendingPathComponent(systematic))
    }

    public var plots: URL { root.appendingPathComponent("plots") }
    public var observablePlot: URL { plots.appendingPathComponent("observables.svg") }
    public var observableRatioPlot: URL { plots.appendingPathComponent("observables-ratio.svg") }
    public var reports: URL { root.appendingPathComponent("reports") }
    /// `reports/inspect-<sample>.json`, the demo's inspection of a sample.
    public func inspectionReport(of sample: URL) -> URL {
        reports.appendingPathComponent("inspect-\(sample.lastPathComponent).json")
    }
    public var limits: URL { root.appendingPathComponent("limits") }
    public var validation: URL { root.appendingPathComponent("validation") }
    /// `validation/<name>/c2st.{json,md,svg}`: the classifier two-sample test of one surrogate.
    public func validationFiles(_ systematic: String) -> ValidationFiles {
        ValidationFiles(folder: validation.appendingPathComponent(systematic))
    }
    public var archives: URL { root.appendingPathComponent("archives") }
    public func archive(named name: String, fileExtension: String) -> URL {
        archives.appendingPathComponent("\(name).\(fileExtension)")
    }
    /// Plugins that travel with the workspace (searched first; see docs/plugins.md).
    public var plugins: URL { root.appendingPathComponent("plugins") }
    public var cache: URL { root.appendingPathComponent(".cache") }
    public var pluginDescriptionCache: URL { cache.appendingPathComponent("plugin-descriptions") }
    /// A private snapshot of the store made while packing.
    public func storeSnapshot(tag: StagingTag) -> URL {
        root.appendingPathComponent(".provenance-snapshot-\(tag.suffix).sqlite")
    }

    /// Top-level folders packed into an archive, with the artifact kind of their files.
    public static let packedFolders: [(folder: String, kind: String)] = [
        ("samples", "sample"), ("synthetic", "synthetic"), ("surrogates", "surrogate"), ("plots", "plot"),
        ("reports", "report"), ("limits", "report"), ("validation", "report"), ("plugins", "plugin"),
    ]

    /// `url` relative to the root, for messages and records; URLs outside stay absolute.
    public func relative(_ url: URL) -> String {
        let base = root.path + "/"
        let full = url.standardizedFileURL.path
        return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full
    }

    /// The URL of a workspace-relative path.
    public func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }
}

/// The files one trained surrogate consists of (docs/model-format.md). All five are written
/// and recorded together; a surrogate missing any of them is retrained.
public struct SurrogateFiles: Sendable, Equatable {
    public let folder: URL

    public var model: URL { folder.appendingPathComponent("model.json") }
    public var record: URL { folder.appendingPathComponent("surrogate.json") }
    public var closurePlot: URL { folder.appendingPathComponent("closure.svg") }
    public var closureTable: URL { folder.appendingPathComponent("closure.md") }
    public var closureJSON: URL { folder.appendingPathComponent("closure.json") }

    /// Every file, in the order they are recorded.
    public var all: [URL] { [model, record, closurePlot, closureTable, closureJSON] }
}

/// The classifier two-sample test's files of one surrogate (docs/validation.md).
public struct ValidationFiles: Sendable, Equatable {
    public let folder: URL

    public var json: URL { folder.appendingPathComponent("c2st.json") }
    public var table: URL { folder.appendingPathComponent("c2st.md") }
    public var figure: URL { folder.appendingPathComponent("c2st.svg") }

    public var all: [URL] { [figure, table, json] }
}
