import ArgumentParser
import Foundation
import RefineryCore

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Train the stale surrogates as a Slurm job array, then run what comes after in a dependent job.",
        discussion: """
        Decides which surrogates are stale exactly as `train` does, writes the batch scripts to \
        cluster/<submission>/, and submits one array task per stale systematic (`refinery train \
        --only NAME`) and a job depending on the whole array (afterok; cancelled, not left \
        pending, when a task fails) that runs a summary and `provenance verify`. Options not \
        given come from the workspace's `cluster:` block. Follow it with `refinery jobs`. \
        docs/cluster.md.
        """
    )

    @OptionGroup var workspaceOption: WorkspaceOption
    @Option(help: "Slurm partition (sbatch --partition).") var partition: String?
    @Option(help: "Slurm account (sbatch --account).") var account: String?
    @Option(help: "Time limit of each job, in Slurm's syntax (sbatch --time).") var time: String?
    @Option(help: "CPUs per task; also each task's learner threads (sbatch --cpus-per-task).") var cpusPerTask: Int?
    @Option(help: "Memory per task, in Slurm's syntax, e.g. 4G (sbatch --mem).") var mem: String?
    @Option(help: "How tasks record provenance: auto, shared or journal (docs/cluster.md).") var store: String?
    @Flag(help: "Print the scripts and the sbatch command lines; submit nothing.") var dryRun = false
    @Flag(help: "After a submission with failed tasks: submit what is still stale.") var resume = false
    @Flag(help: "Print the decisions, scripts and job ids as JSON.") var json = false

    func validate() throws {
        if let cpusPerTask, cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1 (got \(cpusPerTask)).") }
        for (name, value) in [("partition", partition), ("account", account), ("time", time), ("mem", mem)] {
            if let value, !ClusterSection.isSlurmWord(value) {
                throw ValidationError("--\(name) '\(value)' is not a Slurm value (letters, digits and - _ : . , only).")
            }
        }
        if let store, ClusterSection.StoreMode(rawValue: store) == nil {
            throw ValidationError("--store must be one of \(ClusterSection.StoreMode.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(store)').")
        }
    }

    func run() throws {
        try reportingErrors {
            let workspace = try workspaceOption.resolve()
            let options = ClusterSection(partition: partition, account: account, time: time, cpusPerTask: cpusPerTask, mem: mem,
                                         store: store.flatMap(ClusterSection.StoreMode.init(rawValue:)))
            let result = try ClusterSubmission.submit(workspace, request: .init(
                options: options, dryRun: dryRun, resume: resume, executable: currentExecutable,
                arguments: Array(CommandLine.arguments.dropFirst())))
            if json { return try sayJSON(result) }
            for merge in result.merged {
                say("merged \(merge.journals) task journals of an earlier submission (\(merge.runs) runs)")
            }
            guard !result.submitted.isEmpty else { return say("nothing to submit: every surrogate is up to date") }
            for entry in result.decisions where !entry.upToDate {
                say("\(entry.systematic.padding(toLength: 16, withPad: " ", startingAt: 0)) \(entry.text)")
            }
            if result.dryRun {
                for script in result.scripts { say("# \(script.path)\n\(script.text)") }
                say("# sbatch command lines")
                say(result.commandLines.joined(separator: "\n"))
                return
            }
            say("submission \(result.submission ?? "?"): job array \(result.arrayJob ?? "?") (\(result.submitted.count) tasks), dependent job \(result.afterJob ?? "?"); store mode \(result.store?.rawValue ?? "?")")
            say("follow it with: refinery jobs -w \(BatchScripts.quote(workspace.root.path))")
        }
    }
}
