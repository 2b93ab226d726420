/// The rules every member path obeys, checked when packing and again on every entry read.
///
/// A valid path is relative, `/`-separated, with no empty, `.` or `..` component: exactly one
/// spelling per file, so a path can neither escape the target directory nor alias another
/// member.
enum MemberPath {
    /// Name of the directory `unpack` stages into inside the target; reserved so a member
    /// cannot collide with it.
    static let stagingDirectoryName = ".refinery-unpack-staging"

    /// The first reason `path` is unsafe, or nil when it is valid.
    static func problem(_ path: String) -> UnsafeReason? {
        if path.isEmpty { return .empty }
        if path.hasPrefix("/") { return .absolutePath }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        // `..` is checked before the canonical form so `a/../b` reports the escape, the
        // more serious of its two faults.
        if components.contains("..") { return .parentComponent }
        if components.contains(where: { $0.isEmpty || $0 == "." }) { return .nonCanonical }
        if path.utf8.contains(0) { return .nonCanonical }
        if path == ArchiveManifest.fileName || components[0] == Substring(stagingDirectoryName) {
            return .reserved
        }
        return nil
    }

    /// Pairs of paths where one is a directory prefix of the other (`a` and `a/b`): both
    /// cannot exist as files.
    static func firstConflict(in sortedPaths: [String]) -> (String, String)? {
        // In sorted order a path's descendants follow it, though not always immediately
        // (`a`, `a-b`, `a/c`), so compare against every path that is a proper prefix.
        let all = Set(sortedPaths)
        for path in sortedPaths {
            var prefix = Substring(path)
            while let slash = prefix.lastIndex(of: "/") {
                prefix = prefix[..<slash]
                if all.contains(String(prefix)) { return (String(prefix), path) }
            }
        }
        return nil
    }
}
