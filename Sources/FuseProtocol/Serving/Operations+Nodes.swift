import SystemPackage

/// Operations on names and nodes: LOOKUP, FORGET, attributes, namespace changes.
extension ProtocolHandler {
    func doLookup(_ r: IncomingRequest) throws -> ReplyData {
        let (name, _) = try r.body.cString(at: 0)
        return Encode.entry(try fileSystem.lookup(parent: r.node, name: name, context: r.context))
    }

    func doForget(_ r: IncomingRequest) throws {
        fileSystem.forget(node: r.node, lookups: try r.body.u64(at: 0))  // fuse_forget_in.nlookup
    }

    func doBatchForget(_ r: IncomingRequest) throws {
        let count = Int(try r.body.u32(at: 0))  // fuse_batch_forget_in.count
        for i in 0..<count {
            let base = ForgetWire.batchForgetInSize + i * ForgetWire.forgetOneSize
            let node = try r.body.u64(at: base)  // fuse_forget_one.nodeid
            fileSystem.forget(node: NodeID(node), lookups: try r.body.u64(at: base + 8))
        }
    }

    func doInterrupt(_ r: IncomingRequest) throws {
        fileSystem.interrupt(unique: RequestID(try InterruptIn.decode(r.body, at: 0).unique))
    }

    func doGetattr(_ r: IncomingRequest) throws -> ReplyData {
        var handle: FileHandleID?
        if r.body.count >= GetattrIn.size {
            let input = try GetattrIn.decode(r.body, at: 0)
            if input.getattrFlags & GetattrIn.flagFH != 0 { handle = FileHandleID(input.fh) }
        }
        return Encode.attr(try fileSystem.getattr(node: r.node, handle: handle, context: r.context))
    }

    func doSetattr(_ r: IncomingRequest) throws -> ReplyData {
        let changes = try SetattrRequest.decode(r.body, at: 0)
        return Encode.attr(try fileSystem.setattr(node: r.node, changes: changes, context: r.context))
    }

    func doSymlink(_ r: IncomingRequest) throws -> ReplyData {
        let (name, next) = try r.body.cString(at: 0)
        let (target, _) = try r.body.cString(at: next)
        return Encode.entry(
            try fileSystem.symlink(parent: r.node, name: name, target: target, context: r.context))
    }

    func doMknod(_ r: IncomingRequest) throws -> ReplyData {
        let input = try MknodIn.decode(r.body, at: 0)
        let (name, _) = try r.body.cString(at: MknodIn.size)
        return Encode.entry(
            try fileSystem.mknod(
                parent: r.node, name: name, mode: input.mode, rdev: input.rdev, umask: input.umask,
                context: r.context))
    }

    func doMkdir(_ r: IncomingRequest) throws -> ReplyData {
        let input = try MkdirIn.decode(r.body, at: 0)
        let (name, _) = try r.body.cString(at: MkdirIn.size)
        return Encode.entry(
            try fileSystem.mkdir(
                parent: r.node, name: name, mode: input.mode, umask: input.umask, context: r.context))
    }

    func doRemove(_ r: IncomingRequest, directory: Bool) throws -> ReplyData {
        let (name, _) = try r.body.cString(at: 0)
        if directory {
            try fileSystem.rmdir(parent: r.node, name: name, context: r.context)
        } else {
            try fileSystem.unlink(parent: r.node, name: name, context: r.context)
        }
        return .empty
    }

    func doRename(_ r: IncomingRequest, v2: Bool) throws -> ReplyData {
        let input = try RenameIn.decode(r.body, at: 0, v2: v2)
        let (name, next) = try r.body.cString(at: v2 ? RenameIn.size2 : RenameIn.size)
        let (newName, _) = try r.body.cString(at: next)
        try fileSystem.rename(
            parent: r.node, name: name, newParent: NodeID(input.newdir), newName: newName,
            flags: input.flags, context: r.context)
        return .empty
    }

    func doLink(_ r: IncomingRequest) throws -> ReplyData {
        let input = try LinkIn.decode(r.body, at: 0)
        let (newName, _) = try r.body.cString(at: LinkIn.size)
        return Encode.entry(
            try fileSystem.link(
                node: NodeID(input.oldnodeid), newParent: r.node, newName: newName, context: r.context))
    }

    func doStatfs(_ r: IncomingRequest) throws -> ReplyData {
        var w = WireWriter(capacity: StatfsReply.size)
        try fileSystem.statfs(node: r.node, context: r.context).encode(into: &w)
        return .bytes(w.bytes)
    }

    func doAccess(_ r: IncomingRequest) throws -> ReplyData {
        try fileSystem.access(node: r.node, mask: try AccessIn.decode(r.body, at: 0).mask, context: r.context)
        return .empty
    }

    func doSetxattr(_ r: IncomingRequest) throws -> ReplyData {
        let extended = connection?.flags.contains(.setxattrExt) ?? false
        let input = try SetxattrIn.decode(r.body, at: 0, extended: extended)
        let (name, next) = try r.body.cString(at: extended ? SetxattrIn.size : SetxattrIn.compatSize)
        let value = try r.body.slice(at: next, count: Int(input.size))
        try fileSystem.setxattr(node: r.node, name: name, value: value, flags: input.flags, context: r.context)
        return .empty
    }

    func doGetxattr(_ r: IncomingRequest) throws -> ReplyData {
        let input = try GetxattrIn.decode(r.body, at: 0)
        let (name, _) = try r.body.cString(at: GetxattrIn.size)
        let value = try fileSystem.getxattr(node: r.node, name: name, context: r.context)
        return try Self.sizedReply(value, requested: input.size)
    }

    func doListxattr(_ r: IncomingRequest) throws -> ReplyData {
        let input = try GetxattrIn.decode(r.body, at: 0)
        let names = try fileSystem.listxattr(node: r.node, context: r.context)
        var packed: [UInt8] = []
        for name in names { packed += name.utf8; packed.append(0) }
        return try Self.sizedReply(packed, requested: input.size)
    }

    func doRemovexattr(_ r: IncomingRequest) throws -> ReplyData {
        let (name, _) = try r.body.cString(at: 0)
        try fileSystem.removexattr(node: r.node, name: name, context: r.context)
        return .empty
    }

    /// The xattr size rules: a size-0 request asks for the needed size
    /// (`struct fuse_getxattr_out`); a too-small buffer is ERANGE; otherwise the bytes.
    static func sizedReply(_ value: [UInt8], requested: UInt32) throws -> ReplyData {
        if requested == 0 {
            var w = WireWriter(capacity: GetxattrOut.size)
            GetxattrOut(size: UInt32(clamping: value.count)).encode(into: &w)
            return .bytes(w.bytes)
        }
        guard value.count <= Int(requested) else { throw Errno.outOfRange }
        return .bytes(value)
    }
}
