#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import CFamfsShims
import FamfsControl
import FamfsCore
import FamfsDaemon
import FamfsFormat

/// `famfs mount`: checks the device and mount point, starts `famfs_fused` in the background and
/// returns once the mount answers (or with the daemon's error).
struct MountCommand: Command {
    static let fuseOption = OptionSpec.flag("f", "fuse", help: "FUSE mode: " + fuseOnlyNote)
    static let nofuseOption = OptionSpec.flag("F", "nofuse", help: "Standalone kernel-module mode (not supported: famfs here always works the FUSE way).")
    static let timeoutOption = OptionSpec.value("t", "timeout", "seconds", help: "Seconds the kernel caches entries and attributes.")
    static let cacheOption = OptionSpec.value("c", "cache", "always|normal|never", help: "Same as -t one year / 1 / 0.")
    static let debugOption = OptionSpec.flag("d", "debug", help: "Run the daemon in the foreground with debug logging.")
    static let verboseOption = OptionSpec.flag("v", "verbose", help: "Verbose.")
    static let noUserAccessOption = OptionSpec.flag("u", "nouseraccess", help: "Only the mounting user may use the mount (no allow_other).")
    static let noDefaultPermOption = OptionSpec.flag("p", "nodefaultperm", help: "Do not let the kernel check permissions (no default_permissions).")
    static let shadowOption = OptionSpec.value("S", "shadow", "path", help: "Directory for the daemon's status socket (<shadow>/sock, as the original); no shadow tree is kept.")
    static let setDaxmodeOption = OptionSpec.flag("M", "set-daxmode", help: "Accepted for compatibility (no device mode switching here).")
    static let mmapOption = OptionSpec.flag("m", "mmap", help: "Accepted for compatibility.")
    static let readOption = OptionSpec.flag("r", "read", help: "Accepted for compatibility.")
    static let clientWritableOption = OptionSpec.flag("w", "client-writable", help: "On a client host, allow writing file data.")
    static let refreshOption = OptionSpec.value(nil, "refresh-interval", "seconds", help: "Seconds between log checks for new files (default 1; 0 = only on lookups).")
    static let logFileOption = OptionSpec.value(nil, "log-file", "file", help: "Daemon log file (default: syslog if /dev/log answers, else /run/famfs/famfs.log).")
    static let logLevelOption = OptionSpec.value(nil, "log-level", "level", help: "Daemon log level: debug, info, notice, warning, error, critical, or 0-7.")
    static let spec = CommandSpec(
        name: "mount",
        abstract: "Mount a famfs device (served by famfs_fused over FUSE).",
        discussion: "famfs here always works the FUSE way: famfs_fused serves the device; no famfs kernel module is needed.",
        options: [fuseOption, nofuseOption, timeoutOption, cacheOption, debugOption, verboseOption, noUserAccessOption,
                  noDefaultPermOption, shadowOption, setDaxmodeOption, mmapOption, readOption, clientWritableOption,
                  refreshOption, logFileOption, logLevelOption,
                  .flag("L", "load-module", help: "Accepted for compatibility (no kernel module is used).")],
        positionals: [PositionalSpec("device", help: "The famfs device.", arity: .optional),
                      PositionalSpec("mount-point", help: "The mount point.", arity: .optional)])

    var fuse = false
    var nofuse = false
    var timeout: Double?
    var cache: String?
    var debug = false
    var verbose = false
    var noUserAccess = false
    var noDefaultPerm = false
    var shadow: String?
    var setDaxmode = false
    var mmapMode = false
    var readMode = false
    var clientWritable = false
    var refreshInterval: Double = 1
    var logFile: String?
    var logLevel: String?
    var device: String
    var mountPoint: String

    init(_ a: ParsedArguments) throws {
        fuse = a.flag(Self.fuseOption)
        nofuse = a.flag(Self.nofuseOption)
        timeout = try a.double(Self.timeoutOption)
        cache = a.value(Self.cacheOption)
        debug = a.flag(Self.debugOption)
        verbose = a.flag(Self.verboseOption)
        noUserAccess = a.flag(Self.noUserAccessOption)
        noDefaultPerm = a.flag(Self.noDefaultPermOption)
        shadow = a.value(Self.shadowOption)
        setDaxmode = a.flag(Self.setDaxmodeOption)
        mmapMode = a.flag(Self.mmapOption)
        readMode = a.flag(Self.readOption)
        clientWritable = a.flag(Self.clientWritableOption)
        refreshInterval = try a.double(Self.refreshOption) ?? 1
        logFile = a.value(Self.logFileOption)
        logLevel = a.value(Self.logLevelOption)
        guard a.positionals.count == 2, let device = a.positional(0), let mountPoint = a.positional(1) else {
            Output.err("famfs mount: error: <daxdev> and <mountpoint> args required")
            throw ExitCode(1)
        }
        self.device = device
        self.mountPoint = mountPoint
        try validate()
    }

    func validate() throws {
        // As the original: the two log-access methods exclude each other (its exit status -1).
        if mmapMode && readMode {
            Output.err("Error: --mmap and --read are mutually exclusive")
            throw ExitCode(255)
        }
        if nofuse { throw ValidationError("standalone (v1 kernel module) mode is not supported; famfs in Swift mounts through FUSE") }
        if timeout != nil && cache != nil { throw ValidationError("-t and --cache are mutually exclusive") }
        if let cache, !["always", "normal", "never"].contains(cache) { throw ValidationError("--cache takes always, normal or never") }
        if let timeout, !(timeout.isFinite && timeout >= 0 && timeout <= 1e9) { throw ValidationError("-t takes 0 to 1e9 seconds") }
        if let logLevel, SyslogLevel.parse(logLevel) == nil { throw ValidationError("--log-level takes debug, info, notice, warning, error, critical or 0-7") }
        if let shadow, !shadow.hasPrefix("/") { throw ValidationError("--shadow takes an absolute path") }
        guard refreshInterval.isFinite, refreshInterval >= 0, refreshInterval <= 3600 else {
            throw ValidationError("--refresh-interval takes 0 to 3600 seconds")
        }
    }

    func run() throws {
        guard isRoot() else { Output.err("famfs mount: must run as root"); throw ExitCode(1) }
        var r = MountRequest(device: device, mountPoint: mountPoint)
        r.cacheTimeout = timeout ?? ["always": 31_536_000, "normal": 1, "never": 0][cache ?? ""] ?? 3600
        r.refreshInterval = refreshInterval
        r.allowOther = !noUserAccess
        r.defaultPermissions = !noDefaultPerm
        r.clientWritable = clientWritable
        r.logFile = logFile
        r.logLevel = logLevel
        r.shadow = shadow
        r.foreground = debug
        if debug, let dev = realPath(device), let mpt = realPath(mountPoint) { Output.out("daxdev=\(dev), mpt=\(mpt)\n") }
        do {
            let (dev, mpt) = try FamfsMounter.mount(r) { Output.err("famfs mount: \($0)") }
            if verbose { Output.out("daxdev=\(dev), mpt=\(mpt)\n") }
        } catch {
            Output.err("famfs mount: \(error)")
            throw ExitCode(1)
        }
    }
}
