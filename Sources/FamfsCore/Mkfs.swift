#if canImport(Glibc)
import Glibc
#endif
import FamfsFormat
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
            throw .invalidArgument("invalid log length \(options.logLength): must be a power of two of at least 8 MiB")
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

    /// Kill the old magic first, then the zeroed log and its header, then the superblock last: a
    /// crash in between leaves no superblock rather than one that points at a stale log.
    static func write(_ sb: Superblock, to device: Device) {
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

/// Reads /proc/mounts to tell whether a device is mounted, by the device column (our mounts use
/// the device path as the source), not by a "famfs" substring as the reference does (addendum C.1).
public enum MountTable {
    public struct Mount: Sendable { public var source: String; public var mountPoint: String; public var type: String }

    public static func mounts() -> [Mount] {
        guard let text = try? readLargeFile("/proc/self/mounts") else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ")
            guard f.count >= 3 else { return nil }
            return Mount(source: unescape(String(f[0])), mountPoint: unescape(String(f[1])), type: String(f[2]))
        }
    }

    public static func mountPoint(ofDevice path: String) -> String? {
        let real = realPath(path) ?? path
        return mounts().first { ($0.type.hasPrefix("fuse") || $0.type == "famfs") && (realPath($0.source) ?? $0.source) == real }?.mountPoint
    }

    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\040", with: " ").replacingOccurrences(of: "\\011", with: "\t")
            .replacingOccurrences(of: "\\012", with: "\n").replacingOccurrences(of: "\\134", with: "\\")
    }
}

public func realPath(_ path: String) -> String? {
    guard let p = realpath(path, nil) else { return nil }
    defer { free(p) }
    return String(cString: p)
}

func readLargeFile(_ path: String) throws(CoreError) -> String {
    let fd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = try syscall("read", path) { buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
        if n == 0 { break }
        out += buf[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            result += rest[..<r.lowerBound]
            result += replacement
            rest = rest[r.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Index>? {
        let t = Array(target.utf8)
        var i = startIndex
        while i < endIndex {
            if self[i...].utf8.starts(with: t) {
                return i..<self.utf8.index(i, offsetBy: t.count)
            }
            i = index(after: i)
        }
        return nil
    }
}
