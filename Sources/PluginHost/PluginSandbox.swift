import CPluginSandbox
import Foundation

/// Confines the worker process after it has loaded what it needs (the plugin library and the
/// samples, which only need reading): from here on no file may be written outside the given
/// folders and no TCP connection made. Landlock restricts the process for good, children
/// included; an unprivileged process can apply it, so nothing is asked of the user.
enum PluginSandbox {
    /// The kernel's Landlock ABI version, or nil with the reason.
    static func landlockABI() -> (abi: Int?, reason: String?) {
        let abi = refinery_landlock_abi()
        if abi >= 1 { return (Int(abi), nil) }
        switch -abi {
        case ENOSYS: return (nil, "the kernel has no Landlock")
        case EOPNOTSUPP: return (nil, "Landlock is disabled at boot (lsm=)")
        default: return (nil, "Landlock unavailable: \(String(cString: strerror(-abi)))")
        }
    }

    /// Applies the sandbox; what it cannot apply is recorded in `degraded`, never fatal
    /// (a kernel without Landlock still gets limits and process-group cleanup).
    /// `REFINERY_PLUGIN_SANDBOX=off` in the environment skips it, for debugging a plugin.
    static func apply(writable: [URL], environment: [String: String] = ProcessInfo.processInfo.environment) -> SandboxStatus {
        let (abi, reason) = landlockABI()
        if environment["REFINERY_PLUGIN_SANDBOX"] == "off" {
            return SandboxStatus(landlockABI: abi, writableFolders: nil, tcpDenied: false, scoped: false,
                                 degraded: ["REFINERY_PLUGIN_SANDBOX=off"])
        }
        guard abi != nil else {
            return SandboxStatus(landlockABI: nil, writableFolders: nil, tcpDenied: false, scoped: false, degraded: [reason ?? "?"])
        }
        let paths = writable.map { $0.resolvingSymlinksInPath().path }
        var message = [CChar](repeating: 0, count: 512)
        let enforced = withCStrings(paths) { refinery_landlock_restrict($0, Int32(paths.count), &message, message.count) }
        guard enforced >= 0 else {
            return SandboxStatus(landlockABI: abi, writableFolders: nil, tcpDenied: false, scoped: false,
                                 degraded: [String(cString: message)])
        }
        var degraded: [String] = []
        let tcp = enforced & Int32(REFINERY_SANDBOX_NET_TCP) != 0
        if !tcp { degraded.append("Landlock ABI < 4: network not restricted") }
        // Landlock governs TCP only; UDP and pathname unix sockets stay open.
        return SandboxStatus(landlockABI: abi, writableFolders: paths, tcpDenied: tcp,
                             scoped: enforced & Int32(REFINERY_SANDBOX_SCOPE_SIGNAL) != 0, degraded: degraded)
    }

    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        // A trailing nil keeps the buffer non-empty (its base address non-nil) for zero folders.
        let pointers: [UnsafePointer<CChar>?] = strings.map { UnsafePointer(strdup($0)) } + [nil]
        defer { pointers.forEach { free(UnsafeMutableRawPointer(mutating: $0)) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
