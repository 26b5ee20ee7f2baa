#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What `famfs cp` says while it copies. On a terminal: one line, rewritten at most ten times a
/// second from whichever copy thread gets there, with files and bytes done of the total and the
/// rate; then one summary line. Off a terminal: nothing unless -v (a line per file copied, then
/// the summary), so scripts see only errors.
final class CopyProgress: Sendable {
    private struct State {
        var filesDone = 0
        var bytesDone: UInt64 = 0
        var lastDraw = 0.0
        var drawn = false
    }

    let totalFiles: Int
    let totalBytes: UInt64
    let terminal: Bool
    let verbose: Bool
    private let start: Double
    private let state = Mutex(State())

    init(files: Int, bytes: UInt64, verbose: Bool, terminal: Bool = isatty(STDOUT_FILENO) == 1) {
        totalFiles = files
        totalBytes = bytes
        self.verbose = verbose
        self.terminal = terminal
        start = CopyProgress.now()
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// `n` more bytes copied (called from the copy threads).
    func advance(_ n: UInt64) {
        guard terminal else { state.withLock { $0.bytesDone += n }; return }
        let t = CopyProgress.now()
        state.withLock { s in
            s.bytesDone += n
            guard t - s.lastDraw >= 0.1 else { return }
            s.lastDraw = t
            s.drawn = true
            Output.out("\r" + line(s, t) + "\u{1B}[K")
        }
    }

    /// One file finished; with -v its name is printed (on a terminal, above the progress line).
    func fileDone(_ display: String) {
        state.withLock { s in
            s.filesDone += 1
            if verbose {
                Output.out((terminal && s.drawn ? "\r\u{1B}[K" : "") + "famfs cp: \(display)\n")
                s.drawn = false
            }
        }
    }

    /// Clears the progress line and prints the summary (on a terminal, or with -v).
    func finish(failures: Int) {
        let t = CopyProgress.now()
        state.withLock { s in
            if terminal && s.drawn { Output.out("\r\u{1B}[K") }
            s.drawn = false
            guard terminal || verbose else { return }
            let secs = max(t - start, 1e-6)
            var text = "famfs cp: copied \(s.filesDone) of \(totalFiles) files, \(CopyProgress.bytes(s.bytesDone)) in "
                + "\(CopyProgress.seconds(secs)) (\(CopyProgress.bytes(UInt64(Double(s.bytesDone) / secs)))/s)"
            if failures > 0 { text += ", \(failures) failed" }
            Output.out(text + "\n")
        }
    }

    private func line(_ s: State, _ t: Double) -> String {
        let secs = max(t - start, 1e-6)
        let pct = totalBytes == 0 ? 100 : Int(Double(s.bytesDone) * 100 / Double(totalBytes))
        return "famfs cp: \(s.filesDone)/\(totalFiles) files, \(CopyProgress.bytes(s.bytesDone)) of "
            + "\(CopyProgress.bytes(totalBytes)) (\(pct)%), \(CopyProgress.bytes(UInt64(Double(s.bytesDone) / secs)))/s"
    }

    static func seconds(_ v: Double) -> String {
        let tenths = Int64((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }

    static func bytes(_ n: UInt64) -> String { binaryUnits(n) }
}
