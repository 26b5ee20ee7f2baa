import Foundation
import FamfsTestSupport
import Testing
@testable import FamfsCore
import FamfsFormat

@Suite("Writing and replaying the log on a device file")
struct VolumeTests {
    @Test("mkdir -p, create, lookup and list; a second open sees the same namespace")
    func basics() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        #expect(v.role == .master)
        try v.mkdir("a/b/c", mode: 0o755, uid: 1, gid: 2, parents: true)
        let f = try v.createFile("a/b/file", size: 5_000_000, mode: 0o600, uid: 1000, gid: 1000)
        #expect(f.file?.fmap == .simple([SimpleExtent(offset: 0xa0_0000, length: 6 << 20)]))
        #expect(v.lookup("a/b")?.isDirectory == true)
        #expect(v.children(of: v.lookup("a/b")!.id).map(\.name) == ["c", "file"])
        let client = try dev.open(writable: false, asClient: true)
        #expect(client.role == .client)
        #expect(client.lookup("a/b/file")?.file?.size == 5_000_000)
        #expect(client.lookup("a/b/file")?.id == f.id)
    }

    @Test("refusals: existing names, missing parents, a file as parent, bad paths, client writes")
    func refusals() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        try v.mkdir("d", mode: 0o755, uid: 0, gid: 0)
        _ = try v.createFile("d/f", size: 1, mode: 0o644, uid: 0, gid: 0)
        #expect(throws: CoreError.self) { try v.mkdir("d", mode: 0o755, uid: 0, gid: 0) }
        #expect(throws: CoreError.self) { try v.mkdir("x/y", mode: 0o755, uid: 0, gid: 0) }
        #expect(throws: CoreError.self) { try v.mkdir("d/f/g", mode: 0o755, uid: 0, gid: 0, parents: true) }
        #expect(throws: CoreError.self) { _ = try v.createFile("d/f", size: 1, mode: 0o644, uid: 0, gid: 0) }
        #expect(throws: CoreError.self) { _ = try v.createFile("d", size: 1, mode: 0o644, uid: 0, gid: 0) }
        #expect(throws: CoreError.self) { _ = try v.createFile("../escape", size: 1, mode: 0o644, uid: 0, gid: 0) }
        #expect(throws: CoreError.self) { _ = try v.createFile("d/empty", size: 0, mode: 0o644, uid: 0, gid: 0) }
        #expect(try v.createFile("d/f", size: 1, mode: 0o644, uid: 0, gid: 0, reuseExisting: true).size == 1)
        #expect(throws: CoreError.self) { _ = try v.createFile("d/f", size: 2, mode: 0o644, uid: 0, gid: 0, reuseExisting: true) }
        let client = try dev.open(asClient: true)
        #expect(throws: CoreError.self) { try client.mkdir("e", mode: 0o755, uid: 0, gid: 0) }
        #expect(try v.readHeader().nextIndex == 2)
    }

    @Test("device full: a clear error and nothing appended")
    func deviceFull() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        _ = try v.createFile("big", size: (4 << 30) - (10 << 20), mode: 0o644, uid: 0, gid: 0)
        let before = try v.readHeader().nextIndex
        #expect(throws: CoreError.self) { _ = try v.createFile("more", size: 1, mode: 0o644, uid: 0, gid: 0) }
        #expect(try v.readHeader().nextIndex == before)
    }

    @Test("log full: the last slot is used, then a clear error; mkdir -p is all or nothing")
    func logFull() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        let slots = try v.readHeader().slots
        for i in 0..<(slots - 1) { try v.mkdir("d\(i)", mode: 0o755, uid: 0, gid: 0) }
        #expect(throws: CoreError.self) { try v.mkdir("p/q", mode: 0o755, uid: 0, gid: 0, parents: true) }
        #expect(v.lookup("p") == nil)
        try v.mkdir("last", mode: 0o755, uid: 0, gid: 0)
        do {
            try v.mkdir("one-more", mode: 0o755, uid: 0, gid: 0)
            Issue.record("appended past the end")
        } catch {
            #expect("\(error)".contains("log is full"))
        }
        #expect(try Fsck.scan(v).logEntriesUsed == slots)
    }

    @Test("replay: duplicates, type conflicts, bad paths and other entry types are counted, not fatal")
    func replayRules() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        let fmap = Fmap.simple([SimpleExtent(offset: 0x100_0000, length: 0x20_0000)])
        let bodies: [LogEntry.Body] = [
            .mkdir(DirectoryMeta(path: "d", mode: 0o755, uid: 0, gid: 0)),
            .file(FileMeta(path: "f", size: 10, mode: 0o644, uid: 0, gid: 0, fmap: fmap)),
            .file(FileMeta(path: "f", size: 20, mode: 0o644, uid: 0, gid: 0, fmap: fmap)),  // duplicate: first wins
            .file(FileMeta(path: "d", size: 10, mode: 0o644, uid: 0, gid: 0, fmap: fmap)),  // file over a directory
            .mkdir(DirectoryMeta(path: "f", mode: 0o755, uid: 0, gid: 0)),                  // directory over a file
            .mkdir(DirectoryMeta(path: "../etc", mode: 0o755, uid: 0, gid: 0)),             // escaping path
            .file(FileMeta(path: "/abs", size: 10, mode: 0o644, uid: 0, gid: 0, fmap: fmap)),
            .file(FileMeta(path: "outside", size: 10, mode: 0o644, uid: 0, gid: 0,
                           fmap: .simple([SimpleExtent(offset: 8 << 30, length: 0x20_0000)]))),
            .delete, .addDaxdev(DaxdevMeta(size: 1, uuid: .random(), index: 1)), .invalid, .unknown(type: 77),
            .mkdir(DirectoryMeta(path: "d/after", mode: 0o755, uid: 0, gid: 0)),
        ]
        for b in bodies { try v.appendRaw(b) }
        let fresh = try dev.open(writable: false)
        let r = fresh.report
        #expect(fresh.lookup("f")?.size == 10)
        #expect(fresh.lookup("d/after")?.isDirectory == true)
        #expect(r.filesCreated == 1 && r.filesExisted == 1 && r.fileErrors == 3)
        #expect(r.directoriesCreated == 2 && r.directoryErrors == 2 && r.ignoredEntries == 4)
        #expect(fresh.lookup("outside") == nil)
        #expect(try Fsck.scan(fresh).collisions == 3)  // the duplicate, the file over d and /abs all claim f's extent
    }

    @Test("a corrupt entry does not hide the ones after it; a corrupt tail is not visible yet")
    func corruptEntries() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        for i in 0..<4 { try v.mkdir("d\(i)", mode: 0o755, uid: 0, gid: 0) }
        let logAt = Media.logOffset
        try dev.poke(logAt + UInt64(Media.entryOffset(1)) + 30, [0x55])  // middle entry
        try dev.poke(logAt + UInt64(Media.entryOffset(3)) + 30, [0x55])  // tail entry
        let fresh = try dev.open(writable: false)
        #expect(fresh.lookup("d0") != nil && fresh.lookup("d1") == nil && fresh.lookup("d2") != nil && fresh.lookup("d3") == nil)
        #expect(fresh.report.badEntries == 1)
        #expect(fresh.snapshot.nextIndex == 3)
        #expect(try Fsck.scan(fresh).badEntries == 2)
        // The tail becomes visible once its bytes are right.
        let good = LogEntry(seqnum: 3, body: .mkdir(DirectoryMeta(path: "d3", mode: 0o755, uid: 0, gid: 0))).encoded()
        try dev.poke(logAt + UInt64(Media.entryOffset(3)), good)
        fresh.refresh()
        #expect(fresh.lookup("d3") != nil)
    }

    @Test("incremental refresh reads only new entries and equals a full replay")
    func incremental() throws {
        let dev = try TestDevice()
        let writer = try dev.open()
        let reader = try dev.open(writable: false, asClient: true)
        for i in 0..<50 { _ = try writer.createFile("f\(i)", size: UInt64(i + 1) * 4096, mode: 0o644, uid: 0, gid: 0) }
        #expect(reader.refresh() == 50)
        #expect(reader.refresh() == 0)
        try writer.mkdir("late", mode: 0o700, uid: 5, gid: 6)
        #expect(reader.refresh() == 1)
        #expect(reader.lookup("late")?.mode == 0o700)
        #expect(reader.namespace.nodes == (try dev.open(writable: false)).namespace.nodes)
    }

    @Test("a device shorter than its superblock says is refused as truncated")
    func truncatedDevice() throws {
        let dev = try TestDevice()
        truncate(dev.path, 1 << 30)
        #expect(throws: CoreError.self) { _ = try dev.open(writable: false) }
        truncate(dev.path, 5 << 20)
        #expect(throws: CoreError.self) { _ = try dev.open(writable: false) }
    }

    @Test("mkfs refusals: existing famfs, another host's famfs, small device, bad log length; -f -k kills")
    func mkfsRefusals() throws {
        let dev = try TestDevice()
        #expect(throws: CoreError.self) { _ = try Mkfs.run(device: dev.path, identity: dev.identity, options: Mkfs.Options()) }
        let other = HostIdentity(uuid: .random(), path: "-")
        #expect(throws: CoreError.self) { _ = try Mkfs.run(device: dev.path, identity: other, options: Mkfs.Options()) }
        var o = Mkfs.Options()
        o.logLength = 11 << 20
        #expect(throws: CoreError.self) { _ = try Mkfs.run(device: dev.path, identity: dev.identity, options: o) }
        o = Mkfs.Options(); o.force = true; o.kill = true
        _ = try Mkfs.run(device: dev.path, identity: dev.identity, options: o)
        #expect(throws: CoreError.self) { _ = try dev.open() }
        _ = try Mkfs.run(device: dev.path, identity: dev.identity, options: Mkfs.Options())
        #expect(try dev.open().role == .master)
        let small = try TestDevice(size: 2 << 30, format: false)
        #expect(throws: CoreError.self) { _ = try Mkfs.run(device: small.path, identity: small.identity, options: Mkfs.Options()) }
    }

    @Test("a 16 MiB log has 30840 slots and holds files after mkfs")
    func bigLog() throws {
        let dev = try TestDevice(logLength: 16 << 20)
        let v = try dev.open()
        #expect(try v.readHeader().slots == 30840)
        #expect(try v.createFile("f", size: 1, mode: 0o644, uid: 0, gid: 0).file?.fmap.extents.first?.offset == 0x120_0000)
    }
}

@Suite("Values from the device or the user that could overflow")
struct OverflowTests {
    @Test("a logged extent whose length is near 2^64 is counted as an error, not a crash")
    func hugeExtent() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        try v.appendRaw(.file(FileMeta(path: "huge", size: 1, mode: 0o644, uid: 0, gid: 0,
                                       fmap: .simple([SimpleExtent(offset: 0x100_0000, length: UInt64.max - 5)]))))
        try v.appendRaw(.file(FileMeta(path: "far", size: 1, mode: 0o644, uid: 0, gid: 0,
                                       fmap: .simple([SimpleExtent(offset: UInt64.max - 1, length: 4096)]))))
        let fresh = try dev.open(writable: false)
        #expect(fresh.report.fileErrors == 2 && fresh.lookup("huge") == nil)
        _ = try Fsck.scan(fresh)
    }

    @Test("creating a file larger than the device is 'out of space', also for sizes near 2^64")
    func hugeCreate() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        for size in [UInt64.max, UInt64.max - (1 << 20), 5 << 30] {
            #expect(throws: CoreError.self) { _ = try v.createFile("big", size: size, mode: 0o644, uid: 0, gid: 0) }
        }
        #expect(throws: CoreError.self) {
            _ = try v.createFile("big", size: UInt64.max, mode: 0o644, uid: 0, gid: 0,
                                 interleave: InterleaveParameters(nbuckets: 4, nstrips: 2, chunkSize: 2 << 20))
        }
        #expect(try v.readHeader().nextIndex == 0)
    }

    @Test("a log header whose next_index went backwards stops the writer before it overwrites anything")
    func headerBackwards() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        for i in 0..<3 { try v.mkdir("d\(i)", mode: 0o755, uid: 0, gid: 0) }
        var one = UInt64(1).littleEndian
        try dev.poke(Media.logOffset + UInt64(LogHeader.Offset.nextIndex), withUnsafeBytes(of: &one) { Array($0) })
        #expect(throws: CoreError.self) { try v.mkdir("e", mode: 0o755, uid: 0, gid: 0) }
        #expect(v.lookup("d1") != nil && v.lookup("e") == nil)
    }
}
