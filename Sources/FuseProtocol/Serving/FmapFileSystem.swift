import SystemPackage

/// A file system that also answers the DAX-fmap extension of FUSE (`FUSE_DAX_FMAP`, opcodes
/// FUSE_GET_FMAP 54 and FUSE_GET_DAXDEV 55, the famfs kernel patches): the kernel asks once
/// per file for its map to device memory, then serves reads, writes and mmap faults itself.
///
/// The module decodes the requests and keeps the reply within what the kernel accepts; what a
/// map says is the file system's business (the byte layouts are in `FamfsFmapWire`). A file
/// system that does not conform gets these opcodes through `unknownOperation`.
public protocol FuseFmapFileSystem: FuseFileSystem {
    /// GET_FMAP: the map of `node` as a whole message (`FamfsFmapWire`) of at most `limit`
    /// bytes, the size of the kernel's reply buffer. A longer reply is refused with ERANGE
    /// before it reaches the kernel.
    func getFmap(node: NodeID, limit: Int, context: RequestContext) throws(Errno) -> [UInt8]
    /// GET_DAXDEV: a `fuse_daxdev_out` naming device `index` (from the header's nodeid).
    func getDaxdev(index: UInt64, context: RequestContext) throws(Errno) -> [UInt8]
}

extension ProtocolHandler {
    /// GET_FMAP (54). The famfs kernel (`fs/fuse/famfs.c: fuse_get_fmap`) sends no in-arg and a
    /// variable-size out buffer of `FamfsFmapWire.kernelBufferSize` (one page); earlier patches
    /// sent a `fuse_getxattr_in` whose `size` is the buffer. Both shapes are accepted.
    func doGetFmap(_ r: IncomingRequest) throws -> ReplyData {
        guard let fmapFileSystem = fileSystem as? any FuseFmapFileSystem else { return try unknown(.getFmap, r) }
        let limit = try FamfsGetFmapIn.replyLimit(r.body)
        let reply = try fmapFileSystem.getFmap(node: r.node, limit: limit, context: r.context)
        guard reply.count <= limit else { throw Errno.outOfRange }
        return .bytes(reply)
    }

    /// GET_DAXDEV (55): no in-arg; the device index is the header's nodeid.
    func doGetDaxdev(_ r: IncomingRequest) throws -> ReplyData {
        guard let fmapFileSystem = fileSystem as? any FuseFmapFileSystem else { return try unknown(.getDaxdev, r) }
        let reply = try fmapFileSystem.getDaxdev(index: r.header.nodeid, context: r.context)
        guard reply.count <= FamfsDaxdevOut.size else { throw Errno.outOfRange }
        return .bytes(reply)
    }

    private func unknown(_ opcode: Opcode, _ r: IncomingRequest) throws(Errno) -> ReplyData {
        .bytes(try fileSystem.unknownOperation(opcode: opcode.rawValue, node: r.node, header: r.header, payload: r.body.bytes))
    }
}
