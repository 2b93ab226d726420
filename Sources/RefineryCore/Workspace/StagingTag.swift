import Foundation
import Provenance

/// Names the owner of a staging folder (or snapshot) by host, boot and pid together, so that
/// an abandoned one can be recognized safely on a file system shared by several nodes: a pid
/// alone names a process only on one machine and during one boot.
public struct StagingTag: Sendable, Equatable, CustomStringConvertible {
    /// The host name, reduced to letters, digits, '.' and '_' (it becomes part of a file name).
    public var host: String
    /// The first 12 hex digits of the boot id ("noboot" where the kernel gives none).
    public var boot: String
    public var pid: Int32

    public init(host: String, boot: String, pid: Int32) {
        self.host = Self.fileSafe(host)
        self.boot = Self.fileSafe(boot)
        self.pid = pid
    }

    /// The calling process.
    public static var current: StagingTag {
        let process = ProcessIdentity.current
        let boot = process.bootID.map { String($0.replacingOccurrences(of: "-", with: "").prefix(12)) } ?? "noboot"
        return StagingTag(host: process.hostName, boot: boot, pid: process.pid)
    }

    /// `<host>-<boot>-<pid>`: the end of a staging folder's name.
    public var suffix: String { "\(host)-\(boot)-\(pid)" }
    public var description: String { suffix }

    /// Parses the suffix written by `suffix`; nil for anything else (including the pid-only
    /// names of earlier versions, which `isAbandoned(legacySuffix:)` judges).
    public init?(suffix: String) {
        let parts = suffix.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let pid = Int32(parts[parts.count - 1]), !parts[parts.count - 2].isEmpty else { return nil }
        let host = parts[0..<(parts.count - 2)].joined(separator: "-")
        guard !host.isEmpty else { return nil }
        self.host = host
        boot = String(parts[parts.count - 2])
        self.pid = pid
    }

    /// True only when the owner is certainly gone: same host and same boot as `current`, and
    /// no process with that pid. A folder of another host or another boot is never judged
    /// abandoned here; its own host cleans it up.
    public func isAbandoned(relativeTo current: StagingTag = .current) -> Bool {
        guard host == current.host, boot == current.boot else { return false }
        if pid == current.pid { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Removes the hidden entries of `folder` whose names end in `marker` + a tag of an owner
    /// that is gone (e.g. `.HF.staging-host-boot-123`).
    public static func removeAbandoned(in folder: URL, marker: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".") {
            guard let range = name.range(of: marker, options: .backwards) else { continue }
            let suffix = name[range.upperBound...]
            // Names of earlier versions carry only a pid: judged on this host as before.
            if let pid = Int32(suffix) {
                if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
                continue
            }
            guard let tag = StagingTag(suffix: String(name[range.upperBound...])), tag.isAbandoned() else { continue }
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    static func fileSafe(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._")
        let mapped = String(text.map { allowed.contains($0) ? $0 : "_" })
        return mapped.isEmpty ? "_" : mapped
    }
}
