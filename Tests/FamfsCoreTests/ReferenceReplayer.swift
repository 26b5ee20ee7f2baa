@testable import FamfsCore
@testable import FamfsFormat

/// Replay as it was first written — every entry decoded into owned values through `ByteReader`
/// (a copy of the slot), CRC by the portable table, paths split into arrays, nodes in a
/// dictionary — kept here as the oracle that the in-place replay of `LogReplayer` must match
/// exactly: namespace, bitmap, collisions, counts and report messages.
struct ReferenceReplayer {
    var nodes: [UInt64: Namespace.Node] = [
        Namespace.rootID: Namespace.Node(id: Namespace.rootID, parent: Namespace.rootID, name: "", path: "",
                                         kind: .directory, mode: 0o755, uid: 0, gid: 0)]
    var bitmap: Bitmap
    var collisions = 0
    var report = ReplayReport()
    var nextIndex: UInt64 = 0
    var loggedFileBytes: UInt64 = 0
    var loggedFiles: UInt64 = 0
    var loggedDirectories: UInt64 = 0
    let buildsNamespace: Bool
    let deviceSize: UInt64, allocationUnit: UInt64, reservedBytes: UInt64

    init(superblock sb: Superblock, buildsNamespace: Bool = true) {
        self.buildsNamespace = buildsNamespace
        deviceSize = sb.deviceSize
        allocationUnit = sb.allocationUnit
        reservedBytes = sb.reservedBytes
        bitmap = Bitmap(count: Int(sb.deviceSize / sb.allocationUnit))
        let reservedUnits = Int((sb.reservedBytes + sb.allocationUnit - 1) / sb.allocationUnit)
        for i in 0..<min(reservedUnits, bitmap.count) { bitmap.set(i) }
    }

    // MARK: decoding

    static func verify(_ raw: UnsafeRawBufferPointer, index: UInt64) throws(FormatError) {
        let r = ByteReader(raw)
        let seq = r.u64(0)
        guard seq == index else { throw .badSeqnum(index: index, found: seq) }
        let stored = r.u64(536)
        let computed = CRC32.portableChecksum(UnsafeRawBufferPointer(rebasing: raw[0..<536]))
        guard stored == UInt64(computed) else {
            throw .badCRC(structure: "log entry \(index)", offset: 536, stored: stored, computed: computed)
        }
    }

    static func decode(_ raw: UnsafeRawBufferPointer, index: UInt64) throws(FormatError) -> LogEntry {
        try verify(raw, index: index)
        let r = ByteReader(raw)
        let type = r.u32(8)
        let body: LogEntry.Body
        switch type {
        case 0:
            let path = String(decoding: r.cString(40, 80), as: UTF8.self)
            body = .file(FileMeta(path: path, size: r.u64(16), mode: r.u32(36), uid: r.u32(28), gid: r.u32(32),
                                  fmap: try decodeFmap(r, at: 120), flags: r.u32(24)))
        case 1:
            let path = String(decoding: r.cString(28, 80), as: UTF8.self)
            body = .mkdir(DirectoryMeta(path: path, mode: r.u32(24), uid: r.u32(16), gid: r.u32(20)))
        case 2: body = .delete
        case 3: body = .addDaxdev(DaxdevMeta(size: r.u64(16), uuid: FamfsUUID(unchecked: r.slice(24, 16)), index: r.u32(40)))
        case 4: body = .invalid
        default: body = .unknown(type: type)
        }
        return LogEntry(seqnum: r.u64(0), body: body)
    }

    static func decodeFmap(_ r: ByteReader, at base: Int) throws(FormatError) -> Fmap {
        let type = r.u32(base)
        let count = r.u32(base + 8)
        func ext(_ off: Int) -> SimpleExtent { SimpleExtent(devIndex: r.u64(off), offset: r.u64(off + 8), length: r.u64(off + 16)) }
        switch type {
        case 0:
            guard count >= 1 && count <= 16 else {
                throw .badField(structure: "fmap", field: "fmap_nextents", offset: base + 8, value: UInt64(count),
                                reason: "a simple map has 1 to 16 extents")
            }
            return .simple((0..<Int(count)).map { ext(base + 16 + $0 * 24) })
        case 1:
            guard count == 1 else {
                throw .badField(structure: "fmap", field: "fmap_niext", offset: base + 8, value: UInt64(count),
                                reason: "an interleaved map has exactly 1 interleaved extent")
            }
            let nstrips = r.u64(base + 16)
            let chunk = r.u64(base + 24)
            guard nstrips >= 1 && nstrips <= 16 else {
                throw .badField(structure: "fmap", field: "ie_nstrips", offset: base + 16, value: nstrips,
                                reason: "an interleaved extent has 1 to 16 strips")
            }
            guard chunk > 0 && chunk & (chunk - 1) == 0 else {
                throw .badField(structure: "fmap", field: "ie_chunk_size", offset: base + 24, value: chunk,
                                reason: "the chunk size must be a non-zero power of two")
            }
            return .interleaved(InterleavedExtent(chunkSize: chunk, strips: (0..<Int(nstrips)).map { ext(base + 32 + $0 * 24) }))
        default:
            throw .badField(structure: "fmap", field: "fmap_ext_type", offset: base, value: UInt64(type),
                            reason: "unknown extent type (0 simple, 1 interleave)")
        }
    }

    // MARK: replay

    @discardableResult
    mutating func catchUp(log: UnsafeRawBufferPointer, committed: UInt64) -> UInt64 {
        let start = nextIndex
        var pendingBad: [(UInt64, FormatError)] = []
        guard committed > nextIndex else { return 0 }
        var i = nextIndex
        while i < committed {
            let off = 48 + Int(i) * 544
            guard off + 544 <= log.count else { break }
            let slot = UnsafeRawBufferPointer(rebasing: log[off..<off + 544])
            do {
                let entry = try Self.decode(slot, index: i)
                for (bad, error) in pendingBad {
                    report.badEntries += 1
                    report.problems.append("log entry \(bad): \(error) (skipped)")
                    nextIndex = bad + 1
                }
                pendingBad.removeAll()
                apply(entry, index: i)
                nextIndex = i + 1
            } catch {
                pendingBad.append((i, error))
            }
            i += 1
        }
        report.entries = nextIndex
        return nextIndex - start
    }

    func invalidTail(log: UnsafeRawBufferPointer, committed: UInt64) -> [(UInt64, FormatError)] {
        var out: [(UInt64, FormatError)] = []
        for i in nextIndex..<max(nextIndex, committed) {
            let off = 48 + Int(i) * 544
            guard off + 544 <= log.count else { break }
            do { try Self.verify(UnsafeRawBufferPointer(rebasing: log[off..<off + 544]), index: i) } catch { out.append((i, error)) }
        }
        return out
    }

    mutating func apply(_ entry: LogEntry, index: UInt64) {
        switch entry.body {
        case .file(let f):
            loggedFiles += 1
            loggedFileBytes &+= f.size
            markUsed(f.fmap)
            if let problem = fileProblem(f) {
                report.fileErrors += 1
                report.problems.append("log entry \(index): file '\(f.path)': \(problem) (skipped)")
                return
            }
            guard buildsNamespace else { report.filesCreated += 1; return }
            switch insert(path: f.path, index: index, kind: .file(f), mode: f.mode, uid: f.uid, gid: f.gid) {
            case .added: report.filesCreated += 1
            case .existed: report.filesExisted += 1
            case .conflict(let why):
                report.fileErrors += 1
                report.problems.append("log entry \(index): \(why) (skipped)")
            }
        case .mkdir(let d):
            loggedDirectories += 1
            if let bad = pathProblem(d.path) {
                report.directoryErrors += 1
                report.problems.append("log entry \(index): directory '\(d.path)': \(bad) (skipped)")
                return
            }
            guard buildsNamespace else { report.directoriesCreated += 1; return }
            switch insert(path: d.path, index: index, kind: .directory, mode: d.mode, uid: d.uid, gid: d.gid) {
            case .added: report.directoriesCreated += 1
            case .existed: report.directoriesExisted += 1
            case .conflict(let why):
                report.directoryErrors += 1
                report.problems.append("log entry \(index): \(why) (skipped)")
            }
        case .delete, .addDaxdev, .invalid, .unknown:
            report.ignoredEntries += 1
        }
    }

    func pathProblem(_ path: String) -> String? {
        // Paths are decoded lossily here: a U+FFFD stands for bytes that were not UTF-8 (the
        // generator never writes U+FFFD itself), which replay refuses before anything else.
        if path.unicodeScalars.contains("\u{FFFD}") { return FormatError.badPath(path: path, reason: "not UTF-8").description }
        do { try LogPath.check(path); return nil } catch { return "\(error)" }
    }

    func fileProblem(_ f: FileMeta) -> String? {
        if let p = pathProblem(f.path) { return p }
        do { try f.validate(deviceSize: deviceSize, alignment: allocationUnit, dataStart: reservedBytes) } catch { return "map: \(error)" }
        return nil
    }

    mutating func markUsed(_ fmap: Fmap) {
        for e in fmap.extents {
            guard e.length > 0 else { continue }
            guard e.offset / allocationUnit < UInt64(bitmap.count) else { continue }
            let first = Int(e.offset / allocationUnit)
            let n = Int(min(e.length / allocationUnit + (e.length % allocationUnit == 0 ? 0 : 1), UInt64(bitmap.count)))
            for i in first..<min(first + n, bitmap.count) where !bitmap.set(i) { collisions += 1 }
        }
    }

    func lookupID<S: Sequence>(_ parts: S) -> UInt64? where S.Element: StringProtocol {
        var id = Namespace.rootID
        for part in parts where part != "." {
            guard let next = nodes[id]?.children[String(part)] else { return nil }
            id = next
        }
        return id
    }

    mutating func insert(path: String, index: UInt64, kind: Namespace.Kind, mode: UInt32, uid: UInt32, gid: UInt32) -> Namespace.Insertion {
        let parts = path.split(separator: "/").map(String.init)
        guard let name = parts.last else { return .conflict("empty path") }
        guard let parentID = lookupID(parts.dropLast()) else { return .conflict("parent directory of '\(path)' does not exist") }
        guard nodes[parentID]?.isDirectory == true else { return .conflict("parent of '\(path)' is a file") }
        if let existingID = nodes[parentID]?.children[name], let existingKind = nodes[existingID]?.kind {
            switch (existingKind, kind) {
            case (.directory, .directory), (.file, .file): return .existed
            case (.directory, .file): return .conflict("'\(path)' is logged as a file but is a directory")
            case (.file, .directory): return .conflict("'\(path)' is logged as a directory but is a file")
            }
        }
        let id = Namespace.nodeID(logIndex: index)
        nodes[id] = Namespace.Node(id: id, parent: parentID, name: name, path: path, kind: kind, mode: mode & 0o7777, uid: uid, gid: gid)
        nodes[parentID]?.children[name] = id
        if kind == .directory { nodes[parentID]?.subdirectoryCount += 1 }
        return .added
    }
}
