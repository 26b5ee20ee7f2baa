import SystemPackage

/// Sends cache-invalidation notifications to the kernel (`fuse_out_header` with unique 0 and
/// the notify code in `error`). Usable from any thread once the session is mounted.
///
/// Do not call it from inside an operation on the same directory: the kernel may hold locks
/// the notification needs, and the worker would wait for itself.
public final class Notifier: Sendable {
    let channel: FuseChannel

    init(channel: FuseChannel) { self.channel = channel }

    /// FUSE_NOTIFY_INVAL_INODE: drop cached attributes and the data in `offset..<offset+length`
    /// (length 0 = to the end; offset -1 = attributes only). An inode the kernel does not
    /// know (ENOENT) is not an error.
    public func invalInode(_ node: NodeID, offset: Int64 = 0, length: Int64 = 0) throws(Errno) {
        var w = WireWriter(capacity: OutHeader.size + NotifyInvalInodeOut.size)
        OutHeader(
            length: UInt32(OutHeader.size + NotifyInvalInodeOut.size),
            error: NotifyCode.invalInode.rawValue, unique: 0
        ).encode(into: &w)
        NotifyInvalInodeOut(ino: node.rawValue, offset: offset, length: length).encode(into: &w)
        try send(w.bytes)
    }

    /// FUSE_NOTIFY_INVAL_ENTRY: drop the cached name `name` in `parent` (including a cached
    /// negative entry), so the next access looks it up again. ENOENT is not an error.
    public func invalEntry(parent: NodeID, name: String) throws(Errno) {
        let message = Self.invalEntryMessage(parent: parent, name: name)
        try send(message)
    }

    static func invalEntryMessage(parent: NodeID, name: String) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        let length = OutHeader.size + NotifyInvalEntryOut.size + nameBytes.count + 1
        var w = WireWriter(capacity: length)
        OutHeader(length: UInt32(length), error: NotifyCode.invalEntry.rawValue, unique: 0)
            .encode(into: &w)
        NotifyInvalEntryOut(parent: parent.rawValue, nameLength: UInt32(nameBytes.count), flags: 0)
            .encode(into: &w)
        w.raw(nameBytes)
        w.u8(0)
        return w.bytes
    }

    private func send(_ message: [UInt8]) throws(Errno) {
        let failure = message.withUnsafeBytes { Sys.write(channel.fd, $0) }
        if let failure, failure != .noSuchFileOrDirectory { throw failure }
    }
}
