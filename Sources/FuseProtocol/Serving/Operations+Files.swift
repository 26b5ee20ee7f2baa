import SystemPackage

/// Operations on open files and directories, and locks.
extension ProtocolHandler {
    func doOpen(_ r: IncomingRequest, directory: Bool) throws -> ReplyData {
        let input = try OpenIn.decode(r.body, at: 0)
        let reply =
            directory
            ? try fileSystem.opendir(node: r.node, flags: input.flags, context: r.context)
            : try fileSystem.open(node: r.node, flags: input.flags, context: r.context)
        return Encode.open(reply)
    }

    func doCreate(_ r: IncomingRequest) throws -> ReplyData {
        let input = try CreateIn.decode(r.body, at: 0)
        let (name, _) = try r.body.cString(at: CreateIn.size)
        let (entry, open) = try fileSystem.create(
            parent: r.node, name: name, mode: input.mode, umask: input.umask, flags: input.flags,
            context: r.context)
        var w = WireWriter(capacity: Entry.size + OpenReply.size)
        entry.encode(into: &w)
        open.encode(into: &w)
        return .bytes(w.bytes)
    }

    func doRead(_ r: IncomingRequest) throws -> ReplyData {
        let input = try ReadIn.decode(r.body, at: 0)
        let data = try fileSystem.read(
            node: r.node, handle: FileHandleID(input.fh), offset: input.offset, size: input.size,
            context: r.context)
        return Self.trimmed(data, to: Int(input.size))
    }

    /// Cuts a reply to at most `limit` bytes without copying regions.
    static func trimmed(_ data: ReplyData, to limit: Int) -> ReplyData {
        switch data {
        case .bytes(let b):
            return b.count <= limit ? data : .bytes(Array(b.prefix(limit)))
        case .regions(let regions):
            var left = limit
            var kept: [UnsafeRawBufferPointer] = []
            for region in regions where left > 0 && region.count > 0 {
                let n = min(left, region.count)
                kept.append(UnsafeRawBufferPointer(rebasing: region[0..<n]))
                left -= n
            }
            return .regions(kept)
        }
    }

    func doWrite(_ r: IncomingRequest) throws -> ReplyData {
        let input = try WriteIn.decode(r.body, at: 0)
        let data = try r.body.slice(at: WriteIn.size, count: Int(input.size))
        let written = try fileSystem.write(
            node: r.node, handle: FileHandleID(input.fh), offset: input.offset, data: data,
            writeFlags: input.writeFlags, context: r.context)
        var w = WireWriter(capacity: WriteOut.size)
        WriteOut(size: min(written, input.size)).encode(into: &w)
        return .bytes(w.bytes)
    }

    func doFlush(_ r: IncomingRequest) throws -> ReplyData {
        let input = try FlushIn.decode(r.body, at: 0)
        try fileSystem.flush(
            node: r.node, handle: FileHandleID(input.fh), lockOwner: input.lockOwner, context: r.context)
        return .empty
    }

    func doRelease(_ r: IncomingRequest, directory: Bool) throws -> ReplyData {
        let input = try ReleaseIn.decode(r.body, at: 0)
        let handle = FileHandleID(input.fh)
        if directory {
            try fileSystem.releasedir(node: r.node, handle: handle, flags: input.flags, context: r.context)
        } else {
            try fileSystem.release(node: r.node, handle: handle, flags: input.flags, context: r.context)
        }
        return .empty
    }

    func doFsync(_ r: IncomingRequest, directory: Bool) throws -> ReplyData {
        let input = try FsyncIn.decode(r.body, at: 0)
        let handle = FileHandleID(input.fh)
        let dataOnly = input.fsyncFlags & 1 != 0  // FUSE_FSYNC_FDATASYNC
        if directory {
            try fileSystem.fsyncdir(node: r.node, handle: handle, dataOnly: dataOnly, context: r.context)
        } else {
            try fileSystem.fsync(node: r.node, handle: handle, dataOnly: dataOnly, context: r.context)
        }
        return .empty
    }

    func doReaddir(_ r: IncomingRequest, plus: Bool) throws -> ReplyData {
        let input = try ReadIn.decode(r.body, at: 0)
        var buffer = DirentBuffer(capacity: Int(input.size), plus: plus)
        let handle = FileHandleID(input.fh)
        if plus {
            try fileSystem.readdirplus(
                node: r.node, handle: handle, offset: input.offset, buffer: &buffer, context: r.context)
        } else {
            try fileSystem.readdir(
                node: r.node, handle: handle, offset: input.offset, buffer: &buffer, context: r.context)
        }
        return .bytes(buffer.bytes)
    }

    func doGetlk(_ r: IncomingRequest) throws -> ReplyData {
        let input = try LkIn.decode(r.body, at: 0)
        let lock = try fileSystem.getlk(
            node: r.node, handle: FileHandleID(input.fh), owner: input.owner, lock: input.lock,
            context: r.context)
        var w = WireWriter(capacity: FileLock.size)
        lock.encode(into: &w)
        return .bytes(w.bytes)
    }

    func doSetlk(_ r: IncomingRequest, wait: Bool) throws -> ReplyData {
        let input = try LkIn.decode(r.body, at: 0)
        try fileSystem.setlk(
            node: r.node, handle: FileHandleID(input.fh), owner: input.owner, lock: input.lock,
            wait: wait, isFlock: input.lkFlags & LkIn.flagFlock != 0, context: r.context)
        return .empty
    }

    func doFallocate(_ r: IncomingRequest) throws -> ReplyData {
        let input = try FallocateIn.decode(r.body, at: 0)
        try fileSystem.fallocate(
            node: r.node, handle: FileHandleID(input.fh), offset: input.offset, length: input.length,
            mode: input.mode, context: r.context)
        return .empty
    }

    func doLseek(_ r: IncomingRequest) throws -> ReplyData {
        let input = try LseekIn.decode(r.body, at: 0)
        let offset = try fileSystem.lseek(
            node: r.node, handle: FileHandleID(input.fh), offset: input.offset, whence: input.whence,
            context: r.context)
        var w = WireWriter(capacity: LseekIn.outSize)
        w.u64(offset)  // fuse_lseek_out.offset
        return .bytes(w.bytes)
    }
}
