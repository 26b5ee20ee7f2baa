#if canImport(Glibc)
import Glibc
#endif
import FamfsControl
import FamfsCore
import FamfsFormat
import FuseProtocol
import SystemPackage
import Synchronization
import SystemSupport

/// Extended attributes:
/// - `user.famfs.fmap` (files): the map in the reference's shadow YAML format;
/// - `user.famfs.device`, `user.famfs.uuid`, `user.famfs.role`, `user.famfs.host` (this host's
///   system UUID: one machine may mount a device once per host identity) on every node;
/// - `user.famfs.daemon_pid` (root): lets `famfs umount` wait for this daemon to exit;
/// - `user.famfs.control` (root, master mounts): the control channel's socket name;
/// - `user.famfs.shadow` (root directory): the directory holding the status socket `sock`,
///   as the original's daemon names its shadow directory;
/// - `user.famfs.invalidate` (files): reading it drops this host's cached pages of the file,
///   mapped ones included, so mappings through the mount see what other hosts wrote since
///   (`famfs flush` uses it);
/// - `user.famfs.refresh` (root): reading it replays new log entries now and returns
///   "<entries> <new files> <new directories>" — how `famfs logplay` forces a replay.
extension FamfsFileSystem {
    typealias XattrName = ControlProtocol.Xattr

    public func getxattr(node: NodeID, name: String, context: RequestContext) throws(Errno) -> [UInt8] {
        guard let v = view(node.rawValue) else { throw .noSuchFileOrDirectory }
        switch name {
        case XattrName.fmap:
            guard let meta = v.meta else { throw .noData }
            return Array(FmapYAML.emit(meta).utf8)
        case XattrName.device: return Array(volume.device.path.utf8)
        case XattrName.uuid: return Array(volume.superblock.fsUUID.description.utf8)
        case XattrName.role: return Array(volume.role.rawValue.utf8)
        case XattrName.host: return Array((volume.identity?.uuid.description ?? "").utf8)
        case XattrName.daemonPID where node == .root && context.uid == 0: return Array("\(getpid())".utf8)
        case XattrName.control where node == .root && context.uid == 0:
            guard let name = controlName.withLock({ $0 }) else { throw .noData }
            return Array(name.utf8)
        case XattrName.shadow where node == .root:
            guard let dir = shadowDirectory.withLock({ $0 }) else { throw .noData }
            return Array(dir.utf8)
        case XattrName.invalidate where v.meta != nil:
            return Array((invalidatePageCache(of: node) ? "1" : "0").utf8)
        case XattrName.refresh where node == .root:
            let before = volume.report
            volume.refresh()
            let after = volume.report
            return Array("\(after.entries) \(after.filesCreated - before.filesCreated) \(after.directoriesCreated - before.directoriesCreated)".utf8)
        default:
            throw .noData
        }
    }

    public func listxattr(node: NodeID, context: RequestContext) throws(Errno) -> [String] {
        guard let v = view(node.rawValue) else { throw .noSuchFileOrDirectory }
        var names = [XattrName.device, XattrName.uuid, XattrName.role, XattrName.host]
        if v.meta != nil { names.insert(XattrName.fmap, at: 0) }
        if node == .root && shadowDirectory.withLock({ $0 }) != nil { names.append(XattrName.shadow) }
        if node == .root && context.uid == 0 { names += [XattrName.daemonPID, XattrName.control] }
        return names
    }

    /// FUSE_NOTIFY_INVAL_INODE for the whole file, sent from another thread (the kernel may be
    /// working on this very request) and waited for, up to a second.
    func invalidatePageCache(of node: NodeID) -> Bool {
        guard let n = notifier.withLock({ $0 }) else { return false }
        let done = Atomic<Int>(0)
        BackgroundThread.detach {
            let ok = (try? n.invalInode(node)) != nil
            done.store(ok ? 1 : 2, ordering: .releasing)
        }
        for _ in 0..<100 where done.load(ordering: .acquiring) == 0 { usleep(10_000) }
        return done.load(ordering: .acquiring) == 1
    }
}
