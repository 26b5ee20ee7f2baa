#if canImport(Glibc)
import Glibc
#endif
import FamfsCore
import FamfsFormat
import FamfsMemory
import FuseProtocol
import SystemPackage

/// Reading and writing file data: a copy between the request and the device mapping through
/// the file's map (simple or interleaved). Files are opened with FOPEN_DIRECT_IO: no page cache,
/// so each host sees the shared memory itself and nothing is held twice; with
/// FUSE_DIRECT_IO_ALLOW_MMAP programs can still mmap the files (MAP_SHARED).
extension FamfsFileSystem {
    public func open(node: NodeID, flags: UInt32, context: RequestContext) throws(Errno) -> OpenReply {
        guard let v = view(node.rawValue) else { throw .noSuchFileOrDirectory }
        guard !v.isDirectory else { throw .isDirectory }
        let accmode = Int32(flags) & O_ACCMODE
        if accmode != O_RDONLY {
            if readOnly || MetaNode(rawValue: v.id) != nil { throw .readOnlyFileSystem }
            if !volume.device.writable { throw .readOnlyFileSystem }
        }
        if Int32(flags) & O_TRUNC != 0 { throw .notPermitted }  // famfs files never change size
        return OpenReply(handle: FileHandleID(0), flags: [.directIO, .parallelDirectWrites])
    }

    public func read(node: NodeID, handle: FileHandleID, offset: UInt64, size: UInt32, context: RequestContext) throws(Errno) -> ReplyData {
        guard let v = view(node.rawValue), let meta = v.meta else { throw .isDirectory }
        guard offset < meta.size else { return .empty }
        let length = min(UInt64(size), meta.size - offset)
        let ranges = try deviceRanges(meta, offset: offset, length: length)
        var regions: [UnsafeRawBufferPointer] = []
        regions.reserveCapacity(ranges.count)
        for r in ranges {
            // The superblock and log are written by the master's CLI processes too: read them
            // fresh. File data follows the reference's rule (the application flushes; see README).
            if MetaNode(rawValue: v.id) != nil { CacheControl.invalidate(volume.device.base + Int(r.offset), Int(r.length)) }
            regions.append(volume.device.bytes(r.offset, Int(r.length)))
        }
        return .regions(regions)
    }

    public func write(node: NodeID, handle: FileHandleID, offset: UInt64, data: UnsafeRawBufferPointer, writeFlags: UInt32, context: RequestContext) throws(Errno) -> UInt32 {
        guard let v = view(node.rawValue), let meta = v.meta else { throw .isDirectory }
        guard !readOnly, MetaNode(rawValue: v.id) == nil, volume.device.writable else { throw .readOnlyFileSystem }
        // A famfs file has the size it was created with: bytes past it have nowhere to go.
        guard offset < meta.size else { throw .fileTooLarge }
        let length = min(UInt64(data.count), meta.size - offset)
        guard let source = data.baseAddress else { return 0 }
        var done = 0
        for r in try deviceRanges(meta, offset: offset, length: length) {
            (volume.device.base + Int(r.offset)).copyMemory(from: source + done, byteCount: Int(r.length))
            done += Int(r.length)
        }
        return UInt32(done)
    }

    public func flush(node: NodeID, handle: FileHandleID, lockOwner: UInt64, context: RequestContext) throws(Errno) {}
    public func release(node: NodeID, handle: FileHandleID, flags: UInt32, context: RequestContext) throws(Errno) {}

    /// fsync writes the file's lines back from the CPU cache, so other hosts can see them.
    public func fsync(node: NodeID, handle: FileHandleID, dataOnly: Bool, context: RequestContext) throws(Errno) {
        guard let meta = view(node.rawValue)?.meta else { return }
        for r in try deviceRanges(meta, offset: 0, length: meta.size) {
            CacheControl.flush(volume.device.base + Int(r.offset), Int(r.length))
        }
    }

    /// Where file bytes `[offset, offset+length)` live on the device. The replay only accepts
    /// maps inside the device; the map is checked again (`FileMeta.validate`, bounds only: a
    /// copy needs no alignment) before any memory is touched.
    func deviceRanges(_ meta: FileMeta, offset: UInt64, length: UInt64) throws(Errno) -> [DeviceRange] {
        do { try meta.validate(deviceSize: volume.device.size, alignment: 1) } catch { throw .ioError }
        return meta.fmap.deviceRanges(offset: offset, length: length)
    }
}
