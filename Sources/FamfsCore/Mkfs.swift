#if canImport(Glibc)
import Glibc
#endif
import FamfsFormat
import FamfsMemory
import SystemPackage

/// Formatting a device (`mkfs.famfs`), with the reference's refusals.
public enum Mkfs {
    public struct Options: Sendable {
        public var force = false
        public var kill = false
        public var logLength = Media.defaultLogLength
        /// Create a missing regular file of this size (sparse) to emulate a device.
        public var createSize: UInt64?
        public init() {}
    }

    public enum Outcome: Sendable { case formatted(Superblock), killed }

    public static func run(device path: String, identity: HostIdentity, options: Options) throws(CoreError) -> Outcome {
        guard Superblock.isValidLogLength(options.logLength) else {
            throw .invalidArgument("invalid log length \(options.logLength): must be a power of two from 8 MiB to \(Media.maxLogLength >> 20) MiB")
        }
        if let size = options.createSize, access(path, F_OK) != 0 { try createEmulatedDevice(path, size: size) }
        if let mpt = MountTable.mountPoint(ofDevice: path) {
            throw .invalidArgument("\(path) is mounted at \(mpt); unmount it first")
        }
        let device = try Device(path: path, writable: true)
        guard device.size >= Media.minimumDeviceSize else {
            throw .deviceTooSmall(path: path, size: device.size, needed: Media.minimumDeviceSize, reason: "famfs needs at least 4 GiB")
        }
        CacheControl.invalidate(device.base, Media.superblockSize)
        let existing = try? Superblock.decode(device.bytes(0, Media.superblockSize))
        if options.kill && options.force {
            device.base.storeBytes(of: UInt64(0), toByteOffset: 0, as: UInt64.self)
            CacheControl.flush(device.base, 8)
            return .killed
        }
        if let existing, !options.force {
            if existing.systemUUID != identity.uuid {
                throw .invalidArgument("Device \(path) has a superblock owned by another host (use -f to overwrite)")
            }
            throw .invalidArgument("Device \(path) already has a famfs superblock (use -f to overwrite)")
        }
        guard UInt64(Media.logOffset) + options.logLength < device.size else {
            throw .deviceTooSmall(path: path, size: device.size, needed: Media.logOffset + options.logLength, reason: "the log does not fit")
        }
        let sb = Superblock(fsUUID: .random(), deviceUUID: .random(), systemUUID: identity.uuid,
                            deviceSize: device.size, daxdevName: path, logLength: options.logLength)
        write(sb, to: device)
        return .formatted(sb)
    }

    /// Writes `sb` and an empty log without mkfs's checks (tests format devices smaller than mkfs
    /// allows this way). Kill the old magic first, then the zeroed log and its header, then the superblock last: a
    /// crash in between leaves no superblock rather than one that points at a stale log.
    public static func write(_ sb: Superblock, to device: Device) {
        device.base.storeBytes(of: UInt64(0), toByteOffset: 0, as: UInt64.self)
        CacheControl.flush(device.base, 8)
        let log = device.base + Int(sb.logOffset)
        memset(log, 0, Int(sb.logLength))
        LogHeader(length: sb.logLength).encoded().withUnsafeBytes { log.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        CacheControl.flush(log, Int(sb.logLength))
        sb.encoded().withUnsafeBytes { device.base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        CacheControl.flush(device.base, Media.superblockSize)
    }

    static func createEmulatedDevice(_ path: String, size: UInt64) throws(CoreError) {
        let fd = try syscall("create", path) { open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        defer { close(fd) }
        _ = try syscall("truncate", path) { ftruncate(fd, off_t(size)) }
    }
}
