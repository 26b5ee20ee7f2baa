#if canImport(Glibc)
import Glibc
#endif
import FamfsCore
import FamfsFormat
import FuseProtocol
import Logging
import Synchronization
import SystemPackage

/// famfs served over FUSE: the namespace replayed from the log on the device, file data read
/// and written straight from and to the device mapping through each file's map.
///
/// Node ids are the namespace's own (root 1, a logged node's log index + 16), so they are the
/// same on every host and never reused; the kernel's lookup counts need no bookkeeping because
/// nodes are never removed. `.meta` and its two files use ids 2–4.
public final class FamfsFileSystem: FuseFileSystem {
    public let volume: FamfsVolume
    let options: DaemonOptions
    let logger: Logger
    let startTime: FuseTime
    let notifier = Mutex<Notifier?>(nil)
    /// The abstract socket name of the control channel (master mounts only).
    let controlName = Mutex<String?>(nil)
    /// The directory of the status socket (the `user.famfs.shadow` xattr).
    let shadowDirectory = Mutex<String?>(nil)
    /// Client mounts refuse writes unless the mount asks otherwise; `ro` mounts always do.
    let readOnly: Bool
    /// Modes set by chmod on this host (node id → permission bits); never logged (see setattr).
    let modeOverrides = Mutex<[UInt64: UInt32]>([:])
    let diagnostics: DaemonDiagnostics

    public init(volume: FamfsVolume, options: DaemonOptions, logger: Logger,
                diagnostics: DaemonDiagnostics = DaemonDiagnostics()) {
        self.volume = volume
        self.options = options
        self.logger = logger
        self.diagnostics = diagnostics
        self.readOnly = (volume.role == .client && !options.clientWritable) || options.readOnlyMount
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        startTime = FuseTime(seconds: UInt64(ts.tv_sec), nanoseconds: UInt32(ts.tv_nsec))
    }

    public func attach(_ notifier: Notifier) { self.notifier.withLock { $0 = notifier } }

    var timeout: FuseTime { FuseTime(.milliseconds(Int64(options.cacheTimeout * 1000))) }

    // MARK: nodes

    func view(_ id: UInt64) -> NodeView? {
        if let meta = MetaNode(rawValue: id) { return NodeView(meta: meta, superblock: volume.superblock) }
        guard let node = volume.node(id) else { return nil }
        var v = NodeView(node: node, subdirectories: node.subdirectoryCount + (id == Namespace.rootID ? 1 : 0))
        if let mode = modeOverrides.withLock({ $0[id] }) { v.mode = mode }
        return v
    }

    func entry(_ v: NodeView) -> Entry {
        Entry(node: NodeID(v.id), attr: v.attr(time: startTime, stripWrite: readOnly),
              entryTimeout: timeout, attrTimeout: timeout)
    }

    func childID(_ parent: UInt64, _ name: String) -> UInt64? {
        if parent == Namespace.rootID && name == MetaNode.directoryName { return MetaNode.directory.rawValue }
        if parent == MetaNode.directory.rawValue { return MetaNode.file(named: name)?.rawValue }
        return volume.child(of: parent, named: name)?.id
    }

    public func lookup(parent: NodeID, name: String, context: RequestContext) throws(Errno) -> Entry {
        // A miss may be a name another writer logged since the last refresh: look at the log
        // before answering. The miss is answered with ENOENT, which the kernel does not cache.
        diagnostics.lookups.add(1, ordering: .relaxed)
        var id = childID(parent.rawValue, name)
        if id == nil, volume.refresh() > 0 { id = childID(parent.rawValue, name) }
        guard let id, let v = view(id) else {
            diagnostics.lookupMisses.add(1, ordering: .relaxed)
            guard view(parent.rawValue)?.isDirectory == true else { throw view(parent.rawValue) == nil ? .noSuchFileOrDirectory : .notDirectory }
            throw .noSuchFileOrDirectory
        }
        return entry(v)
    }

    public func getattr(node: NodeID, handle: FileHandleID?, context: RequestContext) throws(Errno) -> AttrReply {
        guard let v = view(node.rawValue) else { throw .noSuchFileOrDirectory }
        return AttrReply(attr: v.attr(time: startTime, stripWrite: readOnly), timeout: timeout)
    }

    // MARK: directories

    /// Entries of a directory in a stable order: ".", "..", (".meta" at the root), then children
    /// in log order. The readdir cookie of entry k is k + 1.
    func listing(_ id: UInt64) -> [(String, UInt64)]? {
        if id == MetaNode.directory.rawValue {
            return [(".", id), ("..", Namespace.rootID), (".superblock", MetaNode.superblock.rawValue), (".log", MetaNode.log.rawValue)]
        }
        guard let node = volume.node(id), node.isDirectory else { return nil }
        var out: [(String, UInt64)] = [(".", id), ("..", node.parent)]
        if id == Namespace.rootID { out.append((MetaNode.directoryName, MetaNode.directory.rawValue)) }
        out += volume.children(of: id).map { ($0.name, $0.id) }
        return out
    }

    public func opendir(node: NodeID, flags: UInt32, context: RequestContext) throws(Errno) -> OpenReply {
        guard view(node.rawValue)?.isDirectory == true else { throw .notDirectory }
        volume.refresh()
        return OpenReply(handle: FileHandleID(0))
    }

    public func readdir(node: NodeID, handle: FileHandleID, offset: UInt64, buffer: inout DirentBuffer, context: RequestContext) throws(Errno) {
        try fill(node, offset, &buffer, plus: false)
    }

    public func readdirplus(node: NodeID, handle: FileHandleID, offset: UInt64, buffer: inout DirentBuffer, context: RequestContext) throws(Errno) {
        try fill(node, offset, &buffer, plus: true)
    }

    private func fill(_ node: NodeID, _ offset: UInt64, _ buffer: inout DirentBuffer, plus: Bool) throws(Errno) {
        if offset == 0 { volume.refresh() }
        guard let list = listing(node.rawValue) else { throw .notDirectory }
        var k = Int(min(offset, UInt64(list.count)))
        while k < list.count {
            let (name, id) = list[k]
            guard let v = view(id) else { k += 1; continue }
            let added: Bool
            if plus && name != "." && name != ".." {
                added = buffer.append(name: name, entry: entry(v), nextOffset: UInt64(k + 1))
            } else {
                added = buffer.append(name: name, ino: id, mode: v.isDirectory ? UInt32(S_IFDIR) : UInt32(S_IFREG), nextOffset: UInt64(k + 1))
            }
            if !added { break }
            k += 1
        }
    }

    public func releasedir(node: NodeID, handle: FileHandleID, flags: UInt32, context: RequestContext) throws(Errno) {}
    public func fsyncdir(node: NodeID, handle: FileHandleID, dataOnly: Bool, context: RequestContext) throws(Errno) {}

    // MARK: file system

    public func statfs(node: NodeID, context: RequestContext) throws(Errno) -> StatfsReply {
        let u = volume.usage
        let header = try? volume.readHeader()
        let slots = header?.slots ?? 0
        let used = header?.nextIndex ?? 0
        let bs: UInt64 = 4096
        // A client (or an ro mount) shows the device's real free space: "Avail 0, 100 % used"
        // would set off disk-full alerts, and writes are refused with EROFS anyway.
        return StatfsReply(blocks: u.capacity / bs, blocksFree: u.free / bs, blocksAvailable: u.free / bs,
                           files: slots, filesFree: slots - min(used, slots), blockSize: UInt32(bs),
                           nameLength: UInt32(Media.maxPathLength), fragmentSize: UInt32(bs))
    }

    public func access(node: NodeID, mask: UInt32, context: RequestContext) throws(Errno) {
        guard let v = view(node.rawValue) else { throw .noSuchFileOrDirectory }
        if mask & UInt32(W_OK) != 0 && (readOnly || MetaNode(rawValue: v.id) != nil) && !v.isDirectory { throw .readOnlyFileSystem }
        if context.uid == 0 {
            // root may do anything but execute a file nobody may execute.
            if mask & UInt32(X_OK) != 0 && !v.isDirectory && v.mode & 0o111 == 0 { throw .permissionDenied }
            return
        }
        let shift: UInt32 = context.uid == v.uid ? 6 : (context.gid == v.gid ? 3 : 0)
        let granted = (v.mode >> shift) & 7
        if mask & 7 & ~granted != 0 { throw .permissionDenied }
    }

    public func initialize(offer: InitOffer, configuration: inout InitConfiguration) throws(Errno) {
        // flock(2) and fcntl locks are left to the kernel, which keeps them per host with full
        // blocking and LOCK_SH/LOCK_NB semantics; a daemon lock table would have to park worker
        // threads for blocking waits. Writers on the master serialise on the device's own flock.
        configuration.wanted.remove(.flockLocks)
        configuration.wanted.remove(.posixLocks)
        // On a famfs-enabled kernel the kernel resolves faults from GET_FMAP answers.
        if offer.flags.contains(.daxFmap) { configuration.wanted.insert(.daxFmap) }
    }

    public func initialized(_ connection: Connection) {
        logger.info("FUSE connection", metadata: ["protocol": "\(connection.major).\(connection.minor)",
                                                   "flags": "\(connection.flags)", "max_write": "\(connection.maxWrite)"])
    }
}
