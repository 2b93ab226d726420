import Foundation

/// Progress of `refinery train`: one rewritten status line on a terminal (systematic, base
/// point, tree, time left), plain log lines otherwise.
public final class TrainingProgress: @unchecked Sendable {
    let interactive: Bool
    let write: (String) -> Void
    private var lastLength = 0
    private var treeStart = Date()
    private var lastLoggedDecile = -1

    public init(interactive: Bool = isatty(STDERR_FILENO) != 0,
                write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.interactive = interactive
        self.write = write
    }

    /// A line that stays in the log.
    public func log(_ message: String) {
        clearStatus()
        write(message + "\n")
    }

    func basePointProduced(systematic: String, index: Int, of total: Int, label: String) {
        if interactive {
            status("\(systematic): synthetic data set \(index + 1)/\(total) \(label) ready")
        } else {
            write("\(systematic): synthetic data set \(index + 1)/\(total) \(label) written\n")
        }
    }

    func trainingStarted(systematic: String, trees: Int) {
        treeStart = Date()
        lastLoggedDecile = -1
        if !interactive { write("\(systematic): training \(trees) trees\n") }
    }

    func tree(systematic: String, done: Int, of total: Int) {
        let elapsed = Date().timeIntervalSince(treeStart)
        let left = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        if interactive {
            status("\(systematic): tree \(done)/\(total), \(String(format: "%.1f", elapsed)) s elapsed, ~\(String(format: "%.0f", left)) s left")
        } else {
            let decile = done * 10 / max(total, 1)
            if decile != lastLoggedDecile, decile > 0 {
                lastLoggedDecile = decile
                write("\(systematic): tree \(done)/\(total) (\(String(format: "%.1f", elapsed)) s, ~\(String(format: "%.0f", left)) s left)\n")
            }
        }
    }

    private func status(_ text: String) {
        let padding = max(0, lastLength - text.count)
        write("\r" + text + String(repeating: " ", count: padding))
        lastLength = text.count
    }

    private func clearStatus() {
        guard interactive, lastLength > 0 else { return }
        write("\r" + String(repeating: " ", count: lastLength) + "\r")
        lastLength = 0
    }
}
