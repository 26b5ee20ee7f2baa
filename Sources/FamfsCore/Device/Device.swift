#if canImport(Glibc)
import Glibc
#endif
import CFamfsShims
import FamfsFormat
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

/// An open famfs device: the file descriptor, its kind and size, and its whole-device mapping.
public final class Device: @unchecked Sendable {
    public let path: String
    public let kind: DeviceKind
    public let size: UInt64
    public let fd: Int32
    public let writable: Bool
    /// Base of the MAP_SHARED mapping of the whole device. Immutable after init.
    public let base: UnsafeMutableRawPointer

    /// Opens and maps `path`. A read-only device is mapped PROT_READ: a client that only reads
    /// cannot scribble on shared metadata by accident.
    public init(path: String, writable: Bool) throws(CoreError) {
        let fd = try syscall("open", path) { open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC) }
        do throws(CoreError) {
            let st = try fileStatus(fd, path: path)
            let (kind, size) = try Self.identify(fd: fd, path: path, st: st)
            guard size >= UInt64(Media.superblockRegionSize) else {
                throw CoreError.deviceTooSmall(path: path, size: size, needed: Media.superblockRegionSize, reason: "smaller than the superblock region")
            }
            let prot = writable ? (PROT_READ | PROT_WRITE) : PROT_READ
            guard let p = mmap(nil, Int(size), prot, MAP_SHARED, fd, 0), p != MAP_FAILED else {
                throw CoreError.system(operation: "mmap", path: path, errno: Errno(rawValue: errno))
            }
            self.path = path
            self.kind = kind
            self.size = size
            self.fd = fd
            self.writable = writable
            self.base = p
        } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        munmap(base, Int(size))
        close(fd)
    }

    static func identify(fd: Int32, path: String, st: stat) throws(CoreError) -> (DeviceKind, UInt64) {
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            return (.emulated, UInt64(st.st_size))
        case S_IFBLK:
            var bytes: UInt64 = 0
            _ = try syscall("BLKGETSIZE64", path) { ioctl(fd, famfs_ioctl_blkgetsize64(), &bytes) }
            return (.pmem, bytes)
        case S_IFCHR:
            let sysfs = "/sys/dev/char/\(major(st.st_rdev)):\(minor(st.st_rdev))/size"
            guard let text = try? readSmallFile(sysfs),
                  let bytes = UInt64(text.trimmingCharacters(in: " \n")) else {
                throw CoreError.unsupportedDevice(path: path, reason: "character device without \(sysfs) (not a devdax device)")
            }
            return (.devdax, bytes)
        default:
            throw CoreError.unsupportedDevice(path: path, reason: "not a regular file, devdax or pmem device")
        }
    }

    /// Bytes of the device as a read-only buffer (for decoding), without copying.
    public func bytes(_ offset: UInt64, _ length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + Int(offset), count: length)
    }
}

/// Reads a small text file such as a sysfs attribute.
func readSmallFile(_ path: String) throws(CoreError) -> String {
    let fd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
    defer { close(fd) }
    var buf = [UInt8](repeating: 0, count: 4096)
    let n = try syscall("read", path) { buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
    return String(decoding: buf[0..<n], as: UTF8.self)
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

func major(_ dev: dev_t) -> UInt32 { UInt32((dev >> 8) & 0xfff) | UInt32((dev >> 32) & ~0xfff) }
func minor(_ dev: dev_t) -> UInt32 { UInt32(dev & 0xff) | UInt32((dev >> 12) & ~0xff) }
