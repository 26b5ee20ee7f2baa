#if canImport(Glibc)
import Glibc
#endif
import FamfsFormat
import SystemPackage

/// The exclusive lock that serialises every writer of one file system on the master
/// (docs/ARCHITECTURE.md, "Metadata safety"). Held from `init` until `deinit`.
///
/// It is a `flock` on a file of its own in a root-only directory, named by the file system's
/// UUID (so every path to the device finds the same lock), not on the device: anyone who can
/// open the device read-only (a device file made with `truncate` is 0644) could take a flock on
/// it and stop every writer. A file in /run disappears at reboot, which no lock outlives anyway.
public struct DeviceLock: ~Copyable {
    public static let directory = "/run/famfs/locks"
    private let fd: Int32

    /// Blocks until this process holds the writers' lock of file system `fileSystem` (on the
    /// device at `path`, named in messages).
    public init(fileSystem: FamfsUUID, path: String) throws(CoreError) {
        try Self.ensurePrivateDirectory()
        let file = Self.directory + "/" + fileSystem.description + ".lock"
        let fd = try syscall("open the writers' lock of \(path) at", file) { open(file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600) }
        do { _ = try syscall("lock", file) { flock(fd, LOCK_EX) } } catch {
            close(fd)
            throw error
        }
        self.fd = fd
    }

    deinit { _ = close(fd) }  // closing the only descriptor releases the flock

    /// /run/famfs/locks, created 0700 when missing, and refused unless it is a directory only its
    /// owner (root) can enter: a lock others can open is no lock.
    static func ensurePrivateDirectory() throws(CoreError) {
        for (dir, mode) in [("/run/famfs", mode_t(0o755)), (directory, mode_t(0o700))] where mkdir(dir, mode) != 0 && errno != EEXIST {
            throw .system(operation: "create the writers' lock directory", path: dir, errno: .init(rawValue: errno))
        }
        var st = stat()
        guard lstat(directory, &st) == 0 else { throw .system(operation: "stat", path: directory, errno: .init(rawValue: errno)) }
        guard st.st_mode & S_IFMT == S_IFDIR, st.st_uid == geteuid(), st.st_mode & 0o077 == 0 else {
            throw .unsupportedDevice(path: directory, reason: "the writers' lock directory must be a directory of \(geteuid()) with mode 0700")
        }
    }
}
