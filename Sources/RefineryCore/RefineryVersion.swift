import RefineryBuildInfo

/// The host version and build commit, re-exported for the command line and the records.
public enum RefineryVersion {
    public static var version: String { RefineryBuildInfo.version }
    public static var commit: String { RefineryBuildInfo.commit }
    public static var description: String { RefineryBuildInfo.description }
}
