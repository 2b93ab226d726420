import ArgumentParser
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

/// The default thread count: every core of the machine.
var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }
