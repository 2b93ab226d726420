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
/// plots/  reports/  limits/  validation/  archives/  plugins/
/// cluster/<submission>/              Slurm submissions: scripts, logs, journals (docs/cluster.md)
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
        Self.dataSet(in: syntheticFamily(systematic), basePoint: k)
    }
    /// Where a systematic's data sets are made before they replace the recorded ones.
    public func syntheticStaging(_ systematic: String, tag: StagingTag) -> URL {
        synthetic.appendingPathComponent(".\(systematic).staging-\(tag.suffix)")
    }

    /// D(ν_k) inside a family folder (the recorded one or its staging folder).
    public static func dataSet(in family: URL, basePoint k: Int) -> URL { family.appendingPathComponent("nu\(k)") }

    public var surrogates: URL { root.appendingPathComponent("surrogates") }
    /// Where a surrogate's five files are written before they replace the recorded folder.
    public func surrogateStaging(_ systematic: String, tag: StagingTag) -> SurrogateFiles {
        SurrogateFiles(folder: surrogates.appendingPathComponent(".\(systematic).staging-\(tag.suffix)"))
    }
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
    /// The files `refinery limits` writes (docs/inference.md).
    public var limitsFiles: LimitsFiles { LimitsFiles(folder: limits) }
    /// Per-event coefficients of one surrogate on the held-out nominal events (the cache the
    /// event sum of eq. 94 reads), named by what determines them.
    public func coefficientCache(_ surrogate: String, key: String) -> URL {
        cache.appendingPathComponent("coefficients").appendingPathComponent("\(surrogate)-\(key).npy")
    }
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
    /// The lock that makes `pack`'s snapshot consistent with steps committing their outputs.
    public var commitLock: URL { root.appendingPathComponent(".refinery.lock") }
    public var pluginDescriptionCache: URL { cache.appendingPathComponent("plugin-descriptions") }
    /// Every `refinery submit`'s folder.
    public var cluster: URL { root.appendingPathComponent("cluster") }
    public func clusterSubmission(_ id: String) -> ClusterSubmissionFiles {
        ClusterSubmissionFiles(folder: cluster.appendingPathComponent(id))
    }
    /// A private snapshot of the store made while packing.
    public func storeSnapshot(tag: StagingTag) -> URL {
        root.appendingPathComponent("\(Self.snapshotPrefix)\(tag.suffix)\(Self.snapshotExtension)")
    }
    /// The owner's tag of a store snapshot named `name`, nil for any other name.
    public static func snapshotTag(_ name: String) -> StagingTag? {
        guard name.hasPrefix(snapshotPrefix), name.hasSuffix(snapshotExtension) else { return nil }
        return StagingTag(suffix: String(name.dropFirst(snapshotPrefix.count).dropLast(snapshotExtension.count)))
    }
    private static let snapshotPrefix = ".provenance-snapshot-"
    private static let snapshotExtension = ".sqlite"

    /// Top-level folders packed into an archive, with the artifact kind of their files.
    public static let packedFolders: [(folder: String, kind: String)] = [
        ("samples", "sample"), ("synthetic", "synthetic"), ("surrogates", "surrogate"), ("plots", "plot"),
        ("reports", "report"), ("limits", "report"), ("validation", "report"), ("plugins", "plugin"),
    ]

    /// `url`, checked to resolve inside the workspace before anything is written or deleted
    /// there: its deepest existing ancestor, with symbolic links resolved, must be the root or
    /// under it (a link planted in a workspace from someone else cannot redirect a write).
    public func inside(_ url: URL) throws -> URL {
        let target = url.standardizedFileURL
        var existing = target
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            existing = existing.deletingLastPathComponent()
        }
        let resolvedRoot = root.resolvingSymlinksInPath().path
        let resolved = existing.resolvingSymlinksInPath().path
        let lexical = target.path == root.path || target.path.hasPrefix(root.path + "/")
        guard lexical, resolved == resolvedRoot || resolved.hasPrefix(resolvedRoot + "/") else {
            throw WorkspaceError.outsideWorkspace(path: url.path, root: root.path)
        }
        return target
    }

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

/// The files of one `refinery submit` (`cluster/<submission>/`, docs/cluster.md).
public struct ClusterSubmissionFiles: Sendable, Equatable {
    public let folder: URL

    /// The job array's script: task i trains the i-th stale systematic.
    public var taskScript: URL { folder.appendingPathComponent("task.sh") }
    /// The dependent job's script: merge journals, summary, `provenance verify`.
    public var afterScript: URL { folder.appendingPathComponent("after.sh") }
    /// What was submitted: systematics by array index, Slurm job ids, options (JSON).
    public var record: URL { folder.appendingPathComponent("submission.json") }
    public var logs: URL { folder.appendingPathComponent("logs") }
    /// Slurm's output file pattern for the array (`%a`: the task index).
    public var taskLogPattern: URL { logs.appendingPathComponent("task-%a.out") }
    public func taskLog(_ index: Int) -> URL { logs.appendingPathComponent("task-\(index).out") }
    public var afterLog: URL { logs.appendingPathComponent("after.out") }
    /// Per-task provenance journals (store mode `journal`).
    public var journals: URL { folder.appendingPathComponent("journals") }
    public func journal(_ index: Int) -> URL { journals.appendingPathComponent("task-\(index).sqlite") }
    /// Journals already merged into the store are moved here, so a second merge skips them.
    public var mergedJournals: URL { journals.appendingPathComponent("merged") }
}

/// The files of `limits/`. `limits.json`, the CSVs and `contours.svg` are `LimitsWriters`'
/// renderings (Inference); `inputs.json` is the identity of the run that wrote them.
public struct LimitsFiles: Sendable, Equatable {
    public let folder: URL

    public var json: URL { folder.appendingPathComponent("limits.json") }
    public var intervalsCSV: URL { folder.appendingPathComponent("intervals.csv") }
    public var contoursCSV: URL { folder.appendingPathComponent("contours.csv") }
    public var breakdownCSV: URL { folder.appendingPathComponent("breakdown.csv") }
    /// Figure 11.
    public var contoursSVG: URL { folder.appendingPathComponent("contours.svg") }
    public var breakdownTable: URL { folder.appendingPathComponent("breakdown.md") }
    public var breakdownSVG: URL { folder.appendingPathComponent("breakdown.svg") }
    public var inputs: URL { folder.appendingPathComponent("inputs.json") }

    public var all: [URL] { [inputs, json, intervalsCSV, contoursCSV, breakdownCSV, contoursSVG, breakdownTable, breakdownSVG] }
}

/// The classifier two-sample test's files of one surrogate (docs/validation.md).
public struct ValidationFiles: Sendable, Equatable {
    public let folder: URL

    public var json: URL { folder.appendingPathComponent("c2st.json") }
    public var table: URL { folder.appendingPathComponent("c2st.md") }
    public var figure: URL { folder.appendingPathComponent("c2st.svg") }

    public var all: [URL] { [figure, table, json] }
}
