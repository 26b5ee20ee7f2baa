#if canImport(Glibc)
import Glibc
#endif
import CFamfsShims
import FamfsFormat
import FamfsMemory
import Synchronization

/// Appending to the log (master only). Every mutation takes the device's exclusive flock, catches
/// up with entries other processes appended, checks, and appends in the order of docs/ARCHITECTURE.md, "Metadata safety":
/// entry into the zeroed slot, flush, then `next_seqnum` and `next_index`, flush. A writer killed
/// at any instant leaves a whole entry or none.
extension FamfsVolume {
    /// Creates directory `path` (relative to the mount point). With `parents`, missing ancestors are
    /// created too and an existing directory is fine. Returns the nodes created.
    @discardableResult
    public func mkdir(_ path: String, mode: UInt32, uid: UInt32, gid: UInt32, parents: Bool = false) throws(CoreError) -> [Namespace.Node] {
        let parts = try validated(path)
        return try withWriteLock { r, header throws(CoreError) in
            var missing: [String] = []
            var prefix = ""
            for (i, part) in parts.enumerated() {
                prefix = prefix.isEmpty ? String(part) : prefix + "/" + part
                if let node = r.namespace.lookup(prefix) {
                    guard node.isDirectory else { throw .notDirectory(path: prefix) }
                    if i == parts.count - 1 && !parents { throw .exists(path: prefix) }
                    continue
                }
                if i < parts.count - 1 && !parents { throw .notFound(path: prefix) }
                missing.append(prefix)
            }
            // All or nothing: check the room for every entry before appending the first.
            guard header.nextIndex + UInt64(missing.count) <= header.slots else {
                throw .logFull(device: device.path, slots: header.slots)
            }
            var created: [Namespace.Node] = []
            for p in missing {
                let index = try append(.mkdir(DirectoryMeta(path: p, mode: mode & 0o7777, uid: uid, gid: gid)), &r, &header)
                if let n = r.namespace[Namespace.nodeID(logIndex: index)] { created.append(n) }
            }
            return created
        }
    }

    /// Creates a file of `size` bytes at `path`. If a file of the same size exists and
    /// `reuseExisting` is set it is returned as is (restartable `cp`/`creat`); any other existing
    /// node is an error.
    public func createFile(_ path: String, size: UInt64, mode: UInt32, uid: UInt32, gid: UInt32,
                           interleave: InterleaveParameters = .contiguous, reuseExisting: Bool = false) throws(CoreError) -> Namespace.Node {
        guard size > 0 else { throw .invalidArgument("\(path): creating an empty file is not allowed") }
        return try create(path, size: size, mode: mode, uid: uid, gid: gid, interleave: interleave, reuse: reuseExisting).node
    }

    /// The one rule for `famfs creat` and `famfs cp` targets, wherever they are served (the
    /// daemon's control channel or a command's own replay): a missing file is created with `size`
    /// bytes; an existing file is returned as is when `size` is 0 (any size) or its size; anything
    /// else at `path` is an error. `created` tells which happened.
    public func createOrReuseFile(_ path: String, size: UInt64, mode: UInt32, uid: UInt32, gid: UInt32,
                                  interleave: InterleaveParameters = .contiguous) throws(CoreError) -> (node: Namespace.Node, created: Bool) {
        try create(path, size: size, mode: mode, uid: uid, gid: gid, interleave: interleave, reuse: true)
    }

    private func create(_ path: String, size: UInt64, mode: UInt32, uid: UInt32, gid: UInt32,
                        interleave: InterleaveParameters, reuse: Bool) throws(CoreError) -> (node: Namespace.Node, created: Bool) {
        let parts = try validated(path)
        guard size <= superblock.deviceSize else { throw .noSpace(device: device.path, path: path, bytes: size) }
        if size > 0 { try interleave.validate(deviceSize: superblock.deviceSize, allocationUnit: superblock.allocationUnit) }
        return try withWriteLock { r, header throws(CoreError) in
            let parentPath = parts.dropLast().joined(separator: "/")
            guard let parent = r.namespace.lookup(parentPath) else { throw .notFound(path: parentPath) }
            guard parent.isDirectory else { throw .notDirectory(path: parentPath) }
            if let existing = r.namespace.child(of: parent.id, named: String(parts.last!)) {
                guard let f = existing.file else { throw .isDirectory(path: path) }
                guard reuse else { throw .exists(path: path) }
                guard size == 0 || f.size == size else {
                    throw .invalidArgument("\(path): exists with size \(f.size), not \(size)")
                }
                return (existing, false)
            }
            guard size > 0 else { throw .invalidArgument("\(path): new file size=zero (give a size)") }
            guard !header.isFull else { throw .logFull(device: device.path, slots: header.slots) }
            guard let fmap = r.proposeAllocation(size: size, interleave: interleave) else {
                throw .noSpace(device: device.path, path: path, bytes: size)
            }
            let meta = FileMeta(path: path, size: size, mode: mode & 0o7777, uid: uid, gid: gid, fmap: fmap)
            let index = try append(.file(meta), &r, &header)
            guard let node = r.namespace[Namespace.nodeID(logIndex: index)] else {
                throw .invalidArgument("\(path): the new entry was not accepted by replay")
            }
            return (node, true)
        }
    }

    /// Appends an arbitrary entry (tests, and `famfs clone` which must log a cross-link on purpose).
    @discardableResult
    public func appendRaw(_ body: LogEntry.Body) throws(CoreError) -> UInt64 {
        try withWriteLock { r, header throws(CoreError) in try append(body, &r, &header) }
    }

    private func validated(_ path: String) throws(CoreError) -> [Substring] {
        do { return try LogPath.validate(path) } catch { throw .invalidPath(error) }
    }

    /// Runs `body` holding the device flock and the in-process lock, after catching up with the log.
    func withWriteLock<T>(_ body: (inout LogReplayer, inout LogHeader) throws(CoreError) -> T) throws(CoreError) -> T {
        guard role == .master else { throw .notMaster(device: device.path) }
        guard device.writable else {
            throw .system(operation: "append to the log of", path: device.path, errno: .readOnlyFileSystem)
        }
        // The writer mutex first, then the flock: threads share the descriptor, and flock does
        // not exclude holders of the same open file, so the mutex must cover the whole hold. The
        // namespace mutex is taken only once the flock is ours, so readers (lookups, getattr)
        // never wait behind another process's writer.
        return try writer.withLock { (_: inout Void) throws(CoreError) -> T in
            let lock = try DeviceLock(fileSystem: superblock.fsUUID, path: device.path)
            var header = try readHeader()
            let result = try state.withLock { (r: inout LogReplayer) throws(CoreError) -> T in
                _ = catchUp(&r, header)
                // next_index is not CRC-covered: a header that went backwards must never make us
                // overwrite committed entries.
                guard header.nextIndex >= r.nextIndex else {
                    throw .badLog(device: device.path, .badField(structure: "log header", field: "famfs_log_next_index",
                        offset: LogHeader.Offset.nextIndex, value: header.nextIndex,
                        reason: "went backwards (entries up to \(r.nextIndex) were seen)"))
                }
                return try body(&r, &header)
            }
            _ = consume lock  // released only after the header update is flushed
            return result
        }
    }

    /// Writes entry `body` at `header.nextIndex`, commits it, and applies it to `r`.
    func append(_ body: LogEntry.Body, _ r: inout LogReplayer, _ header: inout LogHeader) throws(CoreError) -> UInt64 {
        guard !header.isFull else { throw .logFull(device: device.path, slots: header.slots) }
        let index = header.nextIndex
        let bytes = LogEntry(seqnum: index, body: body).encoded()
        let slot = logBase + Media.entryOffset(index)
        bytes.withUnsafeBytes { slot.copyMemory(from: $0.baseAddress!, byteCount: Media.logEntrySize) }
        CacheControl.flush(slot, Media.logEntrySize)
        // next_seqnum and next_index (adjacent, 16-byte aligned) in one store: a writer killed
        // here leaves both old or both new.
        famfs_store_u64_pair(logBase + LogHeader.Offset.nextSeqnum, (index + 1).littleEndian, (index + 1).littleEndian)
        CacheControl.flush(logBase, Media.logHeaderSize)
        header.nextSeqnum = index + 1
        header.nextIndex = index + 1
        r.catchUp(log: logBytes, committed: index + 1)
        return index
    }
}
