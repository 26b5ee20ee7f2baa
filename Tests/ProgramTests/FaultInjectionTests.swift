import Foundation
import Testing
import FamfsCore

/// Fault injection on real mounts and real programs: processes killed with -9 at random points,
/// a full device, a full log, and the daemon restarted under a running reader. Whatever was
/// reported as done must be there, byte for byte; nothing else may break the file system.
@Suite("fault injection: kill -9, full device, full log, restart under a reader", .enabled(if: famfsMountAvailable && Hostile.available), .serialized)
struct FaultInjectionTests {
    static let rounds = 20

    /// A source file of `size` random bytes (seeded: a failure can be replayed).
    static func source(_ dir: ScratchDir, _ name: String, size: Int, seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed)
        var bytes = [UInt8](repeating: 0, count: size)
        for i in stride(from: 0, to: size, by: 8) {
            let v = rng.next()
            for k in 0..<min(8, size - i) { bytes[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
        }
        let path = dir.path + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// Starts `famfs args`, kills it with -9 after `delayMicroseconds` unless it ended; true when
    /// it exited 0 on its own.
    static func runKilled(_ m: MountedFamfs, _ args: [String], delayMicroseconds: UInt32) throws -> Bool {
        let out = "/dev/shm/famfs-pt-fi-\(UUID().uuidString.prefix(8))"
        defer { unlink(out); unlink(out + ".err") }
        let child = try m.host.start("famfs", args, stdoutPath: out)
        var status: Int32 = 0
        var waited: UInt32 = 0
        while waited < delayMicroseconds {
            if waitpid(child.pid, &status, WNOHANG) == child.pid { return status == 0 }
            usleep(1000)
            waited += 1000
        }
        child.kill(SIGKILL)
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
        return status == 0  // it may have finished just before the kill
    }

    /// fsck --strict through the mount: no collisions, no bad or skipped entries.
    static func expectClean(_ m: MountedFamfs, _ context: String) throws {
        let f = try m.host.famfs("fsck", "--strict", m.mpt.path)
        #expect(f.status == 0 && !f.stdout.contains("COLLISIONS"), "\(context): \(f)")
    }

    @Test("famfs cp killed with -9 at random points, 20 rounds: every copy that returned success is byte-exact")
    func killCp() throws {
        let m = try MountedFamfs(real: true)
        let src = ScratchDir(tag: "fi-src")
        var rng = SplitMix64(seed: 0xC0FFEE)
        var done: [(String, String)] = []
        for r in 0..<Self.rounds {
            let s = Self.source(src, "f\(r)", size: 64 << 10 + Int(rng.next() % (3 << 20)), seed: UInt64(r))
            let delay = UInt32(rng.next() % 200_000)
            if try Self.runKilled(m, ["cp", s, m.path("c\(r)")], delayMicroseconds: delay) { done.append((s, m.path("c\(r)"))) }
        }
        for (s, d) in done {
            #expect(FileManager.default.contents(atPath: d) == FileManager.default.contents(atPath: s), "\(d)")
        }
        try Self.expectClean(m, "after killed cp")
        // Every killed copy can be redone (cp is restartable).
        for r in 0..<Self.rounds where !done.contains(where: { $0.1 == m.path("c\(r)") }) {
            let c = try m.famfs("cp", src.path + "/f\(r)", m.path("c\(r)"))
            #expect(c.status == 0, "\(c)")
            #expect(FileManager.default.contents(atPath: m.path("c\(r)")) == FileManager.default.contents(atPath: src.path + "/f\(r)"))
        }
    }

    @Test("famfs creat -r killed with -9 at random points, 20 rounds: every file that returned success verifies")
    func killCreat() throws {
        let m = try MountedFamfs(real: true)
        var rng = SplitMix64(seed: 0xBEEF)
        var done: [Int] = []
        for r in 0..<Self.rounds {
            let delay = UInt32(rng.next() % 150_000)
            if try Self.runKilled(m, ["creat", "-r", "-S", "\(r + 1)", "-s", "\(1 + rng.next() % 4)m", m.path("r\(r)")],
                                  delayMicroseconds: delay) { done.append(r) }
        }
        for r in done {
            let v = try m.famfs("verify", "-S", "\(r + 1)", "-f", m.path("r\(r)"))
            #expect(v.status == 0, "r\(r): \(v)")
        }
        try Self.expectClean(m, "after killed creat")
    }

    @Test("the daemon killed with -9 during creates, 20 rounds, remounted each time: every completed file verifies")
    func killDaemon() throws {
        let m = try MountedFamfs(real: true)
        var rng = SplitMix64(seed: 0xDEAD)
        var done: [Int] = []
        for r in 0..<Self.rounds {
            let daemon = try DaemonProcess(mountPoint: m.mpt.path)
            let out = "/dev/shm/famfs-pt-fi-\(UUID().uuidString.prefix(8))"
            defer { unlink(out); unlink(out + ".err") }
            let creat = try m.host.start("famfs", ["creat", "-r", "-S", "\(r + 1)", "-s", "2m", m.path("d\(r)")], stdoutPath: out)
            usleep(UInt32(rng.next() % 100_000))
            kill(daemon.pid, SIGKILL)
            if creat.wait() == (0, false) { done.append(r) }
            var st = stat()
            for _ in 0..<100 where daemon.alive { usleep(10_000) }
            _ = try m.host.famfs("umount", m.mpt.path)
            let mount = try m.host.famfs("mount", m.dev.path, m.mpt.path)
            #expect(mount.status == 0 && stat(m.mpt.path + "/.meta/.superblock", &st) == 0, "round \(r): \(mount)")
        }
        for r in done {
            let v = try m.famfs("verify", "-S", "\(r + 1)", "-f", m.path("d\(r)"))
            #expect(v.status == 0, "d\(r): \(v)")
        }
        try Self.expectClean(m, "after killed daemons")
    }

    @Test("device full: creat fails with one line and a non-zero status; what was made stays intact")
    func deviceFull() throws {
        let m = try MountedFamfs(real: true)
        #expect(try m.famfs("creat", "-r", "-S", "9", "-s", "4m", m.path("small")).status == 0)
        var made = 0
        var last: RunResult?
        for i in 0..<8 {
            let r = try m.famfs("creat", "-s", "1g", m.path("big\(i)"))
            if r.status != 0 { last = r; break }
            made += 1
        }
        let full = try #require(last, "a 4 GiB device took 8 GiB")
        #expect(made >= 2 && full.stderrLines.count == 1 && full.stderr.contains("out of space"), "\(full)")
        #expect(try m.volume().lookup("big\(made)") == nil)
        #expect(try m.famfs("verify", "-S", "9", "-f", m.path("small")).status == 0)
        try Self.expectClean(m, "device full")
    }

    @Test("log full: famfs creat and mkdir fail with one line and a non-zero status; fsck stays clean")
    func logFull() throws {
        let m = try MountedFamfs(real: true, size: 64 << 30)
        let slots = try m.volume().readHeader().slots
        let fill = try m.host.run("famfs-bench", ["create-loop", "--device", m.dev.path, "--prefix", "x", "--count", "\(slots)"])
        #expect(fill.status == 0, "\(fill.stderr)")
        let c = try m.famfs("creat", "-s", "4k", m.path("one-more"))
        #expect(c.status != 0 && c.stderrLines.count == 1 && c.stderr.contains("full"), "\(c)")
        let d = try m.famfs("mkdir", m.path("dir-more"))
        #expect(d.status != 0 && d.stderrLines.count == 1 && d.stderr.contains("full"), "\(d)")
        #expect(FileManager.default.fileExists(atPath: m.path("x\(slots - 1)")))
        try Self.expectClean(m, "log full")
    }

    @Test("the daemon restarted under a running reader: reads fail while it is gone, never hang, and are exact again after")
    func restartUnderReader() throws {
        let m = try MountedFamfs(real: true)
        #expect(try m.famfs("creat", "-r", "-S", "7", "-s", "8m", m.path("data")).status == 0)
        let expected = try #require(FileManager.default.contents(atPath: m.path("data")))
        let copy = "/dev/shm/famfs-pt-fi-expected-\(UUID().uuidString.prefix(8))"
        defer { unlink(copy) }
        FileManager.default.createFile(atPath: copy, contents: expected)
        let reader = """
            import sys, time
            path, expected, seconds = sys.argv[1], open(sys.argv[2], "rb").read(), float(sys.argv[3])
            ok = errors = bad = 0
            end = time.time() + seconds
            while time.time() < end:
                try:
                    with open(path, "rb") as f:
                        if f.read() == expected: ok += 1
                        else: bad += 1
                except OSError:
                    errors += 1
                    time.sleep(0.01)
            print("ok", ok, "errors", errors, "bad", bad)
            """
        let out = "/dev/shm/famfs-pt-fi-\(UUID().uuidString.prefix(8))"
        defer { unlink(out); unlink(out + ".err") }
        let child = try m.host.start(Hostile.python, ["-c", reader, m.path("data"), copy, "6"], stdoutPath: out)
        usleep(1_500_000)
        let daemon = try DaemonProcess(mountPoint: m.mpt.path)
        kill(daemon.pid, SIGKILL)
        for _ in 0..<100 where daemon.alive { usleep(10_000) }
        usleep(500_000)
        _ = try m.host.famfs("umount", m.mpt.path)
        #expect(try m.host.famfs("mount", m.dev.path, m.mpt.path).status == 0)
        let (status, signaled) = child.wait()
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        #expect(status == 0 && !signaled, "\(text)")
        let words = text.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        func count(_ label: String) -> Int { words.firstIndex(of: label).flatMap { Int(words[$0 + 1]) } ?? -1 }
        #expect(count("bad") == 0 && count("ok") > 0, "\(text)")
        // After the restart the file is exact through the mount.
        #expect(FileManager.default.contents(atPath: m.path("data")) == expected)
    }
}

/// SplitMix64, for reproducible random test inputs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
