import FamfsCore
import FamfsFormat

/// Log entries as replay sees them: the input is up to 8 slots of 544 bytes; unless the first
/// byte's low bit is set each slot gets the right seqnum and CRC, so the fuzzer works on the
/// bodies. The slots are decoded one by one, then replayed as a log (namespace, allocation
/// bitmap, path rules, plausibility of maps) on a 4 GiB device; every file replay keeps must
/// have a plausible map, and its fmap YAML must read back as the same file.
enum LogEntryTarget {
    static let superblock = Superblock(fsUUID: .zero, deviceUUID: .zero, systemUUID: .zero,
                                       deviceSize: 4 << 30, daxdevName: "/dev/dax0.0")

    static let target = FuzzTarget(name: "log-entry") { data in
        guard let mode = data.first else { return }
        let fix = mode & 1 == 0
        var body = Array(data.dropFirst())
        let slots = min(8, (body.count + Media.logEntrySize - 1) / Media.logEntrySize)
        body += [UInt8](repeating: 0, count: slots * Media.logEntrySize - body.count)
        for k in 0..<slots where fix {
            let base = k * Media.logEntrySize
            for i in 0..<8 { body[base + i] = UInt8(truncatingIfNeeded: UInt64(k) >> (8 * UInt64(i))) }
            var slot = Array(body[base..<base + Media.logEntrySize])
            CRCFix.store(&slot, crcAt: LogEntry.Offset.crc, over: Media.logEntryCRCRange, width: 8)
            body.replaceSubrange(base..<base + Media.logEntrySize, with: slot)
        }
        for k in 0..<slots {
            let slot = body[(k * Media.logEntrySize)..<((k + 1) * Media.logEntrySize)]
            if let e = try? LogEntry.decode(slot, index: UInt64(k)) {
                invariant(e.seqnum == UInt64(k), "decoded entry has another seqnum")
                if case .file(let f) = e.body { _ = try? LogPath.validate(f.path) }
            }
        }
        var log = LogHeader(length: Media.defaultLogLength)
        log.nextIndex = UInt64(slots)
        let region = log.encoded() + body
        var replayer = LogReplayer(superblock: superblock)
        region.withUnsafeBytes { p in
            _ = replayer.catchUp(log: p, committed: UInt64(slots))
            _ = replayer.invalidTail(log: p, committed: UInt64(slots))
        }
        invariant(replayer.nextIndex <= UInt64(slots), "replay went past the committed entries")
        for node in replayer.namespace.nodes.values {
            guard let f = node.file else { continue }
            invariant(replayer.allocator.isPlausible(f.fmap), "replay kept a file with an implausible map")
            invariant(f.size <= f.fmap.capacity, "replay kept a file larger than its map")
            invariant((try? LogPath.check(f.path)) != nil, "replay kept a file with a bad path")
            let ranges = f.fmap.deviceRanges(offset: 0, length: f.size)
            invariant(ranges.reduce(0) { $0 + $1.length } == f.size, "device ranges do not cover the file")
            invariant((try? FmapYAML.parse(FmapYAML.emit(f))) == f, "fmap YAML does not read back as the file")
        }
    }
}
