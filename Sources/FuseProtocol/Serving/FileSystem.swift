import SystemPackage

/// Data for a READ (or any reply payload): owned bytes, or regions of memory the file system
/// keeps alive, sent with `writev(2)` after the reply header without an intermediate copy.
///
/// Lifetime contract for `.regions`: the memory must stay valid until the operation's reply
/// has been written, i.e. until the `read` call's worker thread returns to reading the device.
/// A file system returning pointers into a long-lived `mmap` it only unmaps after the session
/// has stopped meets this. Regions longer than the requested size are cut to it.
public enum ReplyData {
    case bytes([UInt8])
    case regions([UnsafeRawBufferPointer])

    public static var empty: ReplyData { .bytes([]) }
}

/// A file system served over FUSE. Every operation has a default that fails with ENOSYS
/// (or, for notifications without replies, does nothing); implement the ones you support.
///
/// Operations are called concurrently from the worker threads; names arrive as Strings
/// decoded from the kernel's bytes (UTF-8, lossy). Never touch the mount point from inside an
/// operation: the worker would wait for itself.
public protocol FuseFileSystem: Sendable {
    /// INIT: see what the kernel offers (`offer`) and adjust `configuration` (requested flags,
    /// max_write …). The module requests only flags the kernel offered.
    func initialize(offer: InitOffer, configuration: inout InitConfiguration) throws(Errno)
    /// Called once INIT has been answered, with what was agreed.
    func initialized(_ connection: Connection)
    /// DESTROY, or the session ending.
    func destroy()

    func lookup(parent: NodeID, name: String, context: RequestContext) throws(Errno) -> Entry
    /// FORGET / BATCH_FORGET: the kernel dropped `lookups` references to `node`.
    func forget(node: NodeID, lookups: UInt64)
    func getattr(node: NodeID, handle: FileHandleID?, context: RequestContext) throws(Errno) -> AttrReply
    func setattr(node: NodeID, changes: SetattrRequest, context: RequestContext) throws(Errno) -> AttrReply
    func readlink(node: NodeID, context: RequestContext) throws(Errno) -> [UInt8]
    func symlink(parent: NodeID, name: String, target: String, context: RequestContext) throws(Errno) -> Entry
    func mknod(parent: NodeID, name: String, mode: UInt32, rdev: UInt32, umask: UInt32, context: RequestContext) throws(Errno) -> Entry
    func mkdir(parent: NodeID, name: String, mode: UInt32, umask: UInt32, context: RequestContext) throws(Errno) -> Entry
    func unlink(parent: NodeID, name: String, context: RequestContext) throws(Errno)
    func rmdir(parent: NodeID, name: String, context: RequestContext) throws(Errno)
    /// RENAME (flags 0) and RENAME2 (`RENAME_NOREPLACE`, `RENAME_EXCHANGE` …).
    func rename(parent: NodeID, name: String, newParent: NodeID, newName: String, flags: UInt32, context: RequestContext) throws(Errno)
    func link(node: NodeID, newParent: NodeID, newName: String, context: RequestContext) throws(Errno) -> Entry

    /// OPEN; `flags` are the open(2) flags.
    func open(node: NodeID, flags: UInt32, context: RequestContext) throws(Errno) -> OpenReply
    /// READ: at most `size` bytes at `offset`; fewer means end of file.
    func read(node: NodeID, handle: FileHandleID, offset: UInt64, size: UInt32, context: RequestContext) throws(Errno) -> ReplyData
    /// WRITE: `data` points into the request buffer and is valid only during the call.
    /// Returns the number of bytes written.
    func write(node: NodeID, handle: FileHandleID, offset: UInt64, data: UnsafeRawBufferPointer, writeFlags: UInt32, context: RequestContext) throws(Errno) -> UInt32
    func flush(node: NodeID, handle: FileHandleID, lockOwner: UInt64, context: RequestContext) throws(Errno)
    func release(node: NodeID, handle: FileHandleID, flags: UInt32, context: RequestContext) throws(Errno)
    func fsync(node: NodeID, handle: FileHandleID, dataOnly: Bool, context: RequestContext) throws(Errno)
    func fallocate(node: NodeID, handle: FileHandleID, offset: UInt64, length: UInt64, mode: UInt32, context: RequestContext) throws(Errno)
    /// LSEEK (SEEK_DATA/SEEK_HOLE); returns the new offset.
    func lseek(node: NodeID, handle: FileHandleID, offset: UInt64, whence: UInt32, context: RequestContext) throws(Errno) -> UInt64

    func opendir(node: NodeID, flags: UInt32, context: RequestContext) throws(Errno) -> OpenReply
    /// READDIR: append entries after cookie `offset` until `buffer` is full or the directory ends.
    func readdir(node: NodeID, handle: FileHandleID, offset: UInt64, buffer: inout DirentBuffer, context: RequestContext) throws(Errno)
    /// READDIRPLUS: like `readdir`, with an `Entry` per name (each counts as a lookup).
    func readdirplus(node: NodeID, handle: FileHandleID, offset: UInt64, buffer: inout DirentBuffer, context: RequestContext) throws(Errno)
    func releasedir(node: NodeID, handle: FileHandleID, flags: UInt32, context: RequestContext) throws(Errno)
    func fsyncdir(node: NodeID, handle: FileHandleID, dataOnly: Bool, context: RequestContext) throws(Errno)

    func statfs(node: NodeID, context: RequestContext) throws(Errno) -> StatfsReply
    func setxattr(node: NodeID, name: String, value: UnsafeRawBufferPointer, flags: UInt32, context: RequestContext) throws(Errno)
    /// GETXATTR: the whole value. The module answers size queries and raises ERANGE.
    func getxattr(node: NodeID, name: String, context: RequestContext) throws(Errno) -> [UInt8]
    /// LISTXATTR: all names. The module packs them and applies the size rules.
    func listxattr(node: NodeID, context: RequestContext) throws(Errno) -> [String]
    func removexattr(node: NodeID, name: String, context: RequestContext) throws(Errno)
    func access(node: NodeID, mask: UInt32, context: RequestContext) throws(Errno)
    /// CREATE: make and open a regular file.
    func create(parent: NodeID, name: String, mode: UInt32, umask: UInt32, flags: UInt32, context: RequestContext) throws(Errno) -> (Entry, OpenReply)

    /// GETLK: the first lock conflicting with `lock`, or `lock` with type F_UNLCK.
    func getlk(node: NodeID, handle: FileHandleID, owner: UInt64, lock: FileLock, context: RequestContext) throws(Errno) -> FileLock
    /// SETLK/SETLKW: `wait` for SETLKW; `isFlock` when FUSE_LK_FLOCK is set (flock(2)).
    func setlk(node: NodeID, handle: FileHandleID, owner: UInt64, lock: FileLock, wait: Bool, isFlock: Bool, context: RequestContext) throws(Errno)

    /// INTERRUPT of request `unique` (no reply is sent). The interrupted request may still be
    /// answered (or answered with EINTR).
    func interrupt(unique: RequestID)

    /// Any opcode the module does not decode itself: the reply payload bytes (after the out
    /// header), or an error.
    func unknownOperation(opcode: UInt32, node: NodeID, header: InHeader, payload: UnsafeRawBufferPointer) throws(Errno) -> [UInt8]
}

extension FuseFileSystem {
    public func initialize(offer: InitOffer, configuration: inout InitConfiguration) throws(Errno) {}
    public func initialized(_ connection: Connection) {}
    public func destroy() {}
    public func lookup(parent: NodeID, name: String, context: RequestContext) throws(Errno) -> Entry { throw .noFunction }
    public func forget(node: NodeID, lookups: UInt64) {}
    public func getattr(node: NodeID, handle: FileHandleID?, context: RequestContext) throws(Errno) -> AttrReply { throw .noFunction }
    public func setattr(node: NodeID, changes: SetattrRequest, context: RequestContext) throws(Errno) -> AttrReply { throw .noFunction }
    public func readlink(node: NodeID, context: RequestContext) throws(Errno) -> [UInt8] { throw .noFunction }
    public func symlink(parent: NodeID, name: String, target: String, context: RequestContext) throws(Errno) -> Entry { throw .noFunction }
    public func mknod(parent: NodeID, name: String, mode: UInt32, rdev: UInt32, umask: UInt32, context: RequestContext) throws(Errno) -> Entry { throw .noFunction }
    public func mkdir(parent: NodeID, name: String, mode: UInt32, umask: UInt32, context: RequestContext) throws(Errno) -> Entry { throw .noFunction }
    public func unlink(parent: NodeID, name: String, context: RequestContext) throws(Errno) { throw .noFunction }
    public func rmdir(parent: NodeID, name: String, context: RequestContext) throws(Errno) { throw .noFunction }
    public func rename(parent: NodeID, name: String, newParent: NodeID, newName: String, flags: UInt32, context: RequestContext) throws(Errno) { throw .noFunction }
    public func link(node: NodeID, newParent: NodeID, newName: String, context: RequestContext) throws(Errno) -> Entry { throw .noFunction }
    public func open(node: NodeID, flags: UInt32, context: RequestContext) throws(Errno) -> OpenReply { throw .noFunction }
    public func read(node: NodeID, handle: FileHandleID, offset: UInt64, size: UInt32, context: RequestContext) throws(Errno) -> ReplyData { throw .noFunction }
    public func write(node: NodeID, handle: FileHandleID, offset: UInt64, data: UnsafeRawBufferPointer, writeFlags: UInt32, context: RequestContext) throws(Errno) -> UInt32 { throw .noFunction }
    public func flush(node: NodeID, handle: FileHandleID, lockOwner: UInt64, context: RequestContext) throws(Errno) { throw .noFunction }
    public func release(node: NodeID, handle: FileHandleID, flags: UInt32, context: RequestContext) throws(Errno) {}
    public func fsync(node: NodeID, handle: FileHandleID, dataOnly: Bool, context: RequestContext) throws(Errno) { throw .noFunction }
    public func fallocate(node: NodeID, handle: FileHandleID, offset: UInt64, length: UInt64, mode: UInt32, context: RequestContext) throws(Errno) { throw .noFunction }
    public func lseek(node: NodeID, handle: FileHandleID, offset: UInt64, whence: UInt32, context: RequestContext) throws(Errno) -> UInt64 { throw .noFunction }
    public func opendir(node: NodeID, flags: UInt32, context: RequestContext) throws(Errno) -> OpenReply { throw .noFunction }
    public func readdir(node: NodeID, handle: FileHandleID, offset: UInt64, buffer: inout DirentBuffer, context: RequestContext) throws(Errno) { throw .noFunction }
    public func readdirplus(node: NodeID, handle: FileHandleID, offset: UInt64, buffer: inout DirentBuffer, context: RequestContext) throws(Errno) { throw .noFunction }
    public func releasedir(node: NodeID, handle: FileHandleID, flags: UInt32, context: RequestContext) throws(Errno) {}
    public func fsyncdir(node: NodeID, handle: FileHandleID, dataOnly: Bool, context: RequestContext) throws(Errno) { throw .noFunction }
    public func statfs(node: NodeID, context: RequestContext) throws(Errno) -> StatfsReply { throw .noFunction }
    public func setxattr(node: NodeID, name: String, value: UnsafeRawBufferPointer, flags: UInt32, context: RequestContext) throws(Errno) { throw .noFunction }
    public func getxattr(node: NodeID, name: String, context: RequestContext) throws(Errno) -> [UInt8] { throw .noFunction }
    public func listxattr(node: NodeID, context: RequestContext) throws(Errno) -> [String] { throw .noFunction }
    public func removexattr(node: NodeID, name: String, context: RequestContext) throws(Errno) { throw .noFunction }
    public func access(node: NodeID, mask: UInt32, context: RequestContext) throws(Errno) { throw .noFunction }
    public func create(parent: NodeID, name: String, mode: UInt32, umask: UInt32, flags: UInt32, context: RequestContext) throws(Errno) -> (Entry, OpenReply) { throw .noFunction }
    public func getlk(node: NodeID, handle: FileHandleID, owner: UInt64, lock: FileLock, context: RequestContext) throws(Errno) -> FileLock { throw .noFunction }
    public func setlk(node: NodeID, handle: FileHandleID, owner: UInt64, lock: FileLock, wait: Bool, isFlock: Bool, context: RequestContext) throws(Errno) { throw .noFunction }
    public func interrupt(unique: RequestID) {}
    public func unknownOperation(opcode: UInt32, node: NodeID, header: InHeader, payload: UnsafeRawBufferPointer) throws(Errno) -> [UInt8] { throw .noFunction }
}
