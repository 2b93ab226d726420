import Foundation

/// Every live worker's process group, so that the host kills them all when it exits or is
/// interrupted (SIGINT, SIGTERM, SIGHUP): no worker and no child a plugin forked outlives it.
///
/// The table is a fixed C array because a signal handler may only touch memory that needs no
/// allocation or locking; slots are claimed and released with atomic compare-and-swap.
enum ProcessGroups {
    static let capacity = 256
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<Int32> = {
        let pointer = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
        return pointer
    }()
    nonisolated(unsafe) static var installed = false
    static let lock = NSLock()

    /// Records a live group; installs the handlers on first use.
    static func add(_ group: pid_t) {
        lock.lock()
        defer { lock.unlock() }
        if !installed { install() }
        for index in 0..<capacity where slots[index] == 0 {
            slots[index] = group
            return
        }
    }

    static func remove(_ group: pid_t) {
        lock.lock()
        defer { lock.unlock() }
        for index in 0..<capacity where slots[index] == group { slots[index] = 0 }
    }

    /// SIGKILL to every recorded group (async-signal-safe: kill(2) and plain loads only).
    static func killAll() {
        for index in 0..<capacity {
            let group = slots[index]
            if group > 0 { kill(-group, SIGKILL) }
        }
    }

    private static func install() {
        _ = slots  // initialized here, never in a signal handler
        atexit { ProcessGroups.killAll() }
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            var previous = sigaction()
            sigaction(signal, nil, &previous)
            // A host that ignores the signal keeps ignoring it.
            if unsafeBitCast(previous.__sigaction_handler.sa_handler, to: Int.self) == 1 /* SIG_IGN */ { continue }
            action.__sigaction_handler.sa_handler = { signal in
                ProcessGroups.killAll()
                // Then die of the signal as the host would have without us.
                var restore = sigaction()
                restore.__sigaction_handler.sa_handler = SIG_DFL
                sigaction(signal, &restore, nil)
                raise(signal)
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }
}
