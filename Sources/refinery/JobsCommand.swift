import ArgumentParser
import Foundation
import RefineryCore

struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "The Slurm jobs and tasks of every `refinery submit` of the workspace, and how they ended.",
        discussion: """
        States come from scontrol (or sacct where an accounting database exists) and, once \
        Slurm has forgotten a task, from the runs it recorded. A failed task names its \
        systematic, its log and its error. Exit status 1 when a task failed. docs/cluster.md.
        """
    )

    @OptionGroup var workspaceOption: WorkspaceOption
    @Option(help: "Only this submission (its number, cluster/<n>/).") var submission: String?
    @Flag(help: "Print every submission, task and state as JSON.") var json = false

    func run() throws {
        var failed = false
        try reportingErrors {
            let workspace = try workspaceOption.resolve()
            let submissions = try ClusterJobs.status(workspace, only: submission)
            failed = submissions.last.map { !$0.failed.isEmpty } ?? false
            if json { return try sayJSON(submissions) }
            guard !submissions.isEmpty else { return say("no submissions in this workspace (refinery submit makes one)") }
            for entry in submissions {
                say("submission \(entry.id)  array \(entry.arrayJob)  store \(entry.store.rawValue)")
                for task in entry.tasks {
                    var line = "  \(task.job.padding(toLength: 12, withPad: " ", startingAt: 0)) \(task.systematic.padding(toLength: 16, withPad: " ", startingAt: 0)) \(task.state.rawValue)"
                    if let node = task.node { line += " on \(node)" }
                    if task.state == .failed || task.state == .cancelled {
                        line += "\n      log \(task.log)\n      error: \(task.error ?? "not recorded; see the log")"
                    }
                    say(line)
                }
                say("  \(entry.after.job.padding(toLength: 12, withPad: " ", startingAt: 0)) (dependent job)    \(entry.after.state.rawValue)\(entry.after.reason.map { " (\($0))" } ?? "")  log \(entry.after.log)")
            }
        }
        if failed { throw ExitCode(ExitStatus.failure) }
    }
}

/// The dependent job's first step in store mode `journal`: merge the tasks' journals.
struct MergeJournalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-journals",
        abstract: "Merge a submission's task journals into the store in one transaction (run by its dependent job).",
        shouldDisplay: false
    )

    @OptionGroup var workspaceOption: WorkspaceOption
    @Option(help: "The submission (its number).") var submission: String
    @Flag(help: "Print what was merged as JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let workspace = try workspaceOption.resolve()
            guard let record = try SubmissionRecord.all(workspace.layout).first(where: { $0.id == submission }) else {
                throw ClusterError.unknownSubmission(id: submission, known: try SubmissionRecord.all(workspace.layout).map(\.id))
            }
            let merge = try JournalMerging.mergePending(record, workspace: workspace)
            if json { return try sayJSON(merge) }
            say(merge.map { "merged \($0.journals) journals: \($0.runs) runs, \($0.artifacts) new artifact versions, \($0.surrogates) surrogates" }
                ?? "nothing to merge")
        }
    }
}
