import Foundation
import Testing
import FamfsCore

@Suite("who may add to the log through a master's mount, and which names", .enabled(if: famfsMountAvailable && Hostile.available), .serialized)
struct MountRulesTests {
    /// Runs `os.mkdir` on each path (bytes) and prints each errno (0 = made).
    static let mkdirs = """
        import os, sys
        out = []
        for p in sys.argv[1:]:
            try:
                os.mkdir(os.fsencode(p) if not p.startswith("hex:") else bytes.fromhex(p[4:]))
                out.append("0")
            except OSError as e:
                out.append(str(e.errno))
        print(" ".join(out))
        """

    @Test("nobody cannot mkdir(2) in a world-writable directory of the master's mount: EPERM, no log entry")
    func nobodyCannotFillTheLog() throws {
        let m = try MountedFamfs(real: true)
        #expect(try m.famfs("mkdir", "-m", "0777", m.path("pub")).status == 0)
        let before = try m.volume().readHeader().nextIndex
        let paths = (0..<200).map { m.path("pub/d\($0)") }
        let r = try Hostile.run(Self.mkdirs, asNobody: true, args: paths)
        #expect(r.status == 0 && r.stdout.split(separator: " ").allSatisfy { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "\(EPERM)" }, "\(r)")
        #expect(try m.volume().readHeader().nextIndex == before)
        // Root still can.
        let root = try Hostile.run(Self.mkdirs, asNobody: false, args: [m.path("pub/byroot")])
        #expect(root.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(root)")
    }

    @Test("names: 80+ bytes give ENAMETOOLONG; non-UTF-8 and newlines EINVAL, never an alias")
    func names() throws {
        let m = try MountedFamfs(real: true)
        let long = m.path(String(repeating: "n", count: 80))
        let hexBase = Array(m.mpt.path.utf8).map { String(format: "%02x", $0) }.joined()
        let r = try Hostile.run(Self.mkdirs, asNobody: false,
                                args: [long, m.path(String(repeating: "n", count: 255)), "hex:\(hexBase)2f78ff", "hex:\(hexBase)2f78fe",
                                       m.path("a\nb"), m.path("ok")])
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(ENAMETOOLONG) \(ENAMETOOLONG) \(EINVAL) \(EINVAL) \(EINVAL) 0", "\(r)")
        let c = try m.famfs("creat", "-s", "4k", m.path("x\ny"))
        #expect(c.status != 0 && c.stderrLines.count == 1, "\(c)")
        #expect(try m.volume().lookup("x\ny") == nil)
    }

    @Test("famfs creat and mkdir of .meta at the root fail; .meta/.superblock stays readable")
    func metaIsReserved() throws {
        let m = try MountedFamfs(real: true)
        let c = try m.famfs("creat", "-s", "1m", m.path(".meta"))
        #expect(c.status != 0, "\(c)")
        let d = try m.famfs("mkdir", "-p", m.path(".meta/x"))
        #expect(d.status != 0, "\(d)")
        #expect(try m.volume().lookup(".meta") == nil)
        let sb = FileManager.default.contents(atPath: m.path(".meta/.superblock"))
        #expect(sb?.count == 2 << 20)
        let names = try FileManager.default.contentsOfDirectory(atPath: m.mpt.path)
        #expect(names.filter { $0 == ".meta" }.count == 1, "\(names)")
    }

    @Test("nobody holding an exclusive flock on the (0644) device does not stop the master's writers")
    func deviceFlockByReader() throws {
        let m = try MountedFamfs(real: true)
        let hold = """
            import fcntl, os, sys, time
            fd = os.open(sys.argv[1], os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_EX)
            print("locked", flush=True)
            time.sleep(60)
            """
        let out = "/dev/shm/famfs-pt-flock-\(UUID().uuidString.prefix(8))"
        defer { unlink(out); unlink(out + ".err") }
        let holder = try m.host.start("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Hostile.python, "-c", hold, m.dev.path],
                                      stdoutPath: out)
        defer { holder.kill(SIGKILL); _ = holder.wait() }
        for _ in 0..<100 where !((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").contains("locked") { usleep(50_000) }
        #expect(((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").contains("locked"), "the holder never got its lock")
        // `timeout` only turns a writer blocked behind the reader's lock into a failure (124).
        let c = try m.host.run("/usr/bin/timeout", ["20", Programs.directory + "/famfs", "creat", "-s", "4k", m.path("while-locked")])
        #expect(c.status == 0, "\(c)")
        let d = try m.host.run("/usr/bin/timeout", ["20", Programs.directory + "/famfs", "mkdir", m.path("dir-while-locked")])
        #expect(d.status == 0, "\(d)")
        let cp = try m.host.run("/usr/bin/timeout", ["20", Programs.directory + "/famfs", "cp", "/etc/hostname", m.path("cp-while-locked")])
        #expect(cp.status == 0, "\(cp)")
    }

    @Test("famfs cp: 'src/.' copies the contents; several sources into a missing directory is refused, nothing made")
    func cpPaths() throws {
        let m = try MountedFamfs(real: true)
        let src = ScratchDir(tag: "cp-src")
        for n in ["a", "b"] { FileManager.default.createFile(atPath: src.path + "/" + n, contents: Data(n.utf8 + [10])) }
        let into = try m.famfs("cp", "-r", src.path + "/.", m.path("fresh"))
        #expect(into.status == 0, "\(into)")
        #expect(FileManager.default.contents(atPath: m.path("fresh/a")) == Data("a\n".utf8))
        #expect(try m.famfs("mkdir", m.path("there")).status == 0)
        let existing = try m.famfs("cp", "-r", src.path + "/.", m.path("there"))
        #expect(existing.status == 0 && FileManager.default.fileExists(atPath: m.path("there/b")), "\(existing)")
        #expect(!FileManager.default.fileExists(atPath: m.path("there/.")) || FileManager.default.fileExists(atPath: m.path("there/b")))
        for args in [["cp", src.path + "/a", src.path + "/b", m.path("missing") + "/"], ["cp", "-r", src.path + "/a", src.path + "/b", m.path("missing2")]] {
            let r = try m.famfs(args: args)
            #expect(r.status != 0 && r.stderrLines.count == 1, "\(args): \(r)")
        }
        #expect(try m.volume().lookup("missing") == nil && m.volume().lookup("missing2") == nil)
    }
}
