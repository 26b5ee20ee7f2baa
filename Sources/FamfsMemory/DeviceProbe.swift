#if canImport(Glibc)
import Glibc
#endif
import CFamfsShims
import SystemPackage

/// What kind of file holds the famfs memory.
public enum DeviceKind: String, Sendable {
    /// A regular file (e.g. in /dev/shm) emulating shared memory.
    case emulated
    /// A devdax character device (`/dev/daxX.Y`); size from sysfs.
    case devdax
    /// A pmem block device (`/dev/pmemN`); size by `BLKGETSIZE64`.
    case pmem
}

/// Why the size of a device could not be found.
public enum DeviceProbeError: Error, Equatable, Sendable, CustomStringConvertible {
    case system(operation: String, errno: Errno)
    /// Not a regular file, block device, or character device with a sysfs size.
    case unsupported(reason: String)

    public var description: String {
        switch self {
        case let .system(operation, errno): return "\(operation) failed: \(errno)"
        case let .unsupported(reason): return reason
        }
    }
}

/// The one way this package learns what a device is and how many bytes it has: the daemon and
/// the programs (through `Device`) and the mapping library all ask here.
public enum DeviceProbe {
    public static func probe(fd: Int32) throws(DeviceProbeError) -> (kind: DeviceKind, size: UInt64) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .system(operation: "fstat", errno: Errno(rawValue: errno)) }
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            return (.emulated, UInt64(st.st_size))
        case S_IFBLK:
            var bytes: UInt64 = 0
            guard ioctl(fd, famfs_ioctl_blkgetsize64(), &bytes) == 0 else {
                throw .system(operation: "BLKGETSIZE64", errno: Errno(rawValue: errno))
            }
            return (.pmem, bytes)
        case S_IFCHR:
            let sysfs = "/sys/dev/char/\(major(st.st_rdev)):\(minor(st.st_rdev))/size"
            guard let text = readSmallFile(sysfs), let bytes = UInt64(text.filter { !$0.isWhitespace }) else {
                throw .unsupported(reason: "character device without \(sysfs) (not a devdax device)")
            }
            return (.devdax, bytes)
        default:
            throw .unsupported(reason: "not a regular file, devdax or pmem device")
        }
    }

    /// A small text file such as a sysfs attribute, or nil.
    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n], as: UTF8.self)
    }

    static func major(_ dev: dev_t) -> UInt32 { UInt32((dev >> 8) & 0xfff) | UInt32((dev >> 32) & ~0xfff) }
    static func minor(_ dev: dev_t) -> UInt32 { UInt32(dev & 0xff) | UInt32((dev >> 12) & ~0xff) }
}
