#if canImport(Glibc)
import Glibc
#endif

/// Whether the daemon behind a famfs mount is still there. A FUSE mount outlives its daemon: once
/// the daemon dies (kill -9, a crash) every access answers ENOTCONN until someone unmounts it.
public enum MountLiveness {
    public enum State: Equatable, Sendable {
        case notMounted
        case alive
        /// The mount is there, its daemon is not (why, in words).
        case dead(String)
    }

    /// The famfs mount on `mountPoint` (an absolute, resolved path), if there is one.
    public static func famfsMount(at mountPoint: String) -> MountTable.Mount? {
        MountTable.mounts().last { $0.mountPoint == mountPoint && $0.type == "fuse.famfs" }
    }

    public static func state(of mountPoint: String) -> State {
        guard famfsMount(at: mountPoint) != nil else { return .notMounted }
        let dir = RuntimeDirectory.directory(forMountPoint: mountPoint)
        // The status socket answers for a live daemon without touching the mount (which would
        // block on a daemon that is alive but stuck).
        if (try? StatusSocketClient.request(RuntimeDirectory.socket(inDirectory: dir), path: "/pid", timeoutSeconds: 2)) != nil {
            return .alive
        }
        // statfs always reaches the daemon (stat of the root may be answered from the kernel's
        // attribute cache); the kernel answers it with ENOTCONN once the daemon is gone.
        var st = statvfs()
        if statvfs(mountPoint, &st) != 0 && errno == ENOTCONN {
            return .dead("its daemon is gone (the mount answers ENOTCONN)")
        }
        return .alive
    }

    /// Whether `pid` is a running famfs_fused (not another process that got the number since).
    /// A zombie (killed, not yet reaped) counts as gone: its descriptors, the FUSE one with
    /// them, are closed.
    public static func isDaemon(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let comm = try? readSmallFile("/proc/\(pid)/comm"), comm.hasPrefix("famfs_fused") else { return false }
        guard let stat = try? readSmallFile("/proc/\(pid)/stat"), let paren = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: paren)...].first { $0 != " " }
        return state != "Z" && state != "X"
    }

    /// Detaches a dead mount and removes what its daemon left in the runtime directory (the
    /// record stays until then so that `famfs status` can say who died).
    public static func cleanUp(_ mountPoint: String) throws(CoreError) {
        if umount2(mountPoint, Int32(MNT_DETACH)) != 0 && errno != EINVAL {
            throw .system(operation: "umount", path: mountPoint, errno: .init(rawValue: errno))
        }
        removeRuntimeFiles(of: mountPoint)
    }

    /// Removes the mount's socket and record, and its directory (or the symlink to its shadow
    /// directory) when nothing else is in it.
    public static func removeRuntimeFiles(of mountPoint: String) {
        let dir = RuntimeDirectory.directory(forMountPoint: mountPoint)
        var st = stat()
        let isLink = lstat(dir, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK
        unlink(RuntimeDirectory.socket(inDirectory: dir))
        unlink(RuntimeDirectory.record(inDirectory: dir))
        if isLink { unlink(dir) } else { rmdir(dir) }
    }
}
