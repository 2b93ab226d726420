import Foundation
import PluginHost

extension Training {
    /// What `train` did for one systematic: its decision, then reused / trained / failed with
    /// their data. `--json` serializes it; `DecisionText` and `TrainingSummary` render it.
    public struct Outcome: Sendable, Encodable {
        public enum Status: String, Sendable, Encodable { case reused, trained, failed }

        public var name: String
        public var status: Status
        /// Nil when the systematic failed before a decision could be made (e.g. its plugin is missing).
        public var decision: TrainingDecision?
        /// The failure, in the plugin's or the learner's own words.
        public var error: String?
        public var identityKey: String?
        /// The store's id of the surrogate reused or recorded.
        public var surrogateID: Int64?
        public var plugin: PluginSummary?
        /// The closure check of the surrogate (docs/closure.md); `--json` carries its summary.
        public var closure: ClosureReport? { didSet { closureResult = closure.map(ClosureResult.init) } }
        public private(set) var closureResult: ClosureResult?
        /// The surrogate's files, relative to the workspace.
        public var files: [String]
        public var timings: Timings

        public struct PluginSummary: Sendable, Encodable {
            public var name: String
            public var version: String
            public var kind: SystematicKind
            public var sha256: String
            public var basePoints: Int
            public var terms: Int
            public var trees: Int
        }

        /// The closure verdict and its per-base-point figures, without the binned ratios.
        public struct ClosureResult: Sendable, Encodable {
            public var closes: Bool
            public var basePoints: [ClosureReport.BasePoint]

            init(_ report: ClosureReport) {
                closes = report.closes
                basePoints = report.basePoints
            }
        }

        enum CodingKeys: String, CodingKey {
            case name, status, decision, error, identityKey, surrogateID, plugin, closureResult = "closure", files, timings
        }

        /// Wall times in seconds.
        public struct Timings: Sendable, Encodable {
            public var plugin = 0.0
            /// Reading the training data (the nominal sample and the synthetic data sets), each
            /// column verified against its manifest's SHA-256 as it is read.
            public var reading = 0.0
            /// Binning and boosting (Algorithm 1), from the data in memory to the trained model.
            public var learner = 0.0
            /// Hashing files and writing provenance records.
            public var recording = 0.0
            /// The closure check with its figure and tables.
            public var closure = 0.0
            /// The whole systematic: planning, deciding, and (when trained) everything above.
            public var total = 0.0
        }

        init(name: String) {
            self.name = name
            status = .failed
            files = []
            timings = Timings()
        }

        public var succeeded: Bool { status != .failed }
        /// The closure criterion of docs/closure.md holds at every base point (true when unknown).
        public var closes: Bool { closure?.closes ?? true }
    }
}
