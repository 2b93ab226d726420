import ArgumentParser
import EventData
import Foundation

/// Runs `body`; a thrown error is printed as one clear line on stderr and the process exits
/// with status 1 (usage errors are left to ArgumentParser, which exits 64).
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        let message = (error as? LocalizedError)?.errorDescription ?? "\(error)"
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        throw ExitCode(1)
    }
}

/// Prints to stdout, flushing so that progress appears in order with child output.
func say(_ text: String) {
    print(text)
    fflush(nil)
}

/// Progress and log lines go to stderr so that `--json` output on stdout stays parseable.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The default thread count: `REFINERY_THREADS` when set (reproduce passes its own to the
/// steps it replays), else every core of the machine. Results never depend on it.
var defaultThreads: Int {
    if let text = ProcessInfo.processInfo.environment["REFINERY_THREADS"], let threads = Int(text), threads >= 1 { return threads }
    return ProcessInfo.processInfo.activeProcessorCount
}

/// Prints `value` as JSON (`--json`): sorted keys, ISO-8601 UTC times.
func sayJSON<T: Encodable>(_ value: T) throws {
    say(String(decoding: try JSONEncoder.refinery.encode(value), as: UTF8.self))
}

/// Exit statuses that carry meaning (README, "The refinery command").
enum ExitStatus {
    /// Something failed; the message says what.
    static let failure: Int32 = 1
    /// `train` finished, but a surrogate does not meet the closure criterion of docs/closure.md.
    static let closureNotMet: Int32 = 3
}
