import FamfsFormat

/// Incremental replay: remembers how far it has read and applies only new entries to the
/// namespace and the allocation bitmap.
public struct LogReplayer: Sendable {
    public private(set) var namespace = Namespace()
    public private(set) var allocator: Allocator
    public private(set) var report = ReplayReport()
    /// Entries `[0, nextIndex)` have been applied (or judged corrupt and skipped).
    public private(set) var nextIndex: UInt64 = 0
    /// Sum of `fm_size` over valid FILE entries, and counts of valid FILE / MKDIR entries, as the
    /// reference's fsck counts them (duplicates included).
    public private(set) var loggedFileBytes: UInt64 = 0
    public private(set) var loggedFiles: UInt64 = 0
    public private(set) var loggedDirectories: UInt64 = 0

    /// Where the last catch-up stopped before a run of invalid entries up to `committed`: the
    /// same run is not re-scanned on every refresh (a hostile header can claim every slot of a
    /// large log). It is re-scanned when the header moves, when its first entry becomes valid,
    /// and every `tailRescanInterval` calls (a later entry of the run may have become visible).
    private var stalledTail: (committed: UInt64, calls: Int)?
    static let tailRescanInterval = 64
    /// Log slots read by `catchUp` so far (what a refresh costs; tests check it stays bounded).
    public private(set) var slotsExamined: UInt64 = 0
    /// At most this many problem lines are kept; the counts stay exact.
    static let maxProblems = 10_000

    /// Whether entries are applied to `namespace` (fsck's fast scan only needs the bitmap and counts).
    public let buildsNamespace: Bool

    public init(superblock: Superblock, buildsNamespace: Bool = true) {
        self.buildsNamespace = buildsNamespace
        allocator = Allocator(deviceSize: superblock.deviceSize, allocationUnit: superblock.allocationUnit,
                              reservedBytes: superblock.reservedBytes)
    }

    /// Whether the next `catchUp(committed:)` reads the whole tail, or only its first entry.
    public func rescansTail(committed: UInt64) -> Bool {
        guard let t = stalledTail else { return true }
        return t.committed != committed || t.calls >= Self.tailRescanInterval
    }

    /// Applies committed entries `[nextIndex, committed)` read from `log` (the whole log region).
    /// A run of invalid entries at the tail is "not visible yet" (another host's cache may not
    /// have them): replay stops before it and retries next time. An invalid entry followed by a
    /// valid one is corruption: counted and skipped, never fatal to the rest.
    /// Returns the number of entries applied.
    @discardableResult
    public mutating func catchUp(log: UnsafeRawBufferPointer, committed: UInt64) -> UInt64 {
        let start = nextIndex
        guard committed > nextIndex else { return 0 }
        if let t = stalledTail, t.committed == committed, t.calls < Self.tailRescanInterval {
            slotsExamined += 1
            if isValid(log, nextIndex) { stalledTail = nil } else { stalledTail = (committed, t.calls + 1); return 0 }
        }
        stalledTail = nil
        // Only where the pending run starts: its entries' errors are rebuilt if it turns out to
        // be corruption (a valid entry after it), so a long invalid tail costs no memory.
        var firstBad: UInt64?
        // Bounded: the count comes from the device before any entry is checked.
        if buildsNamespace { namespace.reserve(Int(min(committed - nextIndex, 1 << 16))) }
        var i = nextIndex
        while i < committed {
            let off = Media.entryOffset(i)
            guard off + Media.logEntrySize <= log.count else { break }
            let slot = UnsafeRawBufferPointer(rebasing: log[off..<off + Media.logEntrySize])
            slotsExamined += 1
            do {
                // The slot is read in place: the CRC once, the fields where they lie; only what
                // the namespace keeps is copied out.
                let entry = try LogEntryView(verifying: slot, index: i)
                let fmap = entry.type == LogEntry.EntryType.file ? try entry.fileFmap() : nil
                if let b = firstBad {
                    for bad in b..<i { skipCorrupt(bad, log) }
                    firstBad = nil
                }
                apply(entry, fmap: fmap, index: i)
                nextIndex = i + 1
            } catch {
                if firstBad == nil { firstBad = i }
            }
            i += 1
        }
        if firstBad != nil { stalledTail = (committed, 0) }
        report.entries = nextIndex
        return nextIndex - start
    }

    /// Entries that stayed invalid at the tail are reported by fsck as bad without being skipped.
    public func invalidTail(log: UnsafeRawBufferPointer, committed: UInt64) -> [(UInt64, FormatError)] {
        var out: [(UInt64, FormatError)] = []
        for i in nextIndex..<max(nextIndex, committed) {
            let off = Media.entryOffset(i)
            guard off + Media.logEntrySize <= log.count else { break }
            do { try LogEntry.verify(UnsafeRawBufferPointer(rebasing: log[off..<off + Media.logEntrySize]), index: i) } catch {
                out.append((i, error))
            }
        }
        return out
    }

    private func isValid(_ log: UnsafeRawBufferPointer, _ i: UInt64) -> Bool {
        let off = Media.entryOffset(i)
        guard off + Media.logEntrySize <= log.count else { return false }
        return (try? LogEntryView(verifying: UnsafeRawBufferPointer(rebasing: log[off..<off + Media.logEntrySize]), index: i)) != nil
    }

    private mutating func skipCorrupt(_ index: UInt64, _ log: UnsafeRawBufferPointer) {
        report.badEntries += 1
        if report.problems.count < Self.maxProblems {
            let off = Media.entryOffset(index)
            let slot = UnsafeRawBufferPointer(rebasing: log[off..<off + Media.logEntrySize])
            var why = "invalid"
            do {
                let e = try LogEntryView(verifying: slot, index: index)
                if e.type == LogEntry.EntryType.file { _ = try e.fileFmap() }
            } catch { why = "\(error)" }
            report.problems.append("log entry \(index): \(why) (skipped)")
        }
        nextIndex = index + 1
    }

    /// Applies a verified entry; `fmap` is the FILE entry's map (already structurally checked).
    mutating func apply(_ entry: LogEntryView, fmap: FmapView?, index: UInt64) {
        switch entry.type {
        case LogEntry.EntryType.file:
            guard let fmap else { return }
            loggedFiles += 1
            loggedFileBytes &+= entry.fileSize
            allocator.markUsed(extents: fmap)
            if let problem = fileProblem(path: entry.filePath, size: entry.fileSize, fmap: fmap) {
                report.fileErrors += 1
                report.problems.append("log entry \(index): file '\(String(decoding: entry.filePath, as: UTF8.self))': \(problem) (skipped)")
                return
            }
            guard buildsNamespace else { report.filesCreated += 1; return }
            let f = FileMeta(path: String(decoding: entry.filePath, as: UTF8.self), size: entry.fileSize, mode: entry.fileMode,
                             uid: entry.fileUID, gid: entry.fileGID, fmap: fmap.fmap, flags: entry.fileFlags)
            switch namespace.insert(path: f.path, index: index, kind: .file(f), mode: f.mode, uid: f.uid, gid: f.gid) {
            case .added: report.filesCreated += 1
            case .existed: report.filesExisted += 1
            case .conflict(let why):
                report.fileErrors += 1
                report.problems.append("log entry \(index): \(why) (skipped)")
            }
        case LogEntry.EntryType.mkdir:
            loggedDirectories += 1
            if let bad = pathProblem(entry.dirPath) {
                report.directoryErrors += 1
                report.problems.append("log entry \(index): directory '\(String(decoding: entry.dirPath, as: UTF8.self))': \(bad) (skipped)")
                return
            }
            guard buildsNamespace else { report.directoriesCreated += 1; return }
            let path = String(decoding: entry.dirPath, as: UTF8.self)
            switch namespace.insert(path: path, index: index, kind: .directory, mode: entry.dirMode, uid: entry.dirUID, gid: entry.dirGID) {
            case .added: report.directoriesCreated += 1
            case .existed: report.directoriesExisted += 1
            case .conflict(let why):
                report.directoryErrors += 1
                report.problems.append("log entry \(index): \(why) (skipped)")
            }
        default:
            // DELETE, ADD_DAXDEV, INVALID and unknown types.
            report.ignoredEntries += 1
        }
    }

    private func pathProblem(_ path: UnsafeRawBufferPointer) -> String? {
        do { try LogPath.check(bytes: path); return nil } catch { return "\(error)" }
    }

    private func fileProblem(path: UnsafeRawBufferPointer, size: UInt64, fmap: FmapView) -> String? {
        if let p = pathProblem(path) { return p }
        return allocator.problem(size: size, fmap: fmap).map { "map: \($0)" }
    }

    /// Space for a new file, chosen on a copy of the bitmap: the bits become used when the
    /// entry is appended and replayed, so a failed append leaves nothing allocated.
    func proposeAllocation(size: UInt64, interleave: InterleaveParameters) -> Fmap? {
        var scratch = allocator
        return scratch.allocate(size: size, interleave: interleave)
    }
}
