#if canImport(Glibc)
import Glibc
#endif
import FamfsFormat
import FamfsMemory
import Synchronization

/// An open famfs file system on a device: its superblock, this host's role, and the namespace
/// replayed from the log. Safe to use from several threads. The log on the device is the only
/// truth; `refresh()` reads entries other writers appended since the last call.
public final class FamfsVolume: Sendable {
    public let device: Device
    public let superblock: Superblock
    public let role: Role
    public let identity: HostIdentity?
    let state: Mutex<LogReplayer>
    /// Serialises this process's writers (held with the device flock).
    let writer = Mutex<Void>(())

    /// Opens `path`. `writable` maps the device read-write (needed to append on the master, or to
    /// write file data). Fails on a missing device, a bad superblock or log header, or a device
    /// smaller than the superblock says. `replaying: false` leaves the namespace empty until the
    /// first `refresh()`: for fsck, which replays from scratch by itself, and for checks that only
    /// need the superblock and log header.
    public init(path: String, writable: Bool, identity: HostIdentity? = nil, replaying: Bool = true) throws(CoreError) {
        let device = try Device(path: path, writable: writable)
        CacheControl.invalidate(device.base, Media.superblockSize)
        let sb: Superblock
        do { sb = try Superblock.decode(device.bytes(0, Media.superblockSize)) } catch { throw .notFamfs(device: path, error) }
        guard device.size >= sb.reservedBytes else {
            throw .deviceTooSmall(path: path, size: device.size, needed: sb.reservedBytes, reason: "truncated: the log does not fit")
        }
        guard device.size >= sb.deviceSize else {
            throw .deviceTooSmall(path: path, size: device.size, needed: sb.deviceSize, reason: "truncated: smaller than the superblock's device size")
        }
        self.device = device
        self.superblock = sb
        self.identity = identity
        self.role = identity?.uuid == sb.systemUUID ? .master : .client
        self.state = Mutex(LogReplayer(superblock: sb))
        _ = try readHeader()
        if replaying { refresh() }
    }

    var logBase: UnsafeMutableRawPointer { device.base + Int(superblock.logOffset) }
    var logBytes: UnsafeRawBufferPointer { device.bytes(superblock.logOffset, Int(superblock.logLength)) }

    /// The log header as it is now on the device (cache invalidated first).
    public func readHeader() throws(CoreError) -> LogHeader {
        CacheControl.invalidate(logBase, Media.logHeaderSize)
        do {
            return try LogHeader.decode(device.bytes(superblock.logOffset, Media.logHeaderSize), expectedLength: superblock.logLength)
        } catch { throw .badLog(device: device.path, error) }
    }

    /// Applies entries appended since the last refresh; returns how many. Cheap when nothing changed.
    @discardableResult
    public func refresh() -> UInt64 {
        guard let header = try? readHeader() else { return 0 }
        return state.withLock { r in catchUp(&r, header) }
    }

    func catchUp(_ r: inout LogReplayer, _ header: LogHeader) -> UInt64 {
        guard header.nextIndex > r.nextIndex else { return 0 }
        let from = Media.entryOffset(r.nextIndex)
        // Before a known invalid tail only its first entry is looked at again (see LogReplayer).
        let to = r.rescansTail(committed: header.nextIndex) ? Media.entryOffset(header.nextIndex) : from + Media.logEntrySize
        CacheControl.invalidate(logBase + from, min(to, Int(superblock.logLength)) - from)
        return r.catchUp(log: logBytes, committed: header.nextIndex)
    }

    /// A consistent snapshot of the replay state.
    public var snapshot: LogReplayer { state.withLock { $0 } }
    public var namespace: Namespace { state.withLock { $0.namespace } }
    public var report: ReplayReport { state.withLock { $0.report } }

    public func lookup(_ path: String) -> Namespace.Node? { state.withLock { $0.namespace.lookup(path) } }
    public func node(_ id: UInt64) -> Namespace.Node? { state.withLock { $0.namespace[id] } }
    public func child(of parent: UInt64, named name: String) -> Namespace.Node? {
        state.withLock { $0.namespace.child(of: parent, named: name) }
    }
    public func children(of id: UInt64) -> [Namespace.Node] { state.withLock { $0.namespace.children(of: id) } }

    /// Capacity numbers for statfs and fsck.
    public var usage: (capacity: UInt64, used: UInt64, free: UInt64) {
        state.withLock { r in
            (UInt64(r.allocator.unitCount) * superblock.allocationUnit, r.allocator.usedBytes, r.allocator.freeBytes)
        }
    }
}
