import ArgumentParser

/// `--trust-archived-plugins`, for every command that may run plugin code from a workspace:
/// without it, a plugin binary that came from a workspace archive is never run.
struct TrustArchivedPluginsOption: ParsableArguments {
    @Flag(name: .customLong("trust-archived-plugins"),
          help: "Run plugin binaries that came from a workspace archive (someone else's native code; see docs/security.md).")
    var trustArchivedPlugins = false
}
