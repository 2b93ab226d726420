/// The host's version and the git commit it was built from (`refineryGitCommit` is generated
/// at build time by GitCommitPlugin).
public enum RefineryBuildInfo {
    public static let version = "0.1.0"
    public static var commit: String { refineryGitCommit }
    public static var description: String { "refinery \(version) (commit \(commit))" }
}
