import ArgumentParser
import CFamfsShims
import FamfsControl
import FamfsCore
import FamfsDaemon
import FamfsFormat
import Foundation

/// `famfs mount`: checks the device and mount point, starts `famfs_fused` in the background and
/// returns once the mount answers (or with the daemon's error).
struct MountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Mount a famfs device (served by famfs_fused over FUSE).",
        helpNames: [.customShort("h"), .customShort("?"), .customLong("help")])

    @Flag(name: [.customShort("f"), .customLong("fuse")], help: "FUSE mode (the only mode; accepted for compatibility).") var fuse = false
    @Flag(name: [.customShort("F"), .customLong("nofuse")], help: "Standalone kernel-module mode (not supported).") var nofuse = false
    @Option(name: [.customShort("t"), .long], help: "Seconds the kernel caches entries and attributes.") var timeout: Double?
    @Option(name: [.customShort("c"), .customLong("cache")], help: "always | normal | never (same as -t one year / 1 / 0).") var cache: String?
    @Flag(name: [.customShort("d"), .long], help: "Run the daemon in the foreground with debug logging.") var debug = false
    @Flag(name: .shortAndLong, help: "Verbose.") var verbose = false
    @Flag(name: [.customShort("u"), .customLong("nouseraccess")], help: "Only the mounting user may use the mount (no allow_other).") var noUserAccess = false
    @Flag(name: [.customShort("p"), .customLong("nodefaultperm")], help: "Do not let the kernel check permissions (no default_permissions).") var noDefaultPerm = false
    @Option(name: [.customShort("S"), .customLong("shadow")], help: "Directory for the daemon's status socket (<shadow>/sock, as the original); no shadow tree is kept.") var shadow: String?
    @Flag(name: [.customShort("M"), .customLong("set-daxmode")], help: "Accepted for compatibility (no device mode switching here).") var setDaxmode = false
    @Flag(name: [.customShort("m"), .customLong("mmap")], help: "Accepted for compatibility.") var mmapMode = false
    @Flag(name: [.customShort("r"), .customLong("read")], help: "Accepted for compatibility.") var readMode = false
    @Flag(name: [.customShort("w"), .customLong("client-writable")], help: "On a client host, allow writing file data.") var clientWritable = false
    @Option(help: "Seconds between log checks for new files (default 1; 0 = only on lookups).") var refreshInterval: Double = 1
    @Option(help: "Daemon log file (default: syslog if /dev/log answers, else /run/famfs/famfs.log).") var logFile: String?
    @Option(help: "Daemon log level: debug, info, notice, warning, error, critical, or 0-7.") var logLevel: String?
    @Argument(help: "The famfs device.") var device: String
    @Argument(help: "The mount point.") var mountPoint: String

    func validate() throws {
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

struct UmountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umount",
        abstract: "Unmount a famfs mount and wait for its daemon to exit.",
        helpNames: [.customShort("h"), .customShort("?"), .customLong("help")])

    @Argument(help: "The mount point.") var mountPoint: String

    func run() throws {
        let mpt = realPath(mountPoint) ?? mountPoint
        guard MountTable.mounts().contains(where: { $0.mountPoint == mpt && $0.type == "fuse.famfs" }) else {
            Output.err("famfs umount: \(mountPoint) is not a famfs mount point"); throw ExitCode(1)
        }
        // Ask the daemon for its pid first; a dead daemon (kill -9) simply has none to wait for.
        let pid = xattrString(mpt, ControlProtocol.Xattr.daemonPID).flatMap { Int32($0) }
        if umount2(mpt, 0) != 0 {
            let e = errno
            // Busy or a dead daemon: detach it; the kernel tears down when the last user lets go.
            guard umount2(mpt, Int32(MNT_DETACH)) == 0 else {
                Output.err("famfs umount: \(mpt): \(String(cString: strerror(e)))"); throw ExitCode(1)
            }
        }
        if let pid {
            for _ in 0..<500 where kill(pid, 0) == 0 { usleep(10_000) }
            if kill(pid, 0) == 0 { Output.err("famfs umount: daemon \(pid) still running after 5 s") }
        }
        // A daemon that died left its socket and record behind; one that exited removed its own.
        if pid.map({ kill($0, 0) != 0 }) ?? true { MountLiveness.removeRuntimeFiles(of: mpt) }
    }
}

func xattrString(_ path: String, _ name: String) -> String? {
    var buf = [UInt8](repeating: 0, count: 4096)
    let n = famfs_getxattr(path, name, &buf, buf.count)
    guard n >= 0 else { return nil }
    return String(decoding: buf[0..<n], as: UTF8.self)
}
