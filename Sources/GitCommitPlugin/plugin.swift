import Foundation
import PackagePlugin

/// Writes `GitCommit.swift` with the commit the package is built from, so that
/// `refinery --version` and the provenance store can name the exact host build.
/// A prebuild command runs on every build; the file only changes when the commit does.
@main
struct GitCommitPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let file = output.appending(path: "GitCommit.swift")
        let root = context.package.directoryURL.path
        let script = """
        mkdir -p '\(output.path)'
        commit=$(git -C '\(root)' rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
        if [ "$commit" != unknown ] && ! git -C '\(root)' diff --quiet HEAD -- Sources Plugins Package.swift 2>/dev/null; then commit="$commit-dirty"; fi
        new="public let refineryGitCommit = \\"$commit\\""
        if [ ! -f '\(file.path)' ] || [ "$(cat '\(file.path)')" != "$new" ]; then printf '%s' "$new" > '\(file.path)'; fi
        """
        return [.prebuildCommand(displayName: "Recording the git commit", executable: URL(filePath: "/bin/sh"),
                                 arguments: ["-c", script], outputFilesDirectory: output)]
    }
}
