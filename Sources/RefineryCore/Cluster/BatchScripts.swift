import Foundation

/// The batch scripts and `sbatch` command lines of one submission, as text: pure functions of
/// the plan, so `--dry-run` prints exactly what `submit` writes and runs.
public struct BatchScripts: Sendable, Equatable {
    public var taskScript: String
    public var afterScript: String
    /// `sbatch` arguments of the job array, and of the dependent job with `arrayJobPlaceholder`
    /// where the array's id goes.
    public var arrayArguments: [String]
    public var afterArguments: [String]

    public static let arrayJobPlaceholder = "$array"

    public init(plan: SubmissionPlan) throws {
        let files = plan.files
        for url in [plan.root, files.folder, plan.executable] where url.path.contains("\\") || url.path.contains("\n") {
            // Slurm stops expanding %a in an output path that holds a backslash, and a newline
            // would split a log line; neither occurs in a path a person chose on purpose.
            throw ClusterError.unusablePath(path: url.path, reason: "it contains a backslash or a newline")
        }
        let q = Self.quote
        let names = plan.systematics.map(q).joined(separator: " ")
        var train = "\"$refinery\" train -w \"$workspace\" --only \"$name\" --threads \(plan.threads) --allow-closure-failure"
        var journals = ""
        if plan.store == .journal {
            train += " --journal \"$journals/task-$SLURM_ARRAY_TASK_ID.sqlite\""
            journals = "journals=\(q(files.journals.path))\n"
        }
        // The classifier test of the surrogate just trained (docs/validation.md). Its verdict is
        // recorded (`provenance validated`), not a task failure: the surrogate is trained and
        // kept either way. With journals the store is written by the dependent job only, so
        // validation moves there.
        // The SMEFT surrogate has its closure against the exact reweighting, not this test.
        let smeft = WorkspaceConfig.SmeftSection.surrogateName
        let validate = plan.validates && plan.store == .shared
            ? "[ \"$name\" = \(smeft) ] || \"$refinery\" validate -w \"$workspace\" --only \"$name\" --threads \(plan.threads) || echo \"$name did not pass validation (refinery provenance validated $name)\"\n"
            : ""
        taskScript = """
            #!/bin/bash
            # Refinery submission \(plan.id) of workspace '\(plan.workspaceName)': array task i trains
            # the i-th stale surrogate (written by `refinery submit`; docs/cluster.md).
            set -euo pipefail
            refinery=\(q(plan.executable.path))
            workspace=\(q(plan.root.path))
            \(journals)systematics=(\(names))
            name=${systematics[$SLURM_ARRAY_TASK_ID]}
            echo "refinery submission \(plan.id): task $SLURM_ARRAY_TASK_ID trains $name on ${SLURMD_NODENAME:-$(hostname)} (job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID})"
            \(train)
            \(validate)
            """
        var after = [
            "#!/bin/bash",
            "# Refinery submission \(plan.id): runs when every task of the array succeeded",
            "# (written by `refinery submit`; docs/cluster.md).",
            "set -euo pipefail",
            "refinery=\(q(plan.executable.path))",
            "workspace=\(q(plan.root.path))",
        ]
        if plan.store == .journal {
            after.append("\"$refinery\" merge-journals -w \"$workspace\" --submission \(q(plan.id))")
        }
        // What comes after the surrogates (the SMEFT one is an array task like the others):
        // validation (journal mode), the limits, then a summary and the store's check.
        if plan.validates && plan.store == .journal {
            after.append("\"$refinery\" validate -w \"$workspace\" --threads \(plan.threads) || echo \"not every surrogate passed validation (refinery provenance validated)\"")
        }
        if plan.limits {
            after.append("\"$refinery\" limits -w \"$workspace\" --threads \(plan.threads)")
        }
        after += [
            "\"$refinery\" jobs -w \"$workspace\" --submission \(q(plan.id))",
            "\"$refinery\" provenance stale -w \"$workspace\"",
            "\"$refinery\" provenance verify -w \"$workspace\"",
            "",
        ]
        afterScript = after.joined(separator: "\n")

        let common = ["--chdir=\(plan.root.path)"] + plan.options.sbatchOptions
        arrayArguments = ["--parsable", "--job-name=refinery-\(plan.id)-train", "--array=0-\(plan.systematics.count - 1)",
                          "--output=\(Self.literal(files.logs.path))/\(files.taskLogPattern.lastPathComponent)"] + common
            + (plan.options.cpusPerTask.map { ["--cpus-per-task=\($0)"] } ?? []) + (plan.options.mem.map { ["--mem=\($0)"] } ?? [])
            + [files.taskScript.path]
        afterArguments = ["--parsable", "--job-name=refinery-\(plan.id)-after",
                          "--dependency=afterok:\(Self.arrayJobPlaceholder)", "--kill-on-invalid-dep=yes",
                          "--output=\(Self.literal(files.afterLog.path))"] + common + [files.afterScript.path]
    }

    /// The dependent job's arguments once the array's id is known.
    public func afterArguments(arrayJob: String) -> [String] {
        afterArguments.map { $0 == "--dependency=afterok:\(Self.arrayJobPlaceholder)" ? "--dependency=afterok:\(arrayJob)" : $0 }
    }

    /// The two `sbatch` calls as shell lines (what `--dry-run` prints; runnable as they are).
    public var commandLines: [String] {
        ["array=$(sbatch " + arrayArguments.map(Self.quote).joined(separator: " ") + ")",
         "sbatch " + afterArguments.map { $0 == "--dependency=afterok:\(Self.arrayJobPlaceholder)" ? "--dependency=afterok:\"$array\"" : Self.quote($0) }
            .joined(separator: " ")]
    }

    /// A POSIX shell word for any text: single quotes, each `'` written as `'\''`. Words made
    /// only of safe characters are left bare so that scripts stay readable.
    public static func quote(_ text: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !text.isEmpty && text.unicodeScalars.allSatisfy(safe.contains) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A path in Slurm's output-file syntax, where `%` starts a pattern (`%%` is a `%`).
    static func literal(_ path: String) -> String { path.replacingOccurrences(of: "%", with: "%%") }
}

extension ClusterSection {
    /// The `sbatch` options every job of a submission gets.
    var sbatchOptions: [String] {
        [partition.map { "--partition=\($0)" }, account.map { "--account=\($0)" }, time.map { "--time=\($0)" }].compactMap { $0 }
    }
}
