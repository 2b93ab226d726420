import ArgumentParser
import EventData
import Foundation
import RefineryCore
import WorkspaceArchive

struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Package a workspace as one deterministic archive (tar + zstd) with a manifest of hashes.",
        discussion: "Holds the configuration, samples, surrogates, plots, a snapshot of the provenance store and the plugin binaries the surrogates were trained with. Default output: <workspace>/archives/<name>.tar.zst."
    )

    @OptionGroup var workspaceOption: WorkspaceOption
    @Argument(help: ArgumentHelp("The workspace folder (same as -w).", visibility: .hidden)) var legacyWorkspace: String?
    @Option(name: .shortAndLong, help: "The archive to write.") var output: String?
    @Flag(help: "Leave out the sample and synthetic arrays (their manifests and hashes are kept).") var withoutData = false
    @Flag(help: "Compress with gzip instead of zstd.") var gzip = false
    @Flag(help: "Print the archive's path, hash, size and member counts as JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let workspace = try workspaceOption.resolve(legacy: legacyWorkspace)
            let packed = try WorkspacePacking.pack(workspace, output: output.map { URL(fileURLWithPath: $0) }, withoutData: withoutData,
                                                   compression: gzip ? .gzip : .zstd, arguments: Array(CommandLine.arguments.dropFirst()))
            if json { return try sayJSON(packed) }
            say("\(packed.result.archive.path)\nsha256 \(packed.result.sha256)  \(packed.result.size) bytes, \(packed.members) members" + (packed.omitted > 0 ? ", \(packed.omitted) left out (hashes kept)" : ""))
        }
    }
}

struct UnpackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpack",
        abstract: "Extract an archive into a new folder, checking every member against the manifest.",
        discussion: "Refuses, naming the member, absolute paths, '..', links, devices and FIFOs, duplicates, members missing from or not in the manifest, hash or size mismatches and archives beyond --max-bytes. Never overwrites without --force."
    )

    @Argument(help: "The archive.") var archive: String
    @Argument(help: "The folder to create.") var directory: String
    @Flag(help: "Overwrite existing files.") var force = false
    @Option(help: "Refuse archives that would expand beyond this many bytes (default: \(UnpackOptions.defaultExpansionFactor) × the archive's size, at least 1 GiB).") var maxBytes: Int64?
    @Flag(help: "Print the unpacked files as JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let report = try WorkspacePacking.unpack(URL(fileURLWithPath: archive), into: URL(fileURLWithPath: directory), force: force,
                                                     maxTotalBytes: maxBytes, arguments: Array(CommandLine.arguments.dropFirst()))
            if json { return try sayJSON(UnpackSummary(directory: report.directory, files: report.files, totalBytes: report.totalBytes)) }
            say("unpacked \(report.files.count) files (\(report.totalBytes) bytes) into \(report.directory); every member matches the manifest")
        }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an archive against its manifest without extracting it (exit 1 if anything fails)."
    )

    @Argument(help: "The archive.") var archive: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        var passed = true
        try reportingErrors {
            let report = try WorkspaceArchive.verify(URL(fileURLWithPath: archive))
            passed = report.passed
            if json {
                say(String(decoding: try JSONEncoder.refinery.encode(report), as: UTF8.self))
            } else {
                for member in report.members {
                    say("\(member.status.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(member.path)" + (member.detail.map { "  \($0)" } ?? ""))
                }
                say(report.passed ? "archive verified: \(report.members.count) members match the manifest"
                                  : "archive FAILED verification: \(report.failures.count) member(s)")
            }
        }
        if !passed { throw ExitCode(1) }
    }
}

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Unpack an archive into a scratch workspace, re-run its pipeline and compare every sample and surrogate hash."
    )

    @Argument(help: "The archive.") var archive: String
    @Option(help: "The scratch workspace to create (default: a new temporary folder).") var into: String?
    @Option(help: "Worker threads; results do not depend on it.") var threads: Int = defaultThreads
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var trust: TrustArchivedPluginsOption

    func run() throws {
        var identical = true
        try reportingErrors {
            let report = try Reproduction.run(URL(fileURLWithPath: archive), scratch: into.map { URL(fileURLWithPath: $0) }, threads: threads,
                                              executable: currentExecutable, trustArchivedPlugins: trust.trustArchivedPlugins,
                                              arguments: Array(CommandLine.arguments.dropFirst()), log: note)
            identical = report.identical
            say(json ? String(decoding: try JSONEncoder.refinery.encode(report), as: UTF8.self) : report.text)
        }
        if !identical { throw ExitCode(1) }
    }
}

/// `unpack --json`.
struct UnpackSummary: Encodable {
    var directory: String
    var files: [String]
    var totalBytes: Int64
}
