import CPluginSandbox
import Foundation

/// One `refinery plugin-worker` child process, run to completion under the limits: spawned
/// with posix_spawn in its own process group, talking typed frames on fd 3, its stdout and
/// stderr captured with a size cap. Whatever happens (success, failure, hang, a forked child
/// holding the pipes), the whole group is killed before `run` returns.
struct WorkerProcess {
    let executable: URL
    let limits: WorkerLimits
    /// For messages: the plugin's name (its file name until it has described itself) and path.
    let plugin: String
    let path: String

    /// The channel's descriptor in the worker.
    static let channelDescriptor: Int32 = 3

    /// Sends `request`, hands every message but the bookkeeping ones to `onMessage`, and
    /// returns the sandbox the worker reported once it has sent `.finished` and exited 0.
    @discardableResult
    func run(_ request: WorkerRequest, firstCall: WorkerCall, onMessage: (WorkerMessage) throws -> Void) throws -> SandboxStatus? {
        let spawned = try spawn()
        ProcessGroups.add(spawned.pid)
        defer {
            kill(-spawned.pid, SIGKILL)
            ProcessGroups.remove(spawned.pid)
            close(spawned.channel); close(spawned.stdout); close(spawned.stderr)
        }
        do {
            try FrameChannel.send(request, to: spawned.channel)
        } catch {
            // A worker that died at once; its exit status below says why.
        }
        var call = firstCall
        var deadline = Date().addingTimeInterval(limits.wallSeconds)
        var reader = FrameChannel.Reader()
        var tail = OutputTail(capacity: limits.outputTailBytes)
        var sandbox: SandboxStatus?
        var finished = false
        var failure: PluginHostError?
        var status: Int32?
        var open = [spawned.channel, spawned.stdout, spawned.stderr]
        var drainUntil: Date?
        var buffer = [UInt8](repeating: 0, count: 1 << 16)

        func violation(_ message: String) -> PluginHostError {
            .protocolViolation(plugin: plugin, path: path, message: message)
        }
        func handle(_ message: WorkerMessage) throws {
            switch message {
            case let .calling(next):
                call = next
                deadline = Date().addingTimeInterval(limits.wallSeconds)
            case let .sandboxed(status): sandbox = status
            case .finished: finished = true
            case let .failed(error): failure = failure ?? error
            default: try onMessage(message)
            }
        }

        // Until the worker has exited and its descriptors are drained: a worker that closes
        // them all and then hangs is still timed out below.
        while status == nil || open.contains(where: { $0 >= 0 }) {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            _ = poll(&fds, nfds_t(fds.count), 50)
            for (slot, entry) in fds.enumerated() where entry.fd >= 0 && entry.revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
                if n <= 0 { open[slot] = -1; continue }
                let chunk = buffer[0..<n]
                if slot == 0 {
                    let frames: [Data]
                    do { frames = try reader.append(chunk) } catch {
                        throw violation("a frame longer than \(FrameChannel.maximumFrame) bytes")
                    }
                    for frame in frames {
                        guard let message = try? JSONDecoder().decode(WorkerMessage.self, from: frame) else {
                            throw violation("an undecodable frame of \(frame.count) bytes")
                        }
                        try handle(message)
                    }
                } else {
                    tail.append(chunk)
                }
            }
            if status == nil {
                var raw: Int32 = 0
                if waitpid(spawned.pid, &raw, WNOHANG) == spawned.pid {
                    status = raw
                    // Children the plugin forked may hold the pipes open: end them, then
                    // read what is left for a bounded time (a child that escaped the group
                    // with setsid cannot hold the host up longer).
                    kill(-spawned.pid, SIGKILL)
                    drainUntil = Date().addingTimeInterval(2)
                }
            }
            if let drainUntil, Date() > drainUntil { break }
            if status == nil, Date() > deadline {
                kill(-spawned.pid, SIGKILL)
                var raw: Int32 = 0
                _ = waitpid(spawned.pid, &raw, 0)
                throw PluginHostError.timedOut(plugin: plugin, path: path, call: call, seconds: limits.wallSeconds, output: tail.text)
            }
        }
        if status == nil {
            var raw: Int32 = 0
            _ = waitpid(spawned.pid, &raw, 0)
            status = raw
        }
        let raw = status!
        let signaled = (raw & 0x7F) != 0 && (raw & 0x7F) != 0x7F
        if let failure { throw failure }
        if signaled {
            throw PluginHostError.crashed(plugin: plugin, path: path, basePoint: call.basePoint,
                                          signal: Self.signalName(raw & 0x7F, limits: limits) + " during \(call.function.rawValue)",
                                          output: tail.text)
        }
        let exitStatus = (raw >> 8) & 0xFF
        guard finished, exitStatus == 0 else {
            throw PluginHostError.exitedEarly(plugin: plugin, path: path, call: call, status: exitStatus, output: tail.text)
        }
        return sandbox
    }

    struct Spawned { var pid: pid_t; var channel: Int32; var stdout: Int32; var stderr: Int32 }

    /// posix_spawn with: stdin /dev/null, stdout and stderr to pipes, the channel on fd 3,
    /// every other descriptor closed, its own process group, default signal dispositions.
    private func spawn() throws -> Spawned {
        func failure(_ what: String) -> PluginHostError {
            .workerFailed(plugin: plugin, path: path, message: "cannot start the plugin worker \(executable.path): \(what): \(String(cString: strerror(errno)))")
        }
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else { throw failure("socketpair") }
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard refinery_pipe_cloexec(&out) == 0, refinery_pipe_cloexec(&err) == 0 else { throw failure("pipe") }
        // The child's ends move above 9 so that dup2 onto 1, 2 and 3 never meets itself (a
        // dup2 of a descriptor onto itself would keep close-on-exec and lose it in the child).
        let childEnds = [out[1], err[1], pair[1]].map { fd -> Int32 in
            let moved = fcntl(fd, F_DUPFD_CLOEXEC, 10)
            close(fd)
            return moved
        }
        defer { childEnds.forEach { close($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, childEnds[0], 1)
        posix_spawn_file_actions_adddup2(&actions, childEnds[1], 2)
        posix_spawn_file_actions_adddup2(&actions, childEnds[2], Self.channelDescriptor)
        _ = refinery_spawn_close_from(&actions, Self.channelDescriptor + 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t(), reset = sigset_t()
        sigemptyset(&none)
        sigemptyset(&reset)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXCPU, SIGXFSZ] { sigaddset(&reset, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &reset)
        let arguments = [executable.path, "plugin-worker"]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable.path, &actions, &attributes, argv, environ)
        guard result == 0 else { errno = result; close(pair[0]); close(out[0]); close(err[0]); throw failure("posix_spawn") }
        for fd in [pair[0], out[0], err[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        // The request is written before the loop starts reading; a bounded send keeps a
        // worker that never reads from blocking the host.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(pair[0], SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let flags = fcntl(pair[0], F_GETFL)
        _ = fcntl(pair[0], F_SETFL, flags & ~O_NONBLOCK)
        return Spawned(pid: pid, channel: pair[0], stdout: out[0], stderr: err[0])
    }

    static func signalName(_ signal: Int32, limits: WorkerLimits) -> String {
        switch signal {
        case SIGSEGV: return "segmentation fault, SIGSEGV"
        case SIGBUS: return "bus error, SIGBUS"
        case SIGABRT: return "abort, SIGABRT"
        case SIGILL: return "illegal instruction, SIGILL"
        case SIGFPE: return "floating-point exception, SIGFPE"
        case SIGKILL: return "killed, SIGKILL"
        case SIGTRAP: return "trap, SIGTRAP (a Swift runtime failure)"
        case SIGXCPU: return "CPU limit of \(PluginHostError.seconds(limits.cpuSeconds)) per call exceeded, SIGXCPU; REFINERY_PLUGIN_CPU_SECONDS raises it"
        case SIGXFSZ: return "file size limit of \(limits.fileBytes >> 20) MiB exceeded, SIGXFSZ; REFINERY_PLUGIN_FILE_MB raises it"
        default: return "signal \(signal)"
        }
    }
}
