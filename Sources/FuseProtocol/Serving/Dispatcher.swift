import SystemPackage

extension ProtocolHandler {
    /// The one switch from opcode to operation. Returns nil for requests without a reply.
    /// Throws `Errno` (from the file system) or `RequestError` (malformed request).
    func dispatch(_ opcode: Opcode, _ r: IncomingRequest) throws -> ReplyData? {
        switch opcode {
        case .initialize: return try doInit(r)
        case .destroy: destroyOnce(); return .empty
        case .lookup: return try doLookup(r)
        case .forget: try doForget(r); return nil
        case .batchForget: try doBatchForget(r); return nil
        case .interrupt: try doInterrupt(r); return nil
        case .getattr: return try doGetattr(r)
        case .setattr: return try doSetattr(r)
        case .readlink: return .bytes(try fileSystem.readlink(node: r.node, context: r.context))
        case .symlink: return try doSymlink(r)
        case .mknod: return try doMknod(r)
        case .mkdir: return try doMkdir(r)
        case .unlink: return try doRemove(r, directory: false)
        case .rmdir: return try doRemove(r, directory: true)
        case .rename: return try doRename(r, v2: false)
        case .rename2: return try doRename(r, v2: true)
        case .link: return try doLink(r)
        case .open: return try doOpen(r, directory: false)
        case .opendir: return try doOpen(r, directory: true)
        case .read: return try doRead(r)
        case .write: return try doWrite(r)
        case .flush: return try doFlush(r)
        case .release: return try doRelease(r, directory: false)
        case .releasedir: return try doRelease(r, directory: true)
        case .fsync: return try doFsync(r, directory: false)
        case .fsyncdir: return try doFsync(r, directory: true)
        case .readdir: return try doReaddir(r, plus: false)
        case .readdirplus: return try doReaddir(r, plus: true)
        case .statfs: return try doStatfs(r)
        case .setxattr: return try doSetxattr(r)
        case .getxattr: return try doGetxattr(r)
        case .listxattr: return try doListxattr(r)
        case .removexattr: return try doRemovexattr(r)
        case .access: return try doAccess(r)
        case .create: return try doCreate(r)
        case .getlk: return try doGetlk(r)
        case .setlk: return try doSetlk(r, wait: false)
        case .setlkw: return try doSetlk(r, wait: true)
        case .fallocate: return try doFallocate(r)
        case .lseek: return try doLseek(r)
        case .getFmap: return try doGetFmap(r)
        case .getDaxdev: return try doGetDaxdev(r)
        case .bmap, .ioctl, .poll, .notifyReply, .copyFileRange, .copyFileRange64, .setupMapping,
            .removeMapping, .syncfs, .tmpfile, .statx:
            return .bytes(
                try fileSystem.unknownOperation(
                    opcode: opcode.rawValue, node: r.node, header: r.header, payload: r.body.bytes))
        }
    }
}

/// Small reply encoders shared by the operations.
enum Encode {
    static func entry(_ e: Entry) -> ReplyData {
        var w = WireWriter(capacity: Entry.size)
        e.encode(into: &w)
        return .bytes(w.bytes)
    }

    static func attr(_ a: AttrReply) -> ReplyData {
        var w = WireWriter(capacity: AttrReply.size)
        a.encode(into: &w)
        return .bytes(w.bytes)
    }

    static func open(_ o: OpenReply) -> ReplyData {
        var w = WireWriter(capacity: OpenReply.size)
        o.encode(into: &w)
        return .bytes(w.bytes)
    }
}
