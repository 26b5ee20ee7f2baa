import FuseProtocol
import SystemPackage

/// A small fixed tree that answers every operation successfully where it can (`/f` a file,
/// `/d` a directory, names up to 4 accepted, new nodes for creations), so the fuzzer reaches
/// each request decoder and reply encoder instead of stopping at ENOSYS. No state changes:
/// runs are reproducible.
final class FuzzFileSystem: FuseFmapFileSystem, @unchecked Sendable {
    static let file = NodeID(2), directory = NodeID(3), created = NodeID(4)
    static let fileSize = 8192

    /// READ hands out regions of this long-lived buffer (never freed).
    let storage: UnsafeMutableRawBufferPointer

    init() {
        storage = .allocate(byteCount: Self.fileSize, alignment: 4096)
        storage.initializeMemory(as: UInt8.self, repeating: 0x5a)
    }

    func attr(_ node: NodeID) throws(Errno) -> Attr {
        switch node {
        case .root, Self.directory: return Attr(ino: node.rawValue, mode: 0o040755, nlink: 2)
        case Self.file, Self.created: return Attr(ino: node.rawValue, size: UInt64(Self.fileSize), blocks: 16, mode: 0o100644)
        default: throw .noSuchFileOrDirectory
        }
    }

    func entry(_ node: NodeID) throws(Errno) -> Entry { Entry(node: node, generation: 1, attr: try attr(node)) }

    func lookup(parent: NodeID, name: String, context: RequestContext) throws(Errno) -> Entry {
        _ = try attr(parent)
        switch name {
        case "f": return try entry(Self.file)
        case "d": return try entry(Self.directory)
        case "": throw .invalidArgument
        default: return .negative(timeout: FuseTime(seconds: 1))
        }
    }
    func getattr(node: NodeID, handle: FileHandleID?, context: RequestContext) throws(Errno) -> AttrReply {
        AttrReply(attr: try attr(node))
    }
    func setattr(node: NodeID, changes: SetattrRequest, context: RequestContext) throws(Errno) -> AttrReply {
        var a = try attr(node)
        if changes.valid.contains(.size) { a.size = changes.size }
        if changes.valid.contains(.mode) { a.mode = changes.mode }
        return AttrReply(attr: a)
    }
    func readlink(node: NodeID, context: RequestContext) throws(Errno) -> [UInt8] { Array("target".utf8) }
    func symlink(parent: NodeID, name: String, target: String, context: RequestContext) throws(Errno) -> Entry { try entry(Self.created) }
    func mknod(parent: NodeID, name: String, mode: UInt32, rdev: UInt32, umask: UInt32, context: RequestContext) throws(Errno) -> Entry { try entry(Self.created) }
    func mkdir(parent: NodeID, name: String, mode: UInt32, umask: UInt32, context: RequestContext) throws(Errno) -> Entry { try entry(Self.directory) }
    func unlink(parent: NodeID, name: String, context: RequestContext) throws(Errno) { _ = try attr(parent) }
    func rmdir(parent: NodeID, name: String, context: RequestContext) throws(Errno) { _ = try attr(parent) }
    func rename(parent: NodeID, name: String, newParent: NodeID, newName: String, flags: UInt32, context: RequestContext) throws(Errno) {
        _ = try attr(parent)
        _ = try attr(newParent)
    }
    func link(node: NodeID, newParent: NodeID, newName: String, context: RequestContext) throws(Errno) -> Entry { try entry(node) }
    func open(node: NodeID, flags: UInt32, context: RequestContext) throws(Errno) -> OpenReply {
        _ = try attr(node)
        return OpenReply(handle: FileHandleID(7), flags: [])
    }
    func read(node: NodeID, handle: FileHandleID, offset: UInt64, size: UInt32, context: RequestContext) throws(Errno) -> ReplyData {
        _ = try attr(node)
        guard offset < UInt64(Self.fileSize) else { return .empty }
        // Longer than asked on purpose: the module must cut regions to the request's size.
        let start = Int(offset)
        let half = start + (Self.fileSize - start) / 2
        return .regions([UnsafeRawBufferPointer(rebasing: storage[start..<half]), UnsafeRawBufferPointer(rebasing: storage[half...])])
    }
    func write(node: NodeID, handle: FileHandleID, offset: UInt64, data: UnsafeRawBufferPointer, writeFlags: UInt32, context: RequestContext) throws(Errno) -> UInt32 {
        UInt32(truncatingIfNeeded: data.count &+ 1)  // more than given: the module must clamp it
    }
    func flush(node: NodeID, handle: FileHandleID, lockOwner: UInt64, context: RequestContext) throws(Errno) {}
    func fsync(node: NodeID, handle: FileHandleID, dataOnly: Bool, context: RequestContext) throws(Errno) {}
    func fallocate(node: NodeID, handle: FileHandleID, offset: UInt64, length: UInt64, mode: UInt32, context: RequestContext) throws(Errno) {}
    func lseek(node: NodeID, handle: FileHandleID, offset: UInt64, whence: UInt32, context: RequestContext) throws(Errno) -> UInt64 { offset }
    func opendir(node: NodeID, flags: UInt32, context: RequestContext) throws(Errno) -> OpenReply {
        _ = try attr(node)
        return OpenReply(handle: FileHandleID(9))
    }
    func readdir(node: NodeID, handle: FileHandleID, offset: UInt64, buffer: inout DirentBuffer, context: RequestContext) throws(Errno) {
        let names = [".", "..", "f", "d", String(repeating: "n", count: 255)]
        var i = Int(min(offset, UInt64(names.count)))
        while i < names.count, buffer.append(name: names[i], ino: UInt64(i + 1), mode: 0o100644, nextOffset: UInt64(i + 1)) { i += 1 }
    }
    func readdirplus(node: NodeID, handle: FileHandleID, offset: UInt64, buffer: inout DirentBuffer, context: RequestContext) throws(Errno) {
        let names = ["f", "d"]
        var i = Int(min(offset, UInt64(names.count)))
        while i < names.count, buffer.append(name: names[i], entry: try entry(i == 0 ? Self.file : Self.directory), nextOffset: UInt64(i + 1)) { i += 1 }
    }
    func fsyncdir(node: NodeID, handle: FileHandleID, dataOnly: Bool, context: RequestContext) throws(Errno) {}
    func statfs(node: NodeID, context: RequestContext) throws(Errno) -> StatfsReply { StatfsReply(blocks: 1 << 20, blocksFree: 1 << 19) }
    func setxattr(node: NodeID, name: String, value: UnsafeRawBufferPointer, flags: UInt32, context: RequestContext) throws(Errno) {}
    func getxattr(node: NodeID, name: String, context: RequestContext) throws(Errno) -> [UInt8] {
        guard !name.isEmpty else { throw .noData }
        return [UInt8](repeating: 0x41, count: name.utf8.count * 7)
    }
    func listxattr(node: NodeID, context: RequestContext) throws(Errno) -> [String] { ["user.a", "user.famfs.fmap", "trusted.x"] }
    func removexattr(node: NodeID, name: String, context: RequestContext) throws(Errno) {}
    func access(node: NodeID, mask: UInt32, context: RequestContext) throws(Errno) { _ = try attr(node) }
    func create(parent: NodeID, name: String, mode: UInt32, umask: UInt32, flags: UInt32, context: RequestContext) throws(Errno) -> (Entry, OpenReply) {
        (try entry(Self.created), OpenReply(handle: FileHandleID(8)))
    }
    func getlk(node: NodeID, handle: FileHandleID, owner: UInt64, lock: FileLock, context: RequestContext) throws(Errno) -> FileLock { lock }
    func setlk(node: NodeID, handle: FileHandleID, owner: UInt64, lock: FileLock, wait: Bool, isFlock: Bool, context: RequestContext) throws(Errno) {}
    func getFmap(node: NodeID, limit: Int, context: RequestContext) throws(Errno) -> [UInt8] {
        // Up to 40 extents: more than the kernel takes, and longer than small limits.
        let count = 1 + Int(node.rawValue % 40)
        return FamfsFmapWire.simpleMessage(fileType: 0, fileSize: UInt64(Self.fileSize),
                                           extents: (0..<count).map { FamfsSimpleExt(offset: UInt64($0 + 1) << 21, length: 0x20_0000) })
    }
    func getDaxdev(index: UInt64, context: RequestContext) throws(Errno) -> [UInt8] {
        guard index == 0, let out = FamfsDaxdevOut(index: 0, name: Array("/dev/dax0.0".utf8)) else { throw .noSuchFileOrDirectory }
        return out.encoded()
    }
}
