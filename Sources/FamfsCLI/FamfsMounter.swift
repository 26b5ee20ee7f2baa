#if canImport(Glibc)
import Glibc
#endif
import FamfsControl
import FamfsCore

/// What `famfs mount` and the mount helper (`mount -t famfs`, /etc/fstab) ask for.
struct MountRequest {
    var device: String
    var mountPoint: String
    var cacheTimeout: Double = 3600
    var refreshInterval: Double = 1
    var allowOther = true
    var defaultPermissions = true
    var clientWritable = false
    var readOnly = false
    var logFile: String?
    var logLevel: String?
    var shadow: String?
    /// `famfs mount -d`: the daemon runs in the foreground (this process becomes it).
    var foreground = false
}

/// Mounting: the checks before the daemon starts (with the clean-up of a mount whose daemon
/// died), then `famfs_fused` in the background until its mount answers.
enum FamfsMounter {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ s: String) { description = s }
    }

    /// Resolved device and mount point, after the checks.
    static func prepare(_ r: MountRequest, notice: (String) -> Void) throws(Failure) -> (device: String, mountPoint: String) {
        guard let dev = realPath(r.device) else { throw Failure("daxdev (\(r.device)) not found") }
        guard let mpt = realPath(r.mountPoint) else { throw Failure("mount pt (\(r.mountPoint)) not found") }
        var st = stat()
        guard stat(mpt, &st) == 0 || errno == ENOTCONN else { throw Failure("mount pt (\(r.mountPoint)) not found") }
        // A dead mount's root cannot be stat'ed (ENOTCONN); it is cleaned up below.
        if MountLiveness.famfsMount(at: mpt) == nil, st.st_mode & S_IFMT != S_IFDIR {
            throw Failure("mount pt (\(r.mountPoint)) is not a directory")
        }
        // One mount per device per host. Tests and demos play several hosts on one machine with
        // FAMFS_SYSTEM_UUID_FILE, so a mount made under another host identity does not count.
        let me = (try? HostIdentity.load())?.uuid.description
        for m in MountTable.mounts() where m.type == "fuse.famfs" && ((realPath(m.source) ?? m.source) == dev || m.mountPoint == mpt) {
            if case .dead(let why) = MountLiveness.state(of: m.mountPoint) {
                do { try MountLiveness.cleanUp(m.mountPoint) } catch { throw Failure("cannot clean up the dead mount at \(m.mountPoint): \(error)") }
                notice("cleaned up the mount of \(m.source) at \(m.mountPoint): \(why)")
                continue
            }
            if m.mountPoint == mpt && (realPath(m.source) ?? m.source) != dev { throw Failure("\(mpt) is already a mount point") }
            if let host = xattrString(m.mountPoint, ControlProtocol.Xattr.host), host != me { continue }
            throw Failure("\(dev) is already mounted at \(m.mountPoint)")
        }
        if MountTable.mounts().contains(where: { $0.mountPoint == mpt }) { throw Failure("\(mpt) is already a mount point") }
        // Refuse before starting anything when there is no valid famfs on the device (superblock
        // and log header; the daemon replays the log, once).
        do { _ = try FamfsVolume(path: dev, writable: false, identity: nil, replaying: false) } catch { throw Failure("\(error)") }
        return (dev, mpt)
    }

    /// The daemon's command line for a request.
    static func daemonArguments(_ r: MountRequest, device: String, mountPoint: String) -> [String] {
        var args = ["--device", device, "--timeout", "\(r.cacheTimeout)", "--refresh-interval", "\(r.refreshInterval)"]
        if !r.allowOther { args.append("--no-allow-other") }
        if !r.defaultPermissions { args.append("--no-default-permissions") }
        if r.clientWritable { args.append("--client-writable") }
        if r.readOnly { args.append("--read-only") }
        if let f = r.logFile { args += ["--log-file", f] }
        if let l = r.logLevel { args += ["--log-level", l] }
        if let s = r.shadow { args += ["--shadow", s] }
        if r.foreground { args.append("--debug") }
        return args + [mountPoint]
    }

    /// famfs_fused beside this program, or in `../bin` for the mount helper installed in
    /// `<prefix>/sbin` (and linked from /sbin, where mount(8) looks), else from PATH.
    static func daemonProgram() -> String {
        let sibling = DaemonLauncher.executable(named: "famfs_fused")
        guard !sibling.hasPrefix("/"), let me = realPath("/proc/self/exe"), let slash = me.lastIndex(of: "/") else { return sibling }
        let dir = String(me[..<slash])
        guard let up = dir.lastIndex(of: "/") else { return sibling }
        let candidate = String(dir[..<up]) + "/bin/famfs_fused"
        return access(candidate, X_OK) == 0 ? candidate : sibling
    }

    /// Checks, starts the daemon and waits until the mount answers. With `foreground`, does not
    /// return: this process becomes the daemon.
    static func mount(_ r: MountRequest, notice: (String) -> Void) throws(Failure) -> (device: String, mountPoint: String) {
        let (dev, mpt) = try prepare(r, notice: notice)
        let daemon = daemonProgram()
        let args = daemonArguments(r, device: dev, mountPoint: mpt)
        do {
            if r.foreground { try DaemonLauncher.exec(daemon, args) }
            try DaemonLauncher.startAndWait(daemon, args, timeoutSeconds: 15)
        } catch {
            throw Failure("\(error)")
        }
        return (dev, mpt)
    }
}
