import ArgumentParser
import EventData
import Foundation
import Provenance
import RefineryCore

struct ProvenanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provenance",
        abstract: "Ask the workspace's provenance store where artifacts came from (schema: docs/provenance.md).",
        subcommands: [Lineage.self, Uses.self, History.self, Stale.self, Runs.self, Show.self, Verify.self, Diff.self, Validated.self]
    )

    struct Options: ParsableArguments {
        @OptionGroup var workspaceOption: WorkspaceOption

        @Flag(help: "Print JSON.")
        var json = false

        /// The workspace and its existing store (a query never creates one).
        func open() throws -> (Workspace, ProvenanceStore) {
            let workspace = try workspaceOption.resolve()
            return (workspace, try ProvenanceQueries.open(workspace))
        }
    }

    static func emit<T: Encodable>(_ value: T, json: Bool, text: () -> String) throws {
        say(json ? String(decoding: try JSONEncoder.refinery.encode(value), as: UTF8.self) : text())
    }

    struct Validated: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Whether each surrogate passed the classifier two-sample test (`refinery validate`), from the store.",
            discussion: "passed / failed / stale (the surrogate changed since it was tested) / not-validated. Exit 1 unless every listed surrogate passed.")
        @Argument(help: "Systematics to ask about (default: all).") var names: [String] = []
        @OptionGroup var options: Options

        func run() throws {
            try reportingErrors {
                let (workspace, _) = try options.open()
                let all = try ValidationStatus.of(workspace)
                for name in names where !all.contains(where: { $0.systematic == name }) {
                    throw TrainingError.unknownSystematic(name: name, known: all.map(\.systematic))
                }
                let selected = names.isEmpty ? all : all.filter { names.contains($0.systematic) }
                try emit(selected, json: options.json) { selected.map(\.text).joined(separator: "\n") }
                if !selected.allSatisfy({ $0.state == .passed }) { throw ExitCode(ExitStatus.failure) }
            }
        }
    }

    struct Lineage: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The tree back to the nominal sample, plugin binary, configuration and seeds.")
        @Argument(help: "An artifact path (relative to the workspace) or a SHA-256 prefix.") var artifact: String
        @OptionGroup var options: Options

        func run() throws {
            try reportingErrors {
                let (_, store) = try options.open()
                let node = try store.lineage(of: artifact)
                try emit(node, json: options.json) { ProvenanceQueries.text(node) }
            }
        }
    }

    struct Uses: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything made from an artifact: the surrogates, limits and archives that used this sample or plugin binary.")
        @Argument(help: "An artifact path (relative to the workspace, e.g. samples/nominal/manifest.json) or a SHA-256 prefix.") var artifact: String
        @OptionGroup var options: Options

        func run() throws {
            try reportingErrors {
                let (_, store) = try options.open()
                let uses = try store.uses(of: artifact)
                try emit(uses, json: options.json) { ProvenanceQueries.text(uses) }
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every surrogate trained for a systematic, when, and what changed between versions.")
        @Argument(help: "The systematic's name.") var systematic: String
        @OptionGroup var options: Options

        func run() throws {
            try reportingErrors {
                let (workspace, store) = try options.open()
                try ProvenanceQueries.requireKnown(systematic, store: store, workspace: workspace)
                let history = try ProvenanceQueries.history(store, systematic: systematic)
                try emit(history, json: options.json) { ProvenanceQueries.text(history) }
            }
        }
    }

    struct Stale: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What `refinery train` would retrain now, and why.")
        @Option(help: "As for `train --trees`: the tree count train would be run with.") var trees: Int?
        @OptionGroup var options: Options

        func run() throws {
            try reportingErrors {
                let (workspace, store) = try options.open()
                let entries = try ProvenanceQueries.stale(workspace, store: store, executable: currentExecutable,
                                                          trees: trees)
                try emit(entries, json: options.json) {
                    entries.map { "\($0.systematic.padding(toLength: 16, withPad: " ", startingAt: 0)) \($0.text)" }.joined(separator: "\n")
                }
            }
        }
    }

    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The recorded runs, newest first.")
        @Option(help: "At most this many runs.") var limit: Int?
        @OptionGroup var options: Options

        func run() throws {
            try reportingErrors {
                let runs = try options.open().1.runs(limit: limit)
                try emit(runs, json: options.json) { ProvenanceQueries.text(runs) }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One run: command, host, outcome, inputs and outputs.")
        @Argument(help: "The run id.") var id: Int64
        @OptionGroup var options: Options

        func run() throws {
            try reportingErrors {
                let detail = try options.open().1.run(id)
                try emit(detail, json: options.json) {
                    var lines = [ProvenanceQueries.text([detail.run]),
                                 "host \(detail.run.hostName), \(detail.run.cores) cores, \(detail.run.os); refinery \(detail.run.hostVersion) (\(detail.run.hostCommit)); pid \(detail.run.pid)"]
                    lines += detail.inputs.map { "  input   \($0.path) [\($0.kind.rawValue)] \($0.sha256.prefix(16))…" }
                    lines += detail.outputs.map { "  output  \($0.path) [\($0.kind.rawValue)] \($0.sha256.prefix(16))…" }
                    lines += detail.surrogates.map { "  surrogate \($0.systematic) identity \($0.identityKey.prefix(16))…" }
                    return lines.joined(separator: "\n")
                }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-hash every recorded file; list missing and modified ones (exit 1 if any).")
        @OptionGroup var options: Options

        func run() throws {
            var clean = true
            try reportingErrors {
                let (workspace, store) = try options.open()
                let report = try ProvenanceQueries.verify(workspace, store: store)
                clean = report.isClean
                try emit(report, json: options.json) { ProvenanceQueries.text(report) }
            }
            if !clean { throw ExitCode(1) }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Configuration, plugins and outputs that differ between two runs.")
        @Argument(help: "The first run id.") var first: Int64
        @Argument(help: "The second run id.") var second: Int64
        @OptionGroup var options: Options

        func run() throws {
            try reportingErrors {
                let diff = try options.open().1.diff(first, second)
                try emit(diff, json: options.json) {
                    var lines = ["run \(diff.a.id) (\(diff.a.command)) vs run \(diff.b.id) (\(diff.b.command))"]
                    if let a = diff.arguments { lines.append("arguments: \(a.a.joined(separator: " ")) → \(a.b.joined(separator: " "))") }
                    if let h = diff.host { lines.append("host: \(h.a) → \(h.b)") }
                    for (title, changes) in [("configuration", diff.configuration), ("plugin", diff.plugins), ("output", diff.outputs)] {
                        lines += changes.map { "\(title) \($0.change.rawValue): \($0.path) \($0.a.map { String($0.sha256.prefix(12)) } ?? "-") → \($0.b.map { String($0.sha256.prefix(12)) } ?? "-")" }
                    }
                    if lines.count == 1 { lines.append("no differences") }
                    return lines.joined(separator: "\n")
                }
            }
        }
    }
}
