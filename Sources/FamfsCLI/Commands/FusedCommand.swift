#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsDaemon
import Logging

/// The daemon behind one famfs mount. `famfs mount` starts it; it can be run by hand too.
public struct FusedCommand: Command {
    static let deviceOption = OptionSpec.value(nil, "device", "device", help: "The famfs device (devdax, pmem, or an emulated regular file).")
    static let timeoutOption = OptionSpec.value(nil, "timeout", "seconds", help: "Seconds the kernel may cache entries and attributes (default 3600).")
    static let refreshOption = OptionSpec.value(nil, "refresh-interval", "seconds", help: "Seconds between checks of the log for new entries (0: only on lookups and directory reads; default 1).")
    static let workersOption = OptionSpec.value(nil, "workers", "n", help: "Worker threads (default 4).")
    static let clientWritableOption = OptionSpec.flag(nil, "client-writable", help: "Let a client host write file data (clients are read-only by default).")
    static let noAllowOtherOption = OptionSpec.flag(nil, "no-allow-other", help: "Do not pass allow_other (only the mounting user may use the mount).")
    static let noDefaultPermissionsOption = OptionSpec.flag(nil, "no-default-permissions", help: "Do not pass default_permissions (the daemon checks access itself).")
    static let debugOption = OptionSpec.flag("d", "debug", help: "Log debug messages to stderr.")
    static let logFileOption = OptionSpec.value(nil, "log-file", "file", help: "Append log messages to this file (default: syslog if /dev/log answers, else /run/famfs/famfs.log; stderr with --debug).")
    static let logLevelOption = OptionSpec.value(nil, "log-level", "level", help: "Log level: debug, info, notice, warning, error, critical, or a syslog number 0-7 (default info).")
    static let readOnlyOption = OptionSpec.flag(nil, "read-only", help: "Mount read-only (the kernel refuses every write).")
    static let shadowOption = OptionSpec.value(nil, "shadow", "dir", help: "Directory for the status socket 'sock' and the mount record (default: the runtime directory).")
    static let readyFdOption = OptionSpec.value(nil, "ready-fd", "fd", help: "File descriptor on which to report readiness: 'ok' or an error line.")
    // The original daemon's command line, accepted beside ours (see FusedMountOptions).
    static let mountOptionsOption = OptionSpec.value("o", nil, "opts", help: "The original's mount options: daxdev=<dev>,shadow=<dir>,fsname=<dev>,timeout=<s>,cache=always|normal|never,allow_other,default_permissions,ro,rw.", repeatable: true)
    static let foregroundOption = OptionSpec.flag("f", nil, help: "With -o: stay in the foreground (otherwise famfs_fused returns once the mount answers, as the original does).")
    static let singleThreadOption = OptionSpec.flag("s", nil, help: "One worker thread.")
    static let spec = CommandSpec(
        name: "famfs_fused",
        abstract: "Serve a famfs device over FUSE (started by 'famfs mount').",
        options: [deviceOption, timeoutOption, refreshOption, workersOption, clientWritableOption, noAllowOtherOption,
                  noDefaultPermissionsOption, debugOption, logFileOption, logLevelOption, readOnlyOption, shadowOption,
                  readyFdOption, mountOptionsOption, foregroundOption, singleThreadOption],
        positionals: [PositionalSpec("mount-point", help: "The mount point.", arity: .optional)],
        helpShorts: ["h"], permutes: true, unknownOptionStatus: 1, manSection: 8)

    var device: String
    var timeout: Double = 3600
    var refreshInterval: Double = 1
    var workers: Int = 4
    var clientWritable = false
    var noAllowOther = false
    var noDefaultPermissions = false
    var debug = false
    var logFile: String?
    var logLevel: String?
    var readOnly = false
    var shadow: String?
    var readyFd: Int32?
    var mountPoint: String
    /// Started the original's way (`-o …` without `-f`): mount in the background and return.
    var background = false

    init(_ a: ParsedArguments) throws {
        let original: FusedMountOptions
        do { original = try FusedMountOptions(a.values(Self.mountOptionsOption)) } catch {
            throw ValidationError(error.description)
        }
        guard let device = a.value(Self.deviceOption) ?? original.device else {
            throw ValidationError(a.values(Self.mountOptionsOption).isEmpty
                ? "missing --device <device>"
                : "missing -o daxdev=<device>: this famfs_fused serves the device itself (a shadow tree alone is not enough)")
        }
        guard let mountPoint = a.positional(0) else { throw ValidationError("missing the mount point") }
        self.device = device
        self.mountPoint = mountPoint
        timeout = try a.double(Self.timeoutOption) ?? original.cacheTimeout ?? 3600
        refreshInterval = try a.double(Self.refreshOption) ?? 1
        workers = try a.int(Self.workersOption) ?? 4
        clientWritable = a.flag(Self.clientWritableOption)
        noAllowOther = a.flag(Self.noAllowOtherOption)
        noDefaultPermissions = a.flag(Self.noDefaultPermissionsOption)
        debug = a.flag(Self.debugOption)
        logFile = a.value(Self.logFileOption)
        logLevel = a.value(Self.logLevelOption)
        readOnly = a.flag(Self.readOnlyOption)
        shadow = a.value(Self.shadowOption)
        readyFd = try a.int32(Self.readyFdOption)
        if !a.values(Self.mountOptionsOption).isEmpty {
            shadow = shadow ?? original.shadow
            readOnly = readOnly || original.readOnly
            // The original passes allow_other/default_permissions only when asked; ours are on by
            // default, so an -o list without them turns them off as the original's would.
            noAllowOther = noAllowOther || !original.allowOther
            noDefaultPermissions = noDefaultPermissions || !original.defaultPermissions
            background = !a.flag(Self.foregroundOption) && !debug && readyFd == nil
        }
        if a.flag(Self.singleThreadOption) { workers = 1 }
        try validate()
    }

    public static func main() -> Never { ProgramMain.run(spec, [FusedCommand.self]) }

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
        if background {
            // As the original (libfuse daemonizes without -f): return once the mount answers.
            var r = MountRequest(device: device, mountPoint: mountPoint)
            r.cacheTimeout = timeout
            r.refreshInterval = refreshInterval
            r.allowOther = !noAllowOther
            r.defaultPermissions = !noDefaultPermissions
            r.clientWritable = clientWritable
            r.readOnly = readOnly
            r.logFile = logFile
            r.logLevel = logLevel
            r.shadow = shadow
            do { _ = try FamfsMounter.mount(r) { Output.err("famfs_fused: \($0)") } } catch {
                Output.err("famfs_fused: \(error)")
                throw ExitCode(1)
            }
            return
        }
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
