import CFamfsShims
import FamfsCore
import FamfsFormat
import Foundation
import Testing

@Suite("A real famfs mount on a 4 GiB device file", .serialized)
struct MountTests {
    @Test("files made by the engine read back byte-exact through the mount, with read() and mmap")
    func readBack() throws {
        let c = try Cluster()
        let v = try c.engine()
        try v.mkdir("data", mode: 0o755, uid: 0, gid: 0)
        let simple = try v.createFile("data/simple", size: 5_000_001, mode: 0o644, uid: 0, gid: 0)
        let stripedSize: UInt64 = (37 << 20) + 123
        let striped = try v.createFile("data/striped", size: stripedSize, mode: 0o644, uid: 0, gid: 0,
                                       interleave: InterleaveParameters(nbuckets: 4, nstrips: 3, chunkSize: 2 << 20))
        fill(v, simple, seed: 11)
        fill(v, striped, seed: 12)
        let mpt = try c.mount()
        for (name, node, seed) in [("simple", simple, UInt64(11)), ("striped", striped, 12)] {
            let path = "\(mpt)/data/\(name)"
            let expected = RandomFill.bytes(seed: seed, count: Int(node.size))
            let read = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(read.count == expected.count)
            #expect([UInt8](read) == expected, "\(name) through read()")
            let fd = open(path, O_RDONLY)
            #expect(fd >= 0)
            let p = mmap(nil, Int(node.size), PROT_READ, MAP_SHARED, fd, 0)
            #expect(p != MAP_FAILED)
            if let p, p != MAP_FAILED {
                let mapped = [UInt8](UnsafeRawBufferPointer(start: p, count: Int(node.size)))
                #expect(mapped == expected, "\(name) through mmap")
                munmap(p, Int(node.size))
            }
            close(fd)
            // Reads that start past the end are empty; reads across it are short.
            let h = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            try h.seek(toOffset: node.size - 10)
            #expect(try h.read(upToCount: 100)?.count == 10)
            try h.close()
        }
    }

    @Test("a write on the master lands in the device; writes past the size fail")
    func writeLands() throws {
        let c = try Cluster()
        let v = try c.engine()
        let f = try v.createFile("w", size: 3 << 20, mode: 0o644, uid: 0, gid: 0)
        let mpt = try c.mount()
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: "\(mpt)/w"))
        try h.seek(toOffset: (2 << 20) - 3)
        try h.write(contentsOf: Data("hello famfs".utf8))
        try h.close()
        let dev = f.file!.fmap.extents[0].offset + (2 << 20) - 3
        #expect(Array(UnsafeRawBufferPointer(start: v.device.base + Int(dev), count: 11)) == Array("hello famfs".utf8))
        let fd = open("\(mpt)/w", O_WRONLY)
        #expect(errnoOf { Int32(pwrite(fd, "x", 1, off_t(3 << 20))) } == EFBIG)
        close(fd)
    }

    @Test("ls, stat, find, du and df behave; the fmap xattr is the engine's map")
    func tools() throws {
        let c = try Cluster()
        let v = try c.engine()
        try v.mkdir("a/b", mode: 0o750, uid: 1000, gid: 100, parents: true)
        let f = try v.createFile("a/b/file", size: 4_000_000, mode: 0o640, uid: 1000, gid: 100)
        let mpt = try c.mount()
        let ls = try Programs.shell("ls -ln \(mpt)/a/b")
        #expect(ls.out.contains("-rw-r----- 1 1000 100 4000000"), "\(ls.out)")
        let st = try Programs.shell("stat -c '%s %a %u %g %F' \(mpt)/a/b/file")
        #expect(st.out == "4000000 640 1000 100 regular file\n")
        let find = try Programs.shell("cd \(mpt) && find . | sort")
        #expect(find.out == ".\n./.meta\n./.meta/.log\n./.meta/.superblock\n./a\n./a/b\n./a/b/file\n")
        let du = try Programs.shell("du -k \(mpt)/a/b/file")
        #expect(du.out.hasPrefix("4096\t"), "du counts the 4 MiB allocated: \(du.out)")
        let df = try Programs.shell("df -B1 --output=size,used,avail \(mpt) | tail -1")
        let cols = df.out.split(separator: " ").compactMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let expectedDF: [UInt64] = [4 << 30, 14 << 20, (4 << 30) - (14 << 20)]
        #expect(cols == expectedDF, "\(df.out)")
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = famfs_getxattr("\(mpt)/a/b/file", "user.famfs.fmap", &buf, buf.count)
        #expect(n > 0)
        #expect(String(decoding: buf[0..<max(0, n)], as: UTF8.self) == FmapYAML.emit(f.file!))
    }

    @Test("namespace changes through POSIX are refused with their errno; mkdir(2) on the master is logged")
    func refusals() throws {
        let c = try Cluster()
        let v = try c.engine()
        _ = try v.createFile("f", size: 4096, mode: 0o644, uid: 0, gid: 0)
        try v.mkdir("d", mode: 0o755, uid: 0, gid: 0)
        let mpt = try c.mount()
        #expect(errnoOf { open("\(mpt)/new", O_CREAT | O_WRONLY, 0o644) } == EPERM)
        #expect(errnoOf { unlink("\(mpt)/f") } == EPERM)
        #expect(errnoOf { rmdir("\(mpt)/d") } == EPERM)
        #expect(errnoOf { rename("\(mpt)/f", "\(mpt)/g") } == EPERM)
        #expect(errnoOf { link("\(mpt)/f", "\(mpt)/g") } == EPERM)
        #expect(errnoOf { symlink("f", "\(mpt)/s") } == EPERM)
        #expect(errnoOf { truncate("\(mpt)/f", 10) } == EPERM)
        #expect(errnoOf { mknod("\(mpt)/n", S_IFIFO | 0o644, 0) } == EPERM)
        #expect(errnoOf { open("\(mpt)/f", O_WRONLY | O_TRUNC) } == EPERM)
        #expect(errnoOf { open("\(mpt)/.meta/.log", O_WRONLY) } == EACCES || errnoOf { open("\(mpt)/.meta/.log", O_WRONLY) } == EROFS)
        #expect(errnoOf { mkdir("\(mpt)/d", 0o755) } == EEXIST)
        #expect(mkdir("\(mpt)/made-by-mkdir", 0o700) == 0)
        #expect(v.refresh() == 1)
        #expect(v.lookup("made-by-mkdir")?.isDirectory == true)
    }

    @Test("a second host sees the master's new files without logplay, reads them, cannot write")
    func twoHosts() throws {
        let c = try Cluster()
        let v = try c.engine()
        let master = try c.mount()
        let client = try c.mount(asClient: true)
        #expect(try Programs.shell("ls \(client)").out == "")
        try v.mkdir("shared", mode: 0o755, uid: 0, gid: 0)
        let f = try v.createFile("shared/data", size: 3_333_333, mode: 0o644, uid: 0, gid: 0)
        fill(v, f, seed: 99)
        // No lookup of the new name from the client before the timer has had a chance: list.
        // Long enough that only a client whose timer never refreshes fails on a loaded machine.
        let seen = waitFor(seconds: 20) { FileManager.default.fileExists(atPath: "\(client)/shared/data") }
        #expect(seen != nil, "the client never saw the master's new file")
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(client)/shared/data"))) == RandomFill.bytes(seed: 99, count: 3_333_333))
        #expect(errnoOf { open("\(client)/shared/data", O_WRONLY) } != 0)
        #expect(errnoOf { mkdir("\(client)/nope", 0o755) } == EROFS)
        let st = try Programs.shell("stat -c %a \(client)/shared/data")
        #expect(st.out == "444\n", "clients see files read-only")
        #expect(try Programs.shell("ls \(master)/shared").out == "data\n")
    }

    @Test("umount leaves no daemon; a killed daemon can be unmounted and remounted with nothing lost")
    func daemonLifecycle() throws {
        let c = try Cluster()
        let v = try c.engine()
        let f = try v.createFile("keep", size: 1 << 20, mode: 0o644, uid: 0, gid: 0)
        fill(v, f, seed: 5)
        let mpt = try c.mount()
        var pidBuf = [UInt8](repeating: 0, count: 32)
        let n = famfs_getxattr(mpt, "user.famfs.daemon_pid", &pidBuf, 32)
        let pid = Int32(String(decoding: pidBuf[0..<max(0, n)], as: UTF8.self)) ?? 0
        #expect(pid > 0 && kill(pid, 0) == 0)
        #expect(try c.umount(mpt).status == 0)
        #expect(kill(pid, 0) != 0, "daemon gone")
        #expect(!(try String(contentsOfFile: "/proc/mounts", encoding: .utf8)).contains(mpt))
        c.mounts.removeAll()
        // Again, then kill -9 the daemon.
        let m2 = try c.mount()
        let n2 = famfs_getxattr(m2, "user.famfs.daemon_pid", &pidBuf, 32)
        let pid2 = Int32(String(decoding: pidBuf[0..<max(0, n2)], as: UTF8.self)) ?? 0
        #expect(pid2 > 0)
        kill(pid2, SIGKILL)
        usleep(100_000)
        #expect(try c.umount(m2).status == 0)
        c.mounts.removeAll()
        let m3 = try c.mount()
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(m3)/keep"))) == RandomFill.bytes(seed: 5, count: 1 << 20))
        #expect(try Programs.run("famfs", ["fsck", m3]).status == 0)
    }

    @Test("mount refuses a device without a superblock, a missing mount point, and a device already mounted")
    func mountRefusals() throws {
        let c = try Cluster()
        let empty = "/dev/shm/famfs-dt-\(c.tag)-empty.img"
        try Programs.shell("truncate -s 4G \(empty)")
        defer { unlink(empty) }
        let mpt = "/tmp/famfs-dt-\(c.tag)-x"
        try FileManager.default.createDirectory(atPath: mpt, withIntermediateDirectories: true)
        defer { rmdir(mpt) }
        let r1 = try Programs.run("famfs", ["mount", empty, mpt])
        #expect(r1.status != 0 && r1.err.contains("superblock"), "\(r1.err)")
        let r2 = try Programs.run("famfs", ["mount", c.device, "/nonexistent/mpt"])
        #expect(r2.status != 0 && r2.err.contains("not found"))
        _ = try c.mount()
        let r3 = try Programs.run("famfs", ["mount", c.device, mpt], env: ["FAMFS_SYSTEM_UUID_FILE": c.masterUUIDFile])
        #expect(r3.status != 0 && r3.err.contains("already mounted"), "\(r3.err)")
        #expect(r1.err.split(separator: "\n").count == 1)
    }
}

@Suite("famfs logplay on a mount", .serialized)
struct LogplayTests {
    @Test("logplay forces a replay and prints the reference's summary line; -n reads the log only")
    func logplay() throws {
        let c = try Cluster()
        let v = try c.engine()
        // A client that only looks at the log when asked (no timer).
        let client = try c.mount(asClient: true, extra: ["--refresh-interval", "0"])
        try v.mkdir("d", mode: 0o755, uid: 0, gid: 0)
        _ = try v.createFile("d/f", size: 1, mode: 0o644, uid: 0, gid: 0)
        _ = try v.createFile("g", size: 1, mode: 0o644, uid: 0, gid: 0)
        let r = try Programs.run("famfs", ["logplay", client], env: ["FAMFS_SYSTEM_UUID_FILE": c.clientUUIDFile])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == "famfs_logplay: 3 log entries; 2 new files; 1 new directories\n")
        let again = try Programs.run("famfs", ["logplay", client], env: ["FAMFS_SYSTEM_UUID_FILE": c.clientUUIDFile])
        #expect(again.out == "famfs_logplay: 3 log entries; 0 new files; 0 new directories\n")
        let dry = try Programs.run("famfs", ["logplay", "-n", client])
        #expect(dry.out.hasPrefix("Logplay: dry_run selected\nfamfs_logplay: 3 log entries; 2 files; 1 directories"), "\(dry.out)")
        let outside = try Programs.run("famfs", ["logplay", "/tmp"])
        #expect(outside.status != 0 && outside.err.split(separator: "\n").count == 1)
    }
}
