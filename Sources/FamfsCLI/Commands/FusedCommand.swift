import ArgumentParser
import FamfsCore
import FamfsDaemon
import Foundation
import Logging

/// The daemon behind one famfs mount. `famfs mount` starts it; it can be run by hand too.
public struct FusedCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "famfs_fused",
        abstract: "Serve a famfs device over FUSE (started by 'famfs mount').")

    @Option(help: "The famfs device (devdax, pmem, or an emulated regular file).") var device: String
    @Option(help: "Seconds the kernel may cache entries and attributes.") var timeout: Double = 3600
    @Option(help: "Seconds between checks of the log for new entries (0: only on lookups and directory reads).") var refreshInterval: Double = 1
    @Option(help: "Worker threads.") var workers: Int = 4
    @Flag(help: "Let a client host write file data (clients are read-only by default).") var clientWritable = false
    @Flag(help: "Do not pass allow_other (only the mounting user may use the mount).") var noAllowOther = false
    @Flag(help: "Do not pass default_permissions (the daemon checks access itself).") var noDefaultPermissions = false
    @Flag(name: .shortAndLong, help: "Log debug messages to stderr.") var debug = false
    @Option(help: "Append log messages to this file (default: syslog if /dev/log answers, else /run/famfs/famfs.log; stderr with --debug).") var logFile: String?
    @Option(help: "Log level: debug, info, notice, warning, error, critical, or a syslog number 0-7 (default info).") var logLevel: String?
    @Flag(help: "Mount read-only (the kernel refuses every write).") var readOnly = false
    @Option(help: "Directory for the status socket 'sock' and the mount record (default: the runtime directory).") var shadow: String?
    @Option(help: "File descriptor on which to report readiness: 'ok' or an error line.") var readyFd: Int32?
    @Argument(help: "The mount point.") var mountPoint: String

    public init() {}

    public func validate() throws {
        guard timeout.isFinite, timeout >= 0, timeout <= 1e9 else { throw ValidationError("--timeout must be 0 to 1e9 seconds") }
        guard refreshInterval.isFinite, refreshInterval >= 0, refreshInterval <= 3600 else {
            throw ValidationError("--refresh-interval must be 0 to 3600 seconds")
        }
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be 1 to 64") }
        if let logLevel, SyslogLevel.parse(logLevel) == nil {
            throw ValidationError("--log-level takes debug, info, notice, warning, error, critical or 0-7")
        }
        if let shadow, !shadow.hasPrefix("/") { throw ValidationError("--shadow takes an absolute path") }
    }

    public func run() throws {
        let diagnostics = DaemonDiagnostics(level: debug ? .debug : (logLevel.flatMap(SyslogLevel.parse) ?? .info))
        let (sink, problem) = LogDestination.open(file: logFile, foreground: debug)
        let logger = LogDestination.bootstrap(sink, diagnostics: diagnostics)
        if let problem { logger.error("\(problem)") }
        var options = DaemonOptions()
        options.cacheTimeout = timeout
        options.refreshInterval = refreshInterval
        options.workers = workers
        options.clientWritable = clientWritable
        options.allowOther = !noAllowOther
        options.defaultPermissions = !noDefaultPermissions
        options.readOnlyMount = readOnly
        options.shadowDirectory = shadow
        var failed: String?
        FamfsDaemon.run(device: device, mountPoint: mountPoint, options: options, logger: logger, diagnostics: diagnostics) { failure in
            let line = failure.map { "\($0)" } ?? "ok"
            if let fd = readyFd {
                _ = (line + "\n").withCString { write(fd, $0, strlen($0)) }
                close(fd)
            }
            if let failure {
                failed = "\(failure)"
                logger.error("famfs_fused: \(failure)")
            }
        }
        if let failed {
            if readyFd == nil { Output.err("famfs_fused: \(failed)") }
            throw ExitCode(1)
        }
    }
}
