#if canImport(Glibc)
import Glibc
#endif
import CFamfsShims
import FamfsControl
import FamfsMemory
import FamfsFormat
import Synchronization

/// A famfs file mapped straight from its device into one contiguous range of this process:
/// every load and store goes to the shared memory itself (no page cache, no daemon on the fault
/// path, one copy of the data for every host).
///
/// The range is reserved first (PROT_NONE anonymous, 2 MiB-aligned so devdax accepts the fixed
/// mappings), then each simple extent — or, for an interleaved file, each chunk (chunk c lives at
/// `strips[c % nstrips].offset + (c / nstrips) * chunkSize`) — is mapped MAP_SHARED|MAP_FIXED from
/// the device at its place in the range. Runs that are contiguous on the device too are mapped
/// with one mmap. `mappedLength` is the file size rounded up to the 2 MiB allocation unit; the
/// bytes past `size` are the file's allocated slack.
///
/// Unmapped by `unmap()` or when the object goes away; `base` must not be used after that.
public final class FamfsFileMapping: @unchecked Sendable {
    /// Unit the map is checked and mapped in: the famfs allocation unit (kernel rule: extent
    /// offsets and lengths are 2 MiB-aligned).
    public static let alignment = Media.allocationUnit

    /// The path the mapping was asked for (the file, or the device for `init(device:meta:)`).
    public let path: String
    public let devicePath: String
    public let meta: FileMeta
    public let writable: Bool
    /// Start of the file's bytes (2 MiB-aligned).
    public let base: UnsafeMutableRawPointer
    /// File size in bytes.
    public let size: Int
    /// Mapped bytes starting at `base` (`size` rounded up to 2 MiB).
    public let mappedLength: Int
    /// How many mmap calls placed the extents (after merging device-contiguous runs).
    public let segmentCount: Int

    /// Length of the reservation that `unmap` releases (≥ `mappedLength`, at least one page).
    private let reservedLength: Int
    private let live = Mutex(true)

    /// Maps `meta` from `device` without any mount: what tests, tools and the daemon that hold
    /// the map already use. `path` only labels errors (defaults to the device).
    public init(device: String, meta: FileMeta, writable: Bool, path: String? = nil) throws(FamfsMapError) {
        let label = path ?? device
        let fd = open(device, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        guard fd >= 0 else { throw .noAccess(path: label, target: device, errno: errno) }
        defer { close(fd) }
        let deviceSize: UInt64
        do { deviceSize = try DeviceProbe.probe(fd: fd).size } catch {
            switch error {
            case let .system(operation, e): throw .system(path: device, operation: operation, errno: e.rawValue)
            case .unsupported: throw .noAccess(path: label, target: device, errno: ENODEV)
            }
        }
        let plan = try Self.plan(meta: meta, deviceSize: deviceSize, label: label)

        let align = Int(Self.alignment)
        let mapped = plan.mappedLength
        let reserve = max(mapped, Int(sysconf(Int32(_SC_PAGESIZE))))
        // Over-reserve by one unit, then trim to a 2 MiB-aligned start.
        guard let raw = mmap(nil, reserve + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              raw != MAP_FAILED else {
            throw .mmapFailed(path: label, errno: errno)
        }
        let rawAddr = UInt(bitPattern: raw)
        let alignedAddr = (rawAddr + UInt(align) - 1) & ~(UInt(align) - 1)
        let head = Int(alignedAddr - rawAddr)
        if head > 0 { munmap(raw, head) }
        let tail = align - head
        if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: alignedAddr + UInt(reserve))!, tail) }
        let base = UnsafeMutableRawPointer(bitPattern: alignedAddr)!

        let prot = writable ? (PROT_READ | PROT_WRITE) : PROT_READ
        for seg in plan.segments {
            let p = mmap(base + seg.fileOffset, seg.length, prot, MAP_SHARED | MAP_FIXED, fd, off_t(seg.deviceOffset))
            guard let p, p != MAP_FAILED else {
                let e = errno
                munmap(base, reserve)
                throw .mmapFailed(path: label, errno: e)
            }
        }
        self.path = label
        self.devicePath = device
        self.meta = meta
        self.writable = writable
        self.base = base
        self.size = Int(meta.size)
        self.mappedLength = mapped
        self.segmentCount = plan.segments.count
        self.reservedLength = reserve
    }

    /// Maps a file of a mounted famfs. The map comes from the file's `user.famfs.fmap` xattr
    /// (reference YAML shadow format) and the device from `user.famfs.device`; the file must be
    /// on a FUSE mount, a regular file, openable with the requested access (so permissions and
    /// read-only client mounts are honoured), and its size must match the map's.
    public convenience init(path: String, writable: Bool) throws(FamfsMapError) {
        let before = try Self.inspect(path: path, writable: writable)
        try self.init(device: before.device, meta: before.meta, writable: writable, path: path)
        // A famfs map is immutable once logged; a different answer now means the file was
        // replaced while we mapped it.
        let after = try Self.inspect(path: path, writable: writable)
        guard after.yaml == before.yaml, after.device == before.device, after.size == before.size else {
            throw .fileChanged(path: path, reason: "its map or size changed while it was being mapped")
        }
    }

    deinit { unmap() }

    /// Releases the range. Idempotent; `base` is invalid afterwards.
    public func unmap() {
        let wasLive = live.withLock { l in
            defer { l = false }
            return l
        }
        if wasLive { munmap(base, reservedLength) }
    }

    public var isMapped: Bool { live.withLock { $0 } }

    /// The file's bytes (a writable mapping may be written through `base`).
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }

    /// Writes back CPU cache lines of `[offset, offset+length)` (default: the whole file) so other
    /// hosts see stores made through this mapping (CacheControl.flush).
    public func flush(offset: Int = 0, length: Int? = nil) {
        let r = clamp(offset, length)
        CacheControl.flush(base + r.lowerBound, r.count)
    }

    /// Drops CPU cache lines of the range so the next loads see other hosts' stores
    /// (CacheControl.invalidate).
    public func invalidate(offset: Int = 0, length: Int? = nil) {
        let r = clamp(offset, length)
        CacheControl.invalidate(base + r.lowerBound, r.count)
    }

    private func clamp(_ offset: Int, _ length: Int?) -> Range<Int> {
        let start = min(max(offset, 0), mappedLength)
        let end = min(start + max(length ?? (size - start), 0), mappedLength)
        return start..<max(start, end)
    }

    // MARK: planning (pure)

    /// One mmap: `length` bytes of the device at `deviceOffset` placed at `fileOffset`.
    public struct Segment: Equatable, Sendable {
        public var fileOffset: Int
        public var deviceOffset: UInt64
        public var length: Int
        public init(fileOffset: Int, deviceOffset: UInt64, length: Int) {
            self.fileOffset = fileOffset
            self.deviceOffset = deviceOffset
            self.length = length
        }
    }

    public struct Plan: Equatable, Sendable {
        public var mappedLength: Int
        public var segments: [Segment]
    }

    /// Checks `meta` against a device of `deviceSize` bytes (`FileMeta.validate` at the 2 MiB
    /// unit) and lists the mmaps that place it.
    public static func plan(meta: FileMeta, deviceSize: UInt64, label: String) throws(FamfsMapError) -> Plan {
        let unit = alignment
        func bad(_ s: String) -> FamfsMapError { .badMap(path: label, reason: s) }
        do { try meta.validate(deviceSize: deviceSize, alignment: unit) } catch { throw bad(error.description) }
        let (rounded, overflow) = meta.size.addingReportingOverflow(unit - 1)
        guard !overflow, rounded / unit * unit <= UInt64(Int.max) else { throw bad("file size \(meta.size) too large") }
        let mapped = rounded / unit * unit
        var segments: [Segment] = []
        var fileOffset = 0
        for r in meta.fmap.deviceRanges(offset: 0, length: mapped) {
            if var last = segments.last, last.deviceOffset + UInt64(last.length) == r.offset {
                last.length += Int(r.length)
                segments[segments.count - 1] = last
            } else {
                segments.append(Segment(fileOffset: fileOffset, deviceOffset: r.offset, length: Int(r.length)))
            }
            fileOffset += Int(r.length)
        }
        guard UInt64(fileOffset) == mapped else {
            throw bad("the map places only \(fileOffset) of the \(mapped) bytes to map")
        }
        return Plan(mappedLength: Int(mapped), segments: segments)
    }

    // MARK: device and mount inspection

    /// statfs type of every FUSE mount.
    public static let fuseSuperMagic: Int = 0x6573_5546
    /// What a famfs-aware kernel may report for a fuse famfs (the famfs kernel patches' FAMFS_SUPER_MAGIC).
    public static let famfsStatfsMagic: Int = 0x87b2_82fd
    public static let fmapAttribute = ControlProtocol.Xattr.fmap
    public static let deviceAttribute = ControlProtocol.Xattr.device

    struct Inspection {
        var yaml: String
        var meta: FileMeta
        var device: String
        var size: UInt64
    }

    static func inspect(path: String, writable: Bool) throws(FamfsMapError) -> Inspection {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .system(path: path, operation: "stat", errno: errno) }
        let type = famfs_statfs_type(path)
        guard type != -1 else { throw .system(path: path, operation: "statfs", errno: errno) }
        guard type == fuseSuperMagic || type == famfsStatfsMagic else {
            throw .notFamfs(path: path, reason: "file system type 0x\(String(UInt(bitPattern: type), radix: 16)) is not FUSE")
        }
        guard st.st_mode & S_IFMT == S_IFREG else { throw .notFamfs(path: path, reason: "not a regular file") }
        guard let yaml = try xattr(path, fmapAttribute) else {
            throw .notFamfs(path: path, reason: "no \(fmapAttribute) attribute")
        }
        guard let device = try xattr(path, deviceAttribute), !device.isEmpty else {
            throw .notFamfs(path: path, reason: "no \(deviceAttribute) attribute")
        }
        let meta: FileMeta
        do { meta = try FmapYAML.parse(yaml) } catch {
            throw .badMap(path: path, reason: "\(fmapAttribute) does not parse: \(error)")
        }
        guard UInt64(st.st_size) == meta.size else {
            throw .fileChanged(path: path, reason: "size \(st.st_size) but its map says \(meta.size)")
        }
        // The daemon enforces permissions (and read-only client mounts) on open; ask it.
        let fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        guard fd >= 0 else { throw .noAccess(path: path, target: path, errno: errno) }
        close(fd)
        return Inspection(yaml: yaml, meta: meta, device: device, size: UInt64(st.st_size))
    }

    /// An extended attribute as text (trailing NULs dropped); nil when the file has no such
    /// attribute (or the file system has no user xattrs at all).
    static func xattr(_ path: String, _ name: String) throws(FamfsMapError) -> String? {
        for _ in 0..<4 {
            let n = famfs_getxattr(path, name, nil, 0)
            if n < 0 {
                switch errno {
                case ENODATA, ENOTSUP, ENOSYS: return nil
                case let e: throw .system(path: path, operation: "getxattr \(name)", errno: e)
                }
            }
            var buf = [UInt8](repeating: 0, count: max(n, 1))
            let m = buf.withUnsafeMutableBytes { famfs_getxattr(path, name, $0.baseAddress, $0.count) }
            if m < 0 {
                switch errno {
                case ERANGE: continue  // grew between the two calls
                case ENODATA, ENOTSUP, ENOSYS: return nil
                case let e: throw .system(path: path, operation: "getxattr \(name)", errno: e)
                }
            }
            var bytes = buf[0..<m]
            while bytes.last == 0 { bytes = bytes.dropLast() }
            return String(decoding: bytes, as: UTF8.self)
        }
        throw .system(path: path, operation: "getxattr \(name)", errno: ERANGE)
    }
}
