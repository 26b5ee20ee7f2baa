#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization

/// What one daemon knows about itself beyond the file system: when it started, its log level
/// (changeable while it runs, through the status socket), where its log goes, the last error it
/// logged, and counters of the node lookups it answered.
public final class DaemonDiagnostics: Sendable {
    /// Wall-clock start (seconds since the epoch) and monotonic start, for uptime.
    public let startedAt: Int64
    private let startedMonotonic: Double
    private let level: Atomic<Int>
    private let lastErrorRecord = Mutex<(at: Int64, message: String)?>(nil)
    private let destination = Mutex<String>("syslog")
    let lookups = Atomic<UInt64>(0)
    let lookupMisses = Atomic<UInt64>(0)

    public init(level: Logger.Level = .info) {
        startedAt = Int64(time(nil))
        startedMonotonic = DaemonDiagnostics.monotonicSeconds()
        self.level = Atomic(Logger.Level.allCases.firstIndex(of: level) ?? 2)
    }

    public var logLevel: Logger.Level {
        get { Logger.Level.allCases[level.load(ordering: .relaxed)] }
        set { level.store(Logger.Level.allCases.firstIndex(of: newValue) ?? 2, ordering: .relaxed) }
    }

    /// Where log messages go, as `famfs status` shows it ("syslog", "file /run/famfs/famfs.log", "stderr").
    public var logDestination: String {
        get { destination.withLock { $0 } }
        set { destination.withLock { $0 = newValue } }
    }

    public var uptimeSeconds: Double { DaemonDiagnostics.monotonicSeconds() - startedMonotonic }

    public var lastError: (at: Int64, message: String)? { lastErrorRecord.withLock { $0 } }

    func recordError(_ message: String) {
        // Bounded: a message is one log line; keep a screenful at most.
        let line = String(message.prefix(1024))
        lastErrorRecord.withLock { $0 = (Int64(time(nil)), line) }
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Log levels as the original's `/log_level` speaks them: syslog priorities 0 (emerg) … 7 (debug).
public enum SyslogLevel {
    public static func number(_ l: Logger.Level) -> Int {
        switch l {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    public static func level(_ n: Int) -> Logger.Level? {
        switch n {
        case 0, 1, 2: return .critical
        case 3: return .error
        case 4: return .warning
        case 5: return .notice
        case 6: return .info
        case 7: return .debug
        default: return nil
        }
    }

    /// A level given by name (`debug`, `info`, `notice`, `warning`, `error`, `critical`, `trace`)
    /// or by syslog number 0–7.
    public static func parse(_ s: String) -> Logger.Level? {
        if let n = Int(s) { return level(n) }
        switch s.lowercased() {
        case "warn": return .warning
        case "err": return .error
        case "crit", "emerg", "alert": return .critical
        default: return Logger.Level(rawValue: s.lowercased())
        }
    }
}
