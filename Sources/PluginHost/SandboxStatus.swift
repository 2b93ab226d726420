/// What confined a worker, as the worker itself applied it (sent to the host in its first
/// message and shown by `refinery plugins list`).
public struct SandboxStatus: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The kernel's Landlock ABI version; nil when the kernel lacks Landlock.
    public var landlockABI: Int?
    /// Writes are refused outside these folders (empty: no writes at all); nil when not enforced.
    public var writableFolders: [String]?
    /// TCP bind and connect refused (Landlock ABI ≥ 4).
    public var tcpDenied: Bool
    /// Abstract unix sockets and signals outside the worker refused (Landlock ABI ≥ 6).
    public var scoped: Bool
    /// Why a layer could not be applied, if one could not.
    public var degraded: [String]

    public init(landlockABI: Int?, writableFolders: [String]?, tcpDenied: Bool, scoped: Bool, degraded: [String]) {
        self.landlockABI = landlockABI
        self.writableFolders = writableFolders
        self.tcpDenied = tcpDenied
        self.scoped = scoped
        self.degraded = degraded
    }

    public var description: String {
        guard let abi = landlockABI, let writable = writableFolders else {
            return "no sandbox (\(degraded.joined(separator: "; "))): limits and process group only"
        }
        var parts = ["Landlock ABI \(abi)", writable.isEmpty ? "no file writes" : "writes only in \(writable.joined(separator: ", "))"]
        parts.append(tcpDenied ? "TCP denied" : "network not restricted")
        if scoped { parts.append("abstract sockets and signals scoped") }
        return parts.joined(separator: ", ") + (degraded.isEmpty ? "" : " (\(degraded.joined(separator: "; ")))")
    }
}
