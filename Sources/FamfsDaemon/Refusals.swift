import FamfsCore
import FamfsFormat
import FuseProtocol
import SystemPackage
import SystemSupport

/// Namespace changes famfs does not make through POSIX calls. Files are created with a size by
/// `famfs creat`/`famfs cp` and never renamed, removed, linked or resized: on the master these
/// fail with EPERM, on a client (which never writes metadata) with EROFS. `mkdir(2)` on the
/// master logs a directory.
extension FamfsFileSystem {
    var refusal: Errno { volume.role == .master ? .notPermitted : .readOnlyFileSystem }

    public func mkdir(parent: NodeID, name: String, mode: UInt32, umask: UInt32, context: RequestContext) throws(Errno) -> Entry {
        guard volume.role == .master, volume.device.writable else { throw .readOnlyFileSystem }
        // Each mkdir takes a slot of the append-only log for good, and the log is shared: as in
        // the reference, only root may add to it (famfs mkdir/creat/cp need root too).
        guard context.uid == 0 else { throw .notPermitted }
        guard let dir = volume.node(parent.rawValue), dir.isDirectory else { throw parent.rawValue == MetaNode.directory.rawValue ? .notPermitted : .notDirectory }
        let path = dir.path.isEmpty ? name : dir.path + "/" + name
        if parent.rawValue == Namespace.rootID && name == MetaNode.directoryName { throw .fileExists }
        // A log entry holds 79 bytes of path: say so, not EINVAL.
        guard path.utf8.count <= Media.maxPathLength else { throw .fileNameTooLong }
        do {
            let created = try volume.mkdir(path, mode: mode & ~umask & 0o7777, uid: context.uid, gid: context.gid)
            guard let node = created.first, let v = view(node.id) else { throw Errno.ioError }
            invalidateAttributes(of: parent)
            return entry(v)
        } catch let e as CoreError {
            logger.notice("mkdir refused", metadata: ["path": "\(path)", "error": "\(e)"])
            throw e.replyErrno
        } catch {
            throw .ioError
        }
    }

    public func create(parent: NodeID, name: String, mode: UInt32, umask: UInt32, flags: UInt32, context: RequestContext) throws(Errno) -> (Entry, OpenReply) {
        if childID(parent.rawValue, name) != nil { throw .fileExists }
        throw refusal
    }
    public func mknod(parent: NodeID, name: String, mode: UInt32, rdev: UInt32, umask: UInt32, context: RequestContext) throws(Errno) -> Entry { throw refusal }
    public func symlink(parent: NodeID, name: String, target: String, context: RequestContext) throws(Errno) -> Entry { throw refusal }
    public func link(node: NodeID, newParent: NodeID, newName: String, context: RequestContext) throws(Errno) -> Entry { throw refusal }
    public func unlink(parent: NodeID, name: String, context: RequestContext) throws(Errno) { throw refusal }
    public func rmdir(parent: NodeID, name: String, context: RequestContext) throws(Errno) { throw refusal }
    public func rename(parent: NodeID, name: String, newParent: NodeID, newName: String, flags: UInt32, context: RequestContext) throws(Errno) { throw refusal }
    public func fallocate(node: NodeID, handle: FileHandleID, offset: UInt64, length: UInt64, mode: UInt32, context: RequestContext) throws(Errno) { throw refusal }
    public func readlink(node: NodeID, context: RequestContext) throws(Errno) -> [UInt8] { throw .invalidArgument }

    /// Size and owner come from the log and cannot change. A mode change (chmod) is kept by this
    /// host's daemon only and lasts until unmount, as the reference's kernel keeps it in the
    /// in-memory inode: `pcq --setperm` gives each host its side of a queue that way. Time
    /// updates (touch) are accepted and ignored because famfs keeps no times.
    public func setattr(node: NodeID, changes: SetattrRequest, context: RequestContext) throws(Errno) -> AttrReply {
        guard var v = view(node.rawValue) else { throw .noSuchFileOrDirectory }
        let fixed: SetattrValid = [.size, .uid, .gid]
        if !changes.valid.intersection(fixed).isEmpty {
            if changes.valid.contains(.size) && !v.isDirectory && changes.size == v.size {
                // ftruncate to the current size changes nothing.
            } else {
                throw readOnly ? .readOnlyFileSystem : .notPermitted
            }
        }
        if changes.valid.contains(.mode) {
            guard MetaNode(rawValue: v.id) == nil else { throw .notPermitted }
            guard !readOnly else { throw .readOnlyFileSystem }
            guard context.uid == 0 || context.uid == v.uid else { throw .notPermitted }
            let mode = changes.mode & 0o7777
            modeOverrides.withLock { $0[v.id] = mode }
            v.mode = mode
        }
        return AttrReply(attr: v.attr(time: startTime, stripWrite: readOnly), timeout: timeout)
    }

    public func setxattr(node: NodeID, name: String, value: UnsafeRawBufferPointer, flags: UInt32, context: RequestContext) throws(Errno) { throw .notSupported }
    public func removexattr(node: NodeID, name: String, context: RequestContext) throws(Errno) { throw .notSupported }

    func invalidateAttributes(of node: NodeID) {
        guard let n = notifier.withLock({ $0 }) else { return }
        // From a worker thread the kernel may be holding the directory's lock for this very
        // request; a notification from another thread cannot deadlock.
        BackgroundThread.detach { try? n.invalInode(node) }
    }
}

