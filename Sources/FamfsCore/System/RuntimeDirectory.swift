#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Where the daemons keep what lives only as long as a mount: `/run/famfs` (or
/// `$FAMFS_RUNTIME_DIR`), with one directory per mount named after the mount point the way
/// systemd names it (`/mnt/famfs` → `mnt-famfs`, the instance name of `famfs@mnt-famfs.service`):
///
///     /run/famfs/famfs.log              daemon log when the host has no syslog socket (/dev/log)
///     /run/famfs/mnt-famfs/sock         status socket (HTTP over a UNIX socket)
///     /run/famfs/mnt-famfs/mount.json   what the daemon was started with (kept if it dies)
///
/// A mount started with a shadow directory (`famfs mount -S <dir>`, as the original) keeps its
/// socket and record there instead, and the per-mount name is a symlink to it.
public enum RuntimeDirectory {
    public static let environmentVariable = "FAMFS_RUNTIME_DIR"
    public static let defaultPath = "/run/famfs"

    public static var root: String {
        if let p = getenv(environmentVariable), let s = String(validatingCString: p), s.hasPrefix("/") { return s }
        return defaultPath
    }

    /// The fallback daemon log.
    public static var logFile: String { root + "/famfs.log" }

    /// The per-mount directory of `mountPoint` (an absolute path), which may be a symlink to the
    /// mount's shadow directory.
    public static func directory(forMountPoint mountPoint: String) -> String {
        root + "/" + escape(mountPoint)
    }

    public static func socket(inDirectory dir: String) -> String { dir + "/sock" }
    public static func record(inDirectory dir: String) -> String { dir + "/mount.json" }

    /// The text of a mount's record (nil if missing, unreadable or implausibly large).
    public static func readRecord(inDirectory dir: String) -> String? {
        guard let text = try? readLargeFile(record(inDirectory: dir)), text.utf8.count < 1 << 16 else { return nil }
        return text
    }

    /// systemd's path escaping (`systemd-escape --path`): the slashes at both ends dropped, inner
    /// ones become `-`, and bytes other than ASCII letters, digits, `:`, `_` and a non-leading
    /// `.` become `\xNN`. The root directory is `-`.
    public static func escape(_ path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true)
        parts.removeAll { $0 == "." }
        if parts.isEmpty { return "-" }
        var out = ""
        for (k, part) in parts.enumerated() {
            if k > 0 { out += "-" }
            for (j, b) in part.utf8.enumerated() {
                let plain = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                    || b == UInt8(ascii: ":") || b == UInt8(ascii: "_") || (b == UInt8(ascii: ".") && !(k == 0 && j == 0))
                if plain {
                    out.unicodeScalars.append(Unicode.Scalar(b))
                } else {
                    let hex = String(b, radix: 16)
                    out += "\\x" + (hex.count == 1 ? "0" : "") + hex
                }
            }
        }
        return out
    }

    /// Creates `path` and its missing parents with `mode` (not masked by the umask: others must
    /// be able to reach the status sockets).
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(CoreError) {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, mode) == 0 {
                _ = chmod(prefix, mode)
            } else if errno != EEXIST {
                throw .system(operation: "mkdir", path: prefix, errno: Errno(rawValue: errno))
            }
        }
    }
}
