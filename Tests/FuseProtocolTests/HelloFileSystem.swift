import FuseProtocol
import Glibc
import Synchronization
import SystemPackage

/// A tiny in-memory file system for the tests: `/hello` (a file served zero-copy from a
/// long-lived buffer), `/dir` (an empty directory) and `/later` (appears when `showLater`).
final class HelloFileSystem: FuseFileSystem, @unchecked Sendable {
    static let helloNode = NodeID(2)
    static let dirNode = NodeID(3)
    static let laterNode = NodeID(4)
    static let greeting = Array("Hello, world!\n".utf8)
    static let capacity = 4096

    struct State {
        var helloSize = HelloFileSystem.greeting.count
        var showLater = false
        var xattrs: [String: [UInt8]] = ["user.test": Array("value".utf8)]
        var flocks: [UInt32] = []
        var offered: InitOffer?
        var granted: InitFlags?
    }

    /// The file's bytes: a long-lived allocation READ hands out regions of (never freed).
    let storage: UnsafeMutableRawBufferPointer
    let state = Mutex(State())
    /// Extra capability the tests ask for through the init hook.
    let extraWanted: InitFlags

    init(extraWanted: InitFlags = []) {
        self.extraWanted = extraWanted
        storage = .allocate(byteCount: Self.capacity, alignment: 4096)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        storage.copyBytes(from: Self.greeting)
    }

    func initialize(offer: InitOffer, configuration: inout InitConfiguration) throws(Errno) {
        configuration.wanted.formUnion(extraWanted)
        state.withLock { $0.offered = offer }
    }

    func initialized(_ connection: Connection) {
        state.withLock { $0.granted = connection.flags }
    }

    func attr(_ node: NodeID) -> Attr? {
        let s = state.withLock { $0 }
        switch node {
        case .root: return Attr(ino: 1, mode: S_IFDIR | 0o755, nlink: 3)
        case Self.helloNode:
            return Attr(ino: 2, size: UInt64(s.helloSize), blocks: 1, mode: S_IFREG | 0o644)
        case Self.dirNode: return Attr(ino: 3, mode: S_IFDIR | 0o755, nlink: 2)
        case Self.laterNode where s.showLater: return Attr(ino: 4, mode: S_IFREG | 0o444)
        default: return nil
        }
    }

    func entry(_ node: NodeID) -> Entry? {
        attr(node).map { Entry(node: node, generation: 1, attr: $0, entryTimeout: FuseTime(seconds: 60), attrTimeout: FuseTime(seconds: 0)) }
    }

    func lookup(parent: NodeID, name: String, context: RequestContext) throws(Errno) -> Entry {
        guard parent == .root else { throw .noSuchFileOrDirectory }
        let node: NodeID? = switch name {
        case "hello": Self.helloNode
        case "dir": Self.dirNode
        case "later": Self.laterNode
        default: nil
        }
        // Unknown names are negative entries cached for a minute: only an invalidation
        // makes a name that appears later visible before then.
        guard let node, let entry = entry(node) else { return .negative(timeout: FuseTime(seconds: 60)) }
        return entry
    }

    func getattr(node: NodeID, handle: FileHandleID?, context: RequestContext) throws(Errno) -> AttrReply {
        guard let attr = attr(node) else { throw .noSuchFileOrDirectory }
        return AttrReply(attr: attr, timeout: .zero)
    }

    func setattr(node: NodeID, changes: SetattrRequest, context: RequestContext) throws(Errno) -> AttrReply {
        guard node == Self.helloNode else { throw .notPermitted }
        if changes.valid.contains(.size) {
            guard changes.size <= UInt64(Self.capacity) else { throw .fileTooLarge }
            state.withLock { $0.helloSize = Int(changes.size) }
        }
        return try getattr(node: node, handle: nil, context: context)
    }

    func open(node: NodeID, flags: UInt32, context: RequestContext) throws(Errno) -> OpenReply {
        guard attr(node) != nil else { throw .noSuchFileOrDirectory }
        return OpenReply(handle: FileHandleID(node.rawValue * 100), flags: [.directIO])
    }

    func read(node: NodeID, handle: FileHandleID, offset: UInt64, size: UInt32, context: RequestContext) throws(Errno) -> ReplyData {
        guard node == Self.helloNode else { return .bytes([]) }
        let length = state.withLock { $0.helloSize }
        guard offset < UInt64(length) else { return .regions([]) }
        let start = Int(offset)
        let end = min(length, start + Int(size))
        // Two regions on purpose, to exercise writev with several iovecs.
        let mid = start + (end - start) / 2
        return .regions([
            UnsafeRawBufferPointer(rebasing: storage[start..<mid]),
            UnsafeRawBufferPointer(rebasing: storage[mid..<end]),
        ])
    }

    func write(node: NodeID, handle: FileHandleID, offset: UInt64, data: UnsafeRawBufferPointer, writeFlags: UInt32, context: RequestContext) throws(Errno) -> UInt32 {
        guard node == Self.helloNode else { throw .badFileDescriptor }
        guard offset + UInt64(data.count) <= UInt64(Self.capacity) else { throw .fileTooLarge }
        UnsafeMutableRawBufferPointer(rebasing: storage[Int(offset)..<(Int(offset) + data.count)]).copyMemory(from: data)
        state.withLock { $0.helloSize = max($0.helloSize, Int(offset) + data.count) }
        return UInt32(data.count)
    }

    func flush(node: NodeID, handle: FileHandleID, lockOwner: UInt64, context: RequestContext) throws(Errno) {}

    func opendir(node: NodeID, flags: UInt32, context: RequestContext) throws(Errno) -> OpenReply {
        OpenReply(handle: FileHandleID(7))
    }

    func listing(_ node: NodeID) -> [(String, NodeID)] {
        guard node == .root else { return [(".", node), ("..", .root)] }
        var names: [(String, NodeID)] = [(".", .root), ("..", .root), ("hello", Self.helloNode), ("dir", Self.dirNode)]
        if state.withLock({ $0.showLater }) { names.append(("later", Self.laterNode)) }
        return names
    }

    func readdir(node: NodeID, handle: FileHandleID, offset: UInt64, buffer: inout DirentBuffer, context: RequestContext) throws(Errno) {
        for (i, (name, child)) in listing(node).enumerated().dropFirst(Int(offset)) {
            let mode = attr(child)?.mode ?? S_IFDIR
            if !buffer.append(name: name, ino: child.rawValue, mode: mode, nextOffset: UInt64(i + 1)) { break }
        }
    }

    func readdirplus(node: NodeID, handle: FileHandleID, offset: UInt64, buffer: inout DirentBuffer, context: RequestContext) throws(Errno) {
        for (i, (name, child)) in listing(node).enumerated().dropFirst(Int(offset)) {
            let ok: Bool
            if name == "." || name == ".." {
                ok = buffer.append(name: name, ino: child.rawValue, mode: S_IFDIR, nextOffset: UInt64(i + 1))
            } else if let entry = entry(child) {
                ok = buffer.append(name: name, entry: entry, nextOffset: UInt64(i + 1))
            } else {
                continue
            }
            if !ok { break }
        }
    }

    func mkdir(parent: NodeID, name: String, mode: UInt32, umask: UInt32, context: RequestContext) throws(Errno) -> Entry {
        throw .noSpace
    }

    func statfs(node: NodeID, context: RequestContext) throws(Errno) -> StatfsReply {
        StatfsReply(blocks: 100, blocksFree: 40, blocksAvailable: 40, files: 4, filesFree: 0)
    }

    func getxattr(node: NodeID, name: String, context: RequestContext) throws(Errno) -> [UInt8] {
        guard node == Self.helloNode else { throw .noData }
        guard let value = state.withLock({ $0.xattrs[name] }) else { throw .noData }
        return value
    }

    func listxattr(node: NodeID, context: RequestContext) throws(Errno) -> [String] {
        guard node == Self.helloNode else { return [] }
        return state.withLock { $0.xattrs.keys.sorted() }
    }

    func setxattr(node: NodeID, name: String, value: UnsafeRawBufferPointer, flags: UInt32, context: RequestContext) throws(Errno) {
        guard node == Self.helloNode else { throw .notPermitted }
        state.withLock { $0.xattrs[name] = Array(value) }
    }

    func setlk(node: NodeID, handle: FileHandleID, owner: UInt64, lock: FileLock, wait: Bool, isFlock: Bool, context: RequestContext) throws(Errno) {
        guard isFlock else { throw .noFunction }
        state.withLock { $0.flocks.append(lock.type) }
    }

    func unknownOperation(opcode: UInt32, node: NodeID, header: InHeader, payload: UnsafeRawBufferPointer) throws(Errno) -> [UInt8] {
        guard opcode == 55 || opcode == 54 else { throw .noFunction }
        return [0xDA, UInt8(truncatingIfNeeded: opcode), UInt8(truncatingIfNeeded: node.rawValue), UInt8(payload.count)]
    }
}

/// Hello with the DAX-fmap extension: GET_FMAP answers 0xF0, the node and the reply limit's
/// high byte (or `fmapReplySize` bytes, to test the limit); GET_DAXDEV answers 0xDA and the index.
final class HelloFmapFileSystem: FuseFmapFileSystem, @unchecked Sendable {
    let fmapReplySize: Int?
    init(fmapReplySize: Int? = nil) { self.fmapReplySize = fmapReplySize }

    func getFmap(node: NodeID, limit: Int, context: RequestContext) throws(Errno) -> [UInt8] {
        if let fmapReplySize { return [UInt8](repeating: 0xF0, count: fmapReplySize) }
        return [0xF0, UInt8(truncatingIfNeeded: node.rawValue), UInt8(truncatingIfNeeded: limit >> 8)]
    }

    func getDaxdev(index: UInt64, context: RequestContext) throws(Errno) -> [UInt8] {
        [0xDA, UInt8(truncatingIfNeeded: index)]
    }
}
