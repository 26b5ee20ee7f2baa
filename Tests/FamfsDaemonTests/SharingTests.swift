import CFamfsShims
import FamfsCore
import FamfsFormat
import FamfsMap
import Foundation
import Testing

@Suite("Sharing memory between hosts: mmap through the mount, zero-copy mappings, devices", .serialized)
struct SharingTests {
    @Test("MAP_SHARED through the mount: a store on the master's mapping is seen by a client's mapping")
    func mmapThroughMounts() throws {
        let c = try Cluster()
        let v = try c.engine()
        let f = try v.createFile("shm", size: 6 << 20, mode: 0o666, uid: 0, gid: 0)
        fill(v, f, seed: 1)
        let master = try c.mount()
        let client = try c.mount(asClient: true)
        let mfd = open("\(master)/shm", O_RDWR)
        let cfd = open("\(client)/shm", O_RDONLY)
        #expect(mfd >= 0 && cfd >= 0)
        defer { close(mfd); close(cfd) }
        guard let mp = mmap(nil, 6 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0), mp != MAP_FAILED,
              let cp = mmap(nil, 6 << 20, PROT_READ, MAP_SHARED, cfd, 0), cp != MAP_FAILED else {
            Issue.record("mmap failed: \(errno)"); return
        }
        defer { munmap(mp, 6 << 20); munmap(cp, 6 << 20) }
        // A client cannot map for writing.
        #expect(mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0) == MAP_FAILED)
        let message = Array("written through the master's mapping".utf8)
        // The client's mapping has the page cached before the master writes.
        let before = Array(UnsafeRawBufferPointer(start: cp + (4 << 20) + 100, count: message.count))
        #expect(before == Array(RandomFill.bytes(seed: 1, count: (4 << 20) + 100 + message.count).suffix(message.count)))
        message.withUnsafeBytes { (mp + (4 << 20) + 100).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        #expect(msync(mp, 6 << 20, MS_SYNC) == 0)
        // A mapping through the mount is this host's page cache: the client's existing mapping
        // still shows its cached copy of the page…
        let rightAfter = Array(UnsafeRawBufferPointer(start: cp + (4 << 20) + 100, count: message.count))
        #expect(rightAfter == before, "client mapping right after the master's msync")
        // …until `famfs flush` on the client drops its cached pages: then it sees the store.
        let flush = try Programs.run("famfs", ["flush", "\(client)/shm"], env: ["FAMFS_SYSTEM_UUID_FILE": c.clientUUIDFile])
        #expect(flush.status == 0, "\(flush.err)")
        #expect(Array(UnsafeRawBufferPointer(start: cp + (4 << 20) + 100, count: message.count)) == message)
        // read(2) (no page cache) and a fresh mapping see it too.
        var buf = [UInt8](repeating: 0, count: message.count)
        #expect(pread(cfd, &buf, buf.count, off_t((4 << 20) + 100)) == buf.count)
        #expect(buf == message)
        let fresh = mmap(nil, 6 << 20, PROT_READ, MAP_SHARED, cfd, 0)
        #expect(fresh != MAP_FAILED)
        if let fresh, fresh != MAP_FAILED {
            #expect(Array(UnsafeRawBufferPointer(start: fresh + (4 << 20) + 100, count: message.count)) == message)
            munmap(fresh, 6 << 20)
        }
    }

    @Test("zero-copy mappings by path: a write through the master's read-write mapping is seen by the client's")
    func zeroCopyMappings() throws {
        let c = try Cluster()
        let v = try c.engine()
        let f = try v.createFile("ilv", size: (9 << 20) + 77, mode: 0o644, uid: 0, gid: 0,
                                 interleave: InterleaveParameters(nbuckets: 4, nstrips: 3, chunkSize: 2 << 20))
        fill(v, f, seed: 8)
        let master = try c.mount()
        let client = try c.mount(asClient: true)
        _ = waitFor(seconds: 2) { FileManager.default.fileExists(atPath: "\(client)/ilv") }
        let w = try FamfsFileMapping(path: "\(master)/ilv", writable: true)
        let r = try FamfsFileMapping(path: "\(client)/ilv", writable: false)
        #expect(Array(r.bytes) == RandomFill.bytes(seed: 8, count: Int(f.size)))
        #expect(Array(r.bytes) == [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(client)/ilv"))))
        // Across a chunk boundary (2 MiB) of the interleaved file.
        let at = (2 << 20) - 3
        for i in 0..<6 { (w.base + at + i).storeBytes(of: UInt8(0xA0 + i), as: UInt8.self) }
        w.flush(offset: 0, length: Int(f.size))
        r.invalidate(offset: 0, length: Int(f.size))
        #expect(Array(r.bytes[at..<at + 6]) == [0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5])
        #expect(throws: FamfsMapError.self) { _ = try FamfsFileMapping(path: "/etc/hostname", writable: false) }
    }

    @Test("the C example maps a file through libfamfsmap and hashes the same bytes read() gives",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gcc")))
    func cExample() throws {
        let c = try Cluster()
        let v = try c.engine()
        let f = try v.createFile("c-example", size: 3_000_001, mode: 0o644, uid: 0, gid: 0,
                                 interleave: InterleaveParameters(nbuckets: 4, nstrips: 2, chunkSize: 2 << 20))
        fill(v, f, seed: 31)
        let mpt = try c.mount()
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples").path
        let exe = "/dev/shm/famfs-dt-\(c.tag)-example"
        defer { unlink(exe) }
        let swiftLib = URL(fileURLWithPath: try Programs.shell("command -v swift").out.trimmingCharacters(in: .whitespacesAndNewlines))
            .resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().path + "/lib/swift/linux"
        let cc = try Programs.shell("gcc -std=c11 -Wall -Werror -I\(examples) \(examples)/famfs_map_example.c -L\(Programs.directory) "
            + "-lfamfsmap -Wl,-rpath,\(Programs.directory) -Wl,-rpath,\(swiftLib) -o \(exe)")
        #expect(cc.status == 0, "\(cc.err)")
        let run = try Programs.run(exe, ["\(mpt)/c-example"])
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in RandomFill.bytes(seed: 31, count: 3_000_001) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        #expect(run.status == 0 && run.out == "size: 3000001\nfnv1a64: 0x\(String(format: "%016llx", h))\n", "\(run.out)\(run.err)")
        let bad = try Programs.run(exe, ["/etc/hostname"])
        #expect(bad.status != 0 && bad.err.contains("famfs_map"), "\(bad.err)")
    }

    @Test("mkfs refuses a mounted device")
    func mkfsMounted() throws {
        let c = try Cluster()
        _ = try c.mount()
        let r = try Programs.run("mkfs.famfs", ["-f", c.device], env: ["FAMFS_SYSTEM_UUID_FILE": c.masterUUIDFile])
        #expect(r.status == 2 && r.err.contains("is mounted"), "\(r.err)")
    }

    /// A loop device is a block device like a pmem one: size by BLKGETSIZE64, mapped MAP_SHARED.
    /// Root, losetup, and a free loop device to hand out (some sandboxes have /dev/loop-control
    /// and none): otherwise the test is reported as skipped, not passed.
    static let loopAvailable = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/losetup")
        && FileManager.default.fileExists(atPath: "/dev/loop-control")
        && (try? Programs.shell("losetup -f"))?.status == 0

    @Test("a block device (loop, the pmem code path) formats, mounts and holds file data", .enabled(if: loopAvailable))
    func blockDevice() throws {
        let backing = "/dev/shm/famfs-dt-loop-\(UUID().uuidString.prefix(8)).img"
        try Programs.shell("truncate -s 4G \(backing)")
        defer { unlink(backing) }
        let attach = try Programs.shell("losetup -f --show \(backing)")
        let loop = attach.out.trimmingCharacters(in: .whitespacesAndNewlines)
        guard attach.status == 0, loop.hasPrefix("/dev/loop") else {
            Issue.record("losetup -f found a free loop device but could not attach \(backing): \(attach)")
            return
        }
        defer { _ = try? Programs.shell("losetup -d \(loop)") }
        try {
            let c = try Cluster(device: loop)
            let v = try c.engine()
            #expect(v.device.kind == .pmem && v.device.size == 4 << 30)
            let f = try v.createFile("onblock", size: 3 << 20, mode: 0o644, uid: 0, gid: 0)
            fill(v, f, seed: 21)
            let mpt = try c.mount()
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(mpt)/onblock"))) == RandomFill.bytes(seed: 21, count: 3 << 20))
        }()
    }
}
