#if canImport(Glibc)
import Glibc
#endif
import FamfsCore
import Logging

/// What a daemon keeps in its runtime directory while it serves a mount: the directory itself
/// (or, with a shadow directory, a symlink to it), the status socket and the record file.
struct RuntimeFiles {
    /// The directory holding `sock` and `mount.json` (the shadow directory, if one was given);
    /// what the `user.famfs.shadow` xattr names.
    let directory: String
    let mountPoint: String

    /// Creates the directory (and the symlink to a shadow directory). Nil, with a warning, when
    /// it cannot (a daemon without its socket still serves the mount).
    static func prepare(mountPoint: String, shadow: String?, logger: Logger) -> RuntimeFiles? {
        let standard = RuntimeDirectory.directory(forMountPoint: mountPoint)
        do {
            try RuntimeDirectory.makeDirectories(RuntimeDirectory.root)
            if let shadow {
                try RuntimeDirectory.makeDirectories(shadow)
                var st = stat()
                if lstat(standard, &st) == 0 {
                    if st.st_mode & S_IFMT == S_IFLNK { unlink(standard) } else { MountLiveness.removeRuntimeFiles(of: mountPoint) }
                }
                if symlink(shadow, standard) != 0 {
                    logger.warning("cannot link the runtime directory to the shadow directory",
                                   metadata: ["link": "\(standard)", "shadow": "\(shadow)", "error": "\(String(cString: strerror(errno)))"])
                }
                return RuntimeFiles(directory: shadow, mountPoint: mountPoint)
            }
            var st = stat()
            if lstat(standard, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK { unlink(standard) }
            try RuntimeDirectory.makeDirectories(standard)
            return RuntimeFiles(directory: standard, mountPoint: mountPoint)
        } catch {
            logger.warning("no runtime directory: no status socket", metadata: ["error": "\(error)"])
            return nil
        }
    }

    var socketPath: String { RuntimeDirectory.socket(inDirectory: directory) }

    /// Writes the record (root-only: it names this host's identity), replacing it atomically.
    func writeRecord(_ status: MountStatus, logger: Logger) {
        let path = RuntimeDirectory.record(inDirectory: directory)
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            logger.warning("cannot write the mount record", metadata: ["path": "\(path)", "error": "\(String(cString: strerror(errno)))"])
            return
        }
        var bytes = Array(status.json.pretty.utf8)
        let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if n != bytes.count || rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// Removes the socket, the record and the directory (or the symlink) after a clean unmount.
    func remove() {
        MountLiveness.removeRuntimeFiles(of: mountPoint)
        if directory != RuntimeDirectory.directory(forMountPoint: mountPoint) {
            unlink(RuntimeDirectory.socket(inDirectory: directory))
            unlink(RuntimeDirectory.record(inDirectory: directory))
        }
    }
}
