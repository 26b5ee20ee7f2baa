import Foundation
import FamfsTestSupport
import Testing
@testable import FamfsCore
import FamfsFormat

/// The in-place replay (`LogReplayer`) and fsck against the replay as first written
/// (`ReferenceReplayer`): the same namespace, bitmap, collisions, counts and messages on the
/// reference images, on random logs full of odd entries, and on damaged logs.
@Suite("Fast replay and fsck give exactly what the reference replayer gives")
struct ReplayOracleTests {
    static let deviceSize: UInt64 = 16 << 30
    static let superblock = Superblock(fsUUID: .random(), deviceUUID: .random(), systemUUID: .random(),
                                       deviceSize: deviceSize, daxdevName: "/dev/null")

    /// Every observable of the two replays must be equal.
    static func expectSame(_ fast: LogReplayer, _ ref: ReferenceReplayer, _ context: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(fast.report == ref.report, "\(context): report", sourceLocation: sourceLocation)
        #expect(fast.nextIndex == ref.nextIndex, "\(context): nextIndex", sourceLocation: sourceLocation)
        #expect(fast.allocator.bitmap == ref.bitmap, "\(context): bitmap", sourceLocation: sourceLocation)
        #expect(fast.allocator.collisions == ref.collisions, "\(context): collisions", sourceLocation: sourceLocation)
        #expect(fast.loggedFiles == ref.loggedFiles && fast.loggedDirectories == ref.loggedDirectories
                && fast.loggedFileBytes == ref.loggedFileBytes, "\(context): logged counts", sourceLocation: sourceLocation)
        if ref.buildsNamespace {
            #expect(fast.namespace.nodes == ref.nodes, "\(context): namespace", sourceLocation: sourceLocation)
            let refFiles = ref.nodes.values.count { !$0.isDirectory }
            #expect(fast.namespace.fileCount == refFiles && fast.namespace.directoryCount == ref.nodes.count - 1 - refFiles,
                    "\(context): node counts", sourceLocation: sourceLocation)
        }
    }

    // MARK: random logs

    /// A log region of `slots` entries, every slot a random (mostly CRC-valid) entry: files and
    /// directories on a small name pool (duplicates, files under files, missing parents), bad
    /// paths, bad and colliding maps, other entry types, flipped bytes and wrong seqnums.
    static func randomLog(slots: Int, rng: inout SplitMix) -> [UInt8] {
        var log = [UInt8](repeating: 0, count: 48 + slots * 544)
        let names = ["a", "b", "c", "a/x", "a/y", "b/x", "a/x/deep", "c/d/e", "a/b", "x"]
        let badPaths = ["", "/abs", "a//b", "a/./b", "..", "a/..", ".", "caf\u{e9}/x", String(repeating: "L", count: 80),
                        String(repeating: "m", count: 79), "a/" + String(repeating: "n", count: 60)]
        let au = Media.allocationUnit
        let units = deviceSize / au
        for i in 0..<slots {
            var w = ByteWriter(size: 544)
            let roll = Int.random(in: 0..<100, using: &rng)
            w.u64(0, UInt64(i))
            var pathBytes: [UInt8] {
                if Int.random(in: 0..<8, using: &rng) == 0 {
                    if Bool.random(using: &rng) { return [0xff, 0xfe, UInt8(ascii: "z")] }  // not UTF-8
                    return Array(badPaths.randomElement(using: &rng)!.utf8)
                }
                return Array(names.randomElement(using: &rng)!.utf8)
            }
            if roll < 55 {
                w.u32(8, 0)
                let path = pathBytes
                w.raw(40, Array(path.prefix(80)))
                w.u32(28, UInt32.random(in: 0...2, using: &rng))
                w.u32(32, UInt32.random(in: 0...2, using: &rng))
                w.u32(36, [0o644, 0o600, 0o7777, 0o177777].randomElement(using: &rng)!)
                w.u32(24, 2)
                func offset() -> UInt64 {
                    switch Int.random(in: 0..<24, using: &rng) {
                    case 0: return UInt64.random(in: 0...deviceSize, using: &rng)  // unaligned
                    case 1: return [0, au, deviceSize, deviceSize + au, UInt64.max - au + 1].randomElement(using: &rng)!
                    default: return UInt64.random(in: 1..<units, using: &rng) % 40 * au + 4 * au  // collisions likely
                    }
                }
                func length() -> UInt64 {
                    Int.random(in: 0..<8, using: &rng) == 0 ? [au + 1, 0, deviceSize, UInt64.max].randomElement(using: &rng)!
                        : [au, 2 * au, 3 * au].randomElement(using: &rng)!
                }
                let fmapRoll = Int.random(in: 0..<10, using: &rng)
                var capacity: UInt64 = au
                if fmapRoll < 6 {
                    let n = fmapRoll == 0 ? [0, 17].randomElement(using: &rng)! : Int.random(in: 1...3, using: &rng)
                    w.u32(120, 0)
                    w.u32(128, UInt32(n))
                    for k in 0..<min(n, 16) {
                        let len = length()
                        capacity = len
                        w.u64(136 + k * 24, Int.random(in: 0..<40, using: &rng) == 0 ? 1 : 0)
                        w.u64(144 + k * 24, offset())
                        w.u64(152 + k * 24, len)
                    }
                } else if fmapRoll < 9 {
                    let nstrips = [1, 2, 4, 0, 17].randomElement(using: &rng)!
                    w.u32(120, 1)
                    w.u32(128, Int.random(in: 0..<15, using: &rng) == 0 ? 2 : 1)
                    w.u64(136, UInt64(nstrips))
                    w.u64(144, [au, 2 * au, 3 * au, 0, 4096].randomElement(using: &rng)!)
                    for k in 0..<min(nstrips, 16) {
                        w.u64(160 + k * 24, offset())
                        w.u64(168 + k * 24, length())
                    }
                    capacity = au * UInt64(max(nstrips, 1))
                } else {
                    w.u32(120, UInt32.random(in: 2...9, using: &rng))
                }
                w.u64(16, [1, 4096, capacity, capacity &+ 1, 0].randomElement(using: &rng)!)
            } else if roll < 80 {
                w.u32(8, 1)
                w.raw(28, Array(pathBytes.prefix(80)))
                w.u32(16, 0)
                w.u32(20, 0)
                w.u32(24, [0o755, 0o700, 0o177777].randomElement(using: &rng)!)
            } else if roll < 88 {
                w.u32(8, [2, 3, 4, 5, 99, UInt32.max].randomElement(using: &rng)!)
                w.u64(16, UInt64.random(in: 0...UInt64.max, using: &rng))
            } else {
                // A zeroed slot (never written), or a file entry with a wrong seqnum.
                if Bool.random(using: &rng) { w.u64(0, UInt64(i) + 1) } else { log.withUnsafeMutableBytes { _ in }; continue }
            }
            w.u64(536, UInt64(CRC32.portableChecksum(w.bytes.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[0..<536]) })))
            var bytes = w.bytes
            if Int.random(in: 0..<25, using: &rng) == 0 {
                bytes[Int.random(in: 0..<544, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            }
            log.replaceSubrange(48 + i * 544..<48 + (i + 1) * 544, with: bytes)
        }
        return log
    }

    @Test("random logs: one replay, with and without the namespace")
    func randomLogsOneShot() {
        var outcomes: [ReplayReport] = []
        for seed in UInt64(1)...40 { randomLogOneShot(seed: seed, outcomes: &outcomes) }
        // The generator reaches every outcome replay distinguishes (else the comparison proves little).
        // (> 4: the non-UTF-8 name that made a sixth file is refused since replay checks UTF-8.)
        #expect(outcomes.contains { $0.filesCreated > 4 } && outcomes.contains { $0.directoriesCreated > 2 })
        #expect(outcomes.contains { $0.filesExisted > 0 } && outcomes.contains { $0.directoriesExisted > 0 })
        #expect(outcomes.contains { $0.badEntries > 0 } && outcomes.contains { $0.ignoredEntries > 0 })
        #expect(outcomes.contains { $0.fileErrors > 0 } && outcomes.contains { $0.directoryErrors > 0 })
        for phrase in ["is logged as a file but is a directory", "is logged as a directory but is a file", "does not exist",
                       "is a file (skipped)", "bytes its map holds", "is not aligned", "ends past the device", "on device index",
                       "is empty", "superblock and log area", "is not a non-zero multiple", "bad seqnum", "CRC mismatch",
                       "component", "longer than", "fmap_nextents", "ie_chunk_size"] {
            #expect(outcomes.contains { $0.problems.contains { $0.contains(phrase) } }, "never produced: \(phrase)")
        }
    }

    func randomLogOneShot(seed: UInt64, outcomes: inout [ReplayReport]) {
        var rng = SplitMix(state: seed)
        let slots = Int.random(in: 1...400, using: &rng)
        let log = Self.randomLog(slots: slots, rng: &rng)
        let committed = UInt64.random(in: 0...UInt64(slots + 3), using: &rng)  // may point past the written slots
        log.withUnsafeBytes { raw in
            for withNamespace in [true, false] {
                var fast = LogReplayer(superblock: Self.superblock, buildsNamespace: withNamespace)
                var ref = ReferenceReplayer(superblock: Self.superblock, buildsNamespace: withNamespace)
                #expect(fast.catchUp(log: raw, committed: committed) == ref.catchUp(log: raw, committed: committed))
                Self.expectSame(fast, ref, "seed \(seed), namespace \(withNamespace)")
                if withNamespace { outcomes.append(fast.report) }
                let ft = fast.invalidTail(log: raw, committed: committed).map { "\($0.0): \($0.1)" }
                let rt = ref.invalidTail(log: raw, committed: committed).map { "\($0.0): \($0.1)" }
                #expect(ft == rt)
            }
        }
    }

    @Test("random logs replayed in random steps, as a daemon follows a growing log", arguments: 20...27)
    func randomLogsIncremental(seed: UInt64) {
        var rng = SplitMix(state: seed)
        let slots = Int.random(in: 50...500, using: &rng)
        let log = Self.randomLog(slots: slots, rng: &rng)
        log.withUnsafeBytes { raw in
            var fast = LogReplayer(superblock: Self.superblock)
            var ref = ReferenceReplayer(superblock: Self.superblock)
            var committed: UInt64 = 0
            while committed < UInt64(slots) {
                committed = min(UInt64(slots), committed + UInt64.random(in: 0...40, using: &rng))
                #expect(fast.catchUp(log: raw, committed: committed) == ref.catchUp(log: raw, committed: committed))
                Self.expectSame(fast, ref, "seed \(seed) at \(committed)")
            }
        }
    }

    @Test("a log whose entries all share one bad shape: each kind alone", arguments: ["bad CRC", "bad seqnum", "bad map", "bad path"])
    func uniformDamage(kind: String) {
        var log = [UInt8](repeating: 0, count: 48 + 64 * 544)
        for i in 0..<64 {
            let au = Media.allocationUnit
            let fmap = Fmap.simple([SimpleExtent(offset: (4 + UInt64(i)) * au, length: au)])
            var bytes = LogEntry(seqnum: UInt64(i), body: .file(FileMeta(path: "f\(i)", size: 4096, mode: 0o644, uid: 0, gid: 0, fmap: fmap))).encoded()
            if i % 3 == 1 {
                var w = ByteWriter(size: 544)
                w.raw(0, bytes)
                switch kind {
                case "bad CRC": w.u64(536, 12345)
                case "bad seqnum": w.u64(0, 999); w.u64(536, UInt64(CRC32.checksum(w.bytes[0..<536])))
                case "bad map": w.u32(128, 0); w.u64(536, UInt64(CRC32.checksum(w.bytes[0..<536])))
                default: w.raw(40, Array("../f".utf8)); w.u64(536, UInt64(CRC32.checksum(w.bytes[0..<536])))
                }
                bytes = w.bytes
            }
            log.replaceSubrange(48 + i * 544..<48 + (i + 1) * 544, with: bytes)
        }
        log.withUnsafeBytes { raw in
            var fast = LogReplayer(superblock: Self.superblock)
            var ref = ReferenceReplayer(superblock: Self.superblock)
            fast.catchUp(log: raw, committed: 64)
            ref.catchUp(log: raw, committed: 64)
            Self.expectSame(fast, ref, kind)
            #expect(fast.report.errorCount > 0)
        }
    }

    // MARK: reference images and damaged copies

    /// fsck's report of `volume` beside the numbers the reference replayer gives for the same log.
    static func expectFsckMatchesOracle(_ volume: FamfsVolume, _ context: String) throws {
        let header = try volume.readHeader()
        for verbose in [false, true] {
            let report = try Fsck.scan(volume, buckets: 4, namespace: verbose)
            var ref = ReferenceReplayer(superblock: volume.superblock, buildsNamespace: verbose)
            ref.catchUp(log: volume.logBytes, committed: header.nextIndex)
            let tail = ref.invalidTail(log: volume.logBytes, committed: header.nextIndex)
            #expect(report.collisions == ref.collisions, "\(context)")
            #expect(report.badEntries == ref.report.badEntries + UInt64(tail.count), "\(context)")
            #expect(report.files == ref.loggedFiles && report.directories == ref.loggedDirectories, "\(context)")
            #expect(report.sumOfFileSizes == ref.loggedFileBytes, "\(context)")
            #expect(report.allocatedBytes == UInt64(ref.bitmap.setCount) * volume.superblock.allocationUnit, "\(context)")
            #expect(report.problems == ref.report.problems + tail.map { "log entry \($0.0): \($0.1) (at the tail: not visible yet)" }, "\(context)")
        }
        var ref = ReferenceReplayer(superblock: volume.superblock)
        ref.catchUp(log: volume.logBytes, committed: header.nextIndex)
        Self.expectSame(volume.snapshot, ref, "\(context): volume")
    }

    @Test("the reference images", arguments: ["fresh", "populated", "bad-entry-crc", "fresh-log16m"])
    func referenceImages(image: String) throws {
        let path = try expandReferenceImage(image)
        defer { unlink(path) }
        let volume = try FamfsVolume(path: path, writable: false, identity: nil)
        try Self.expectFsckMatchesOracle(volume, image)
    }

    @Test("the populated image with random damage to its log", arguments: [31, 32, 33])
    func damagedPopulated(seed: UInt64) throws {
        let path = try expandReferenceImage("populated")
        defer { unlink(path) }
        var rng = SplitMix(state: seed)
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        for round in 0..<12 {
            let entry = UInt64.random(in: 0..<12, using: &rng)
            try h.seek(toOffset: Media.logOffset + UInt64(Media.entryOffset(entry)) + UInt64.random(in: 0..<544, using: &rng))
            try h.write(contentsOf: [UInt8.random(in: 0...255, using: &rng)])
            try h.synchronize()
            let volume = try FamfsVolume(path: path, writable: false, identity: nil)
            try Self.expectFsckMatchesOracle(volume, "seed \(seed) round \(round)")
        }
        try h.close()
    }

    @Test("a full 8 MiB log written by the engine")
    func fullLog() throws {
        let dev = try TestDevice(size: 64 << 30)
        let v = try dev.open()
        let slots = try v.readHeader().slots
        for d in 0..<20 { try v.mkdir("d\(d)", mode: 0o755, uid: 0, gid: 0) }
        for i in 20..<Int(slots) {
            _ = try v.createFile("d\(i % 20)/file-with-a-long-name-\(i)", size: 4096, mode: 0o644, uid: 0, gid: 0)
        }
        try Self.expectFsckMatchesOracle(try dev.open(writable: false), "full log")
    }
}
