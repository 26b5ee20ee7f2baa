import ArgumentParser
import CFamfsShims
import FamfsCore
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
    @Option(name: [.customShort("S"), .customLong("shadow")], help: "Accepted for compatibility; famfs in Swift keeps no shadow tree.") var shadow: String?
    @Flag(name: [.customShort("M"), .customLong("set-daxmode")], help: "Accepted for compatibility (no device mode switching here).") var setDaxmode = false
    @Flag(name: [.customShort("m"), .customLong("mmap")], help: "Accepted for compatibility.") var mmapMode = false
    @Flag(name: [.customShort("r"), .customLong("read")], help: "Accepted for compatibility.") var readMode = false
    @Flag(name: [.customShort("w"), .customLong("client-writable")], help: "On a client host, allow writing file data.") var clientWritable = false
    @Option(help: "Seconds between log checks for new files (default 1; 0 = only on lookups).") var refreshInterval: Double = 1
    @Option(help: "Daemon log file (default: syslog).") var logFile: String?
    @Argument(help: "The famfs device.") var device: String
    @Argument(help: "The mount point.") var mountPoint: String

    func validate() throws {
        if nofuse { throw ValidationError("standalone (v1 kernel module) mode is not supported; famfs in Swift mounts through FUSE") }
        if timeout != nil && cache != nil { throw ValidationError("-t and --cache are mutually exclusive") }
        if let cache, !["always", "normal", "never"].contains(cache) { throw ValidationError("--cache takes always, normal or never") }
        if let timeout, !(timeout.isFinite && timeout >= 0 && timeout <= 1e9) { throw ValidationError("-t takes 0 to 1e9 seconds") }
        guard refreshInterval.isFinite, refreshInterval >= 0, refreshInterval <= 3600 else {
            throw ValidationError("--refresh-interval takes 0 to 3600 seconds")
        }
    }

    func run() throws {
        guard isRoot() else { Output.err("famfs mount: must run as root"); throw ExitCode(1) }
        guard let dev = realPath(device) else { Output.err("famfs mount: daxdev (\(device)) not found"); throw ExitCode(1) }
        guard let mpt = realPath(mountPoint) else { Output.err("famfs mount: mount pt (\(mountPoint)) not found"); throw ExitCode(1) }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: mpt, isDirectory: &isDir), isDir.boolValue else {
            Output.err("famfs mount: mount pt (\(mountPoint)) is not a directory"); throw ExitCode(1)
        }
        // One mount per device per host. Tests and demos play several hosts on one machine with
        // FAMFS_SYSTEM_UUID_FILE, so a mount made under another host identity does not count.
        let me = (try? HostIdentity.load())?.uuid.description
        for m in MountTable.mounts() where m.type == "fuse.famfs" && (realPath(m.source) ?? m.source) == dev {
            if let host = xattrString(m.mountPoint, "user.famfs.host"), host != me { continue }
            Output.err("famfs mount: \(dev) is already mounted at \(m.mountPoint)"); throw ExitCode(1)
        }
        if MountTable.mounts().contains(where: { $0.mountPoint == mpt }) {
            Output.err("famfs mount: \(mpt) is already a mount point"); throw ExitCode(1)
        }
        // Refuse before starting anything when there is no valid famfs on the device.
        do { _ = try FamfsVolume(path: dev, writable: false, identity: nil) } catch {
            throw Output.fail("famfs mount", error)
        }
        let seconds: Double = timeout ?? ["always": 31_536_000, "normal": 1, "never": 0][cache ?? ""] ?? 3600
        var args = ["--device", dev, "--timeout", "\(seconds)", "--refresh-interval", "\(refreshInterval)"]
        if noUserAccess { args.append("--no-allow-other") }
        if noDefaultPerm { args.append("--no-default-permissions") }
        if clientWritable { args.append("--client-writable") }
        if let logFile { args += ["--log-file", logFile] }
        if debug { args.append("--debug") }
        let daemon = DaemonLauncher.executable(named: "famfs_fused")
        if debug {
            // Foreground: the daemon is this process from here on.
            Output.out("daxdev=\(dev), mpt=\(mpt)\n")
            try DaemonLauncher.exec(daemon, args + [mpt])
        }
        do {
            try DaemonLauncher.startAndWait(daemon, args + [mpt], timeoutSeconds: 15)
        } catch {
            throw Output.fail("famfs mount", error)
        }
        if verbose { Output.out("daxdev=\(dev), mpt=\(mpt)\n") }
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
        let pid = xattrString(mpt, "user.famfs.daemon_pid").flatMap { Int32($0) }
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
    }
}

func xattrString(_ path: String, _ name: String) -> String? {
    var buf = [UInt8](repeating: 0, count: 4096)
    let n = famfs_getxattr(path, name, &buf, buf.count)
    guard n >= 0 else { return nil }
    return String(decoding: buf[0..<n], as: UTF8.self)
}
