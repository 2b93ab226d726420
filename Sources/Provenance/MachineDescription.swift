import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine a run executes on, as recorded in `runs` (host name, cores, OS, boot id).
enum MachineDescription {
    /// `gethostname`, not `ProcessInfo.hostName`, which may wait for a DNS lookup.
    static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// "Linux 6.8.0-45-generic x86_64" (from uname).
    static let operatingSystem: String = {
        var info = utsname()
        guard uname(&info) == 0 else { return ProcessInfo.processInfo.operatingSystemVersionString }
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        return "\(field(info.sysname)) \(field(info.release)) \(field(info.machine))"
    }()

    /// Changes at every boot (Linux); lets `open` recognise runs from before a reboot.
    static let bootID: String? = {
        #if os(Linux)
        return (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #else
        return nil
        #endif
    }()
}
