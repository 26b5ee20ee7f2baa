#if canImport(Glibc)
import Glibc
#endif
import FamfsFormat
import FamfsMemory
import SystemPackage

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
            let (kind, size) = try Self.identify(fd: fd, path: path)
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

    static func identify(fd: Int32, path: String) throws(CoreError) -> (DeviceKind, UInt64) {
        do {
            return try DeviceProbe.probe(fd: fd)
        } catch {
            switch error {
            case let .system(operation, errno): throw CoreError.system(operation: operation, path: path, errno: errno)
            case let .unsupported(reason): throw CoreError.unsupportedDevice(path: path, reason: reason)
            }
        }
    }

    /// Bytes of the device as a read-only buffer (for decoding), without copying.
    public func bytes(_ offset: UInt64, _ length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + Int(offset), count: length)
    }
}

