import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process performing a run, recorded so that a later `ProvenanceStore.open` can tell
/// whether a run still marked `running` has lost its process.
///
/// A pid alone is not enough: pids are reused, so the process start time (Linux:
/// `/proc/<pid>/stat` field 22, clock ticks since boot) and the boot id are recorded too. A run
/// whose pid now names a process with another start time, or that was recorded before the last
/// reboot, is as dead as one whose pid is gone.
public struct ProcessIdentity: Codable, Sendable, Equatable {
    public var pid: Int32
    /// Start time of the process in clock ticks since boot (Linux); nil where unknown.
    public var startTime: UInt64?
    /// `/proc/sys/kernel/random/boot_id` (Linux); nil where unknown.
    public var bootID: String?
    /// The machine's host name (liveness can only be judged on the same host).
    public var hostName: String

    public init(pid: Int32, startTime: UInt64?, bootID: String?, hostName: String) {
        self.pid = pid
        self.startTime = startTime
        self.bootID = bootID
        self.hostName = hostName
    }

    /// The calling process.
    public static var current: ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, startTime: startTime(of: pid), bootID: MachineDescription.bootID,
                               hostName: MachineDescription.hostName)
    }

    /// Another live process of this host, or nil if there is no such process.
    public static func of(pid: Int32) -> ProcessIdentity? {
        let identity = ProcessIdentity(pid: pid, startTime: startTime(of: pid), bootID: MachineDescription.bootID,
                                       hostName: MachineDescription.hostName)
        return identity.liveness() == .alive ? identity : nil
    }

    /// Whether the recorded process is still running.
    public enum Liveness: String, Sendable {
        case alive
        case gone
        /// Recorded on another host: it cannot be checked from here.
        case unknown
    }

    public func liveness() -> Liveness {
        guard hostName == MachineDescription.hostName else { return .unknown }
        if let bootID, let now = MachineDescription.bootID, bootID != now { return .gone }
        // kill(pid, 0) sends nothing; ESRCH means no such process (EPERM: alive, not ours).
        if kill(pid, 0) != 0 && errno == ESRCH { return .gone }
        #if os(Linux)
        guard let stat = Self.procStat(of: pid) else { return .gone }
        // A zombie has finished; it only waits for its parent to collect the status.
        if stat.state == "Z" || stat.state == "X" { return .gone }
        if let startTime, stat.startTime != startTime { return .gone }
        #endif
        return .alive
    }

    /// Start time of `pid` (Linux), nil elsewhere or if the process does not exist.
    static func startTime(of pid: Int32) -> UInt64? {
        #if os(Linux)
        return procStat(of: pid)?.startTime
        #else
        return nil
        #endif
    }

    /// State and start time from `/proc/<pid>/stat`. The command name (field 2) is in
    /// parentheses and may itself contain spaces and parentheses, so fields are counted from
    /// the last ')'.
    static func procStat(of pid: Int32) -> (state: Character, startTime: UInt64)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
        guard fields.count > 19, let state = fields[0].first, let start = UInt64(fields[19]) else { return nil }
        return (state, start)
    }
}
