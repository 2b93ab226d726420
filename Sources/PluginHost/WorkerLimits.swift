import Foundation

/// The bounds of one plugin worker (docs/plugins.md, "Limits"). Wall-clock and CPU limits
/// are per call into plugin code (describe, create, each base point's produce); memory and
/// file size hold for the whole worker.
public struct WorkerLimits: Codable, Sendable, Equatable {
    /// Wall-clock seconds per call; the host kills the worker's process group past it.
    public var wallSeconds: Double
    /// CPU seconds per call (all threads), enforced by the kernel through RLIMIT_CPU.
    public var cpuSeconds: Double
    /// Address space of the worker (RLIMIT_AS), bytes.
    public var memoryBytes: UInt64
    /// Largest file the worker may write (RLIMIT_FSIZE), bytes.
    public var fileBytes: UInt64
    /// How much of the plugin's stdout and stderr is kept (the tail) for error messages.
    public var outputTailBytes: Int

    /// Paper scale (1.2 × 10⁶ events, the JES plugin: about 10 s per base point on one
    /// core) fits with a wide margin; a hang is still noticed within 15 minutes.
    public static let defaults = WorkerLimits(wallSeconds: 900, cpuSeconds: 1800, memoryBytes: 32 << 30,
                                              fileBytes: 8 << 30, outputTailBytes: 16 << 10)

    public init(wallSeconds: Double, cpuSeconds: Double, memoryBytes: UInt64, fileBytes: UInt64, outputTailBytes: Int) {
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.memoryBytes = memoryBytes
        self.fileBytes = fileBytes
        self.outputTailBytes = outputTailBytes
    }

    /// The environment variables that override the defaults, with what each sets.
    public static let variables: [(name: String, meaning: String)] = [
        ("REFINERY_PLUGIN_WALL_SECONDS", "wall-clock seconds per plugin call"),
        ("REFINERY_PLUGIN_CPU_SECONDS", "CPU seconds per plugin call"),
        ("REFINERY_PLUGIN_MEMORY_MB", "address space of a worker, MiB"),
        ("REFINERY_PLUGIN_FILE_MB", "largest file a worker may write, MiB"),
    ]

    /// The defaults with the `REFINERY_PLUGIN_*` overrides of `environment`; values that are
    /// not positive finite numbers are ignored rather than taken as "no limit".
    public static func from(environment: [String: String] = ProcessInfo.processInfo.environment) -> WorkerLimits {
        var limits = defaults
        func number(_ name: String) -> Double? {
            guard let text = environment[name], let value = Double(text), value.isFinite, value > 0 else { return nil }
            return value
        }
        if let value = number("REFINERY_PLUGIN_WALL_SECONDS") { limits.wallSeconds = value }
        if let value = number("REFINERY_PLUGIN_CPU_SECONDS") { limits.cpuSeconds = value }
        if let value = number("REFINERY_PLUGIN_MEMORY_MB") { limits.memoryBytes = UInt64(value * 1_048_576) }
        if let value = number("REFINERY_PLUGIN_FILE_MB") { limits.fileBytes = UInt64(value * 1_048_576) }
        return limits
    }
}
