import Foundation
import Testing
import FamfsCore

/// Runs a Python script as root, or as `nobody` (setpriv): the hostile peers of these tests.
enum Hostile {
    static let python = "/usr/bin/python3"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: python) && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") }

    static func run(_ script: String, asNobody: Bool, args: [String] = []) throws -> RunResult {
        let host = Host()
        if asNobody {
            return try host.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", python, "-c", script] + args)
        }
        return try host.run(python, ["-c", script] + args)
    }

    /// Python helpers: the control socket's name, a frame, a lookup request.
    static let prelude = """
        import os, socket, struct, sys, time
        def name_of(mpt):
            return os.getxattr(mpt, "user.famfs.control").decode()
        def connect(name):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect("\\0" + name)
            return s
        def frame(b):
            return struct.pack("<I", len(b)) + b
        def lookup(path):
            p = path.encode()
            return frame(bytes([1]) + struct.pack("<H", len(p)) + p)
        def read_reply(s):
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk: break
                data += chunk
            return data

        """
}

/// The daemon's pid and what it holds, from /proc.
struct DaemonProcess {
    let pid: Int32
    init(mountPoint: String) throws {
        let r = try Hostile.run(Hostile.prelude + "print(os.getxattr(sys.argv[1], 'user.famfs.daemon_pid').decode())",
                                asNobody: false, args: [mountPoint])
        guard let pid = Int32(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CoreError.invalidArgument("no daemon pid on \(mountPoint): \(r)")
        }
        self.pid = pid
    }
    var alive: Bool { kill(pid, 0) == 0 }
    var threads: Int {
        let s = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return s.split(separator: "\n").first { $0.hasPrefix("Threads:") }.flatMap { Int($0.split(separator: "\t").last ?? "") } ?? -1
    }
    var openDescriptors: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1 }
}

@Suite("the control channel under abuse", .enabled(if: famfsMountAvailable && Hostile.available), .serialized)
struct ControlChannelAbuseTests {
    @Test("connect and close, as nobody and as root, does not kill the master's daemon")
    func connectAndClose() throws {
        let m = try MountedFamfs(real: true)
        let daemon = try DaemonProcess(mountPoint: m.mpt.path)
        let name = try Hostile.run(Hostile.prelude + "print(name_of(sys.argv[1]))", asNobody: false, args: [m.mpt.path])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!name.isEmpty)
        let abuse = Hostile.prelude + """
            for i in range(50):
                s = connect(sys.argv[1])
                if i % 2:
                    try:
                        s.send(b"\\x05\\x00")   # half a frame header, then gone
                    except OSError:
                        pass   # nobody's connection may already be refused and closed (EPIPE)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
            print("done")
            """
        for nobody in [true, false] {
            let r = try Hostile.run(abuse, asNobody: nobody, args: [name])
            #expect(r.status == 0 && r.stdout.contains("done"), "\(r)")
        }
        usleep(300_000)
        #expect(daemon.alive)
        let c = try m.famfs("creat", "-s", "4k", m.path("after-abuse"))
        #expect(c.status == 0, "\(c)")
    }

    @Test("nobody gets a refusal and nothing of a file in a 0700 directory")
    func nobodyLearnsNothing() throws {
        let m = try MountedFamfs(real: true)
        #expect(try m.famfs("mkdir", "-m", "0700", m.path("secret")).status == 0)
        #expect(try m.famfs("creat", "-s", "1m", m.path("secret/file")).status == 0)
        let name = try Hostile.run(Hostile.prelude + "print(name_of(sys.argv[1]))", asNobody: false, args: [m.mpt.path])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // The refusal comes before anything is read: wait for it without sending, then try
        // sending a lookup anyway (the daemon may have closed: a reset, but never the file).
        let probe = Hostile.prelude + """
            s = connect(sys.argv[1])
            if sys.argv[2] == "send-first":
                try:
                    s.sendall(lookup("secret/file"))
                except OSError:
                    pass
            try:
                r = read_reply(s)
            except ConnectionResetError:
                r = b""
            print(r[4] if len(r) > 4 else -1, struct.unpack("<I", r[5:9])[0] if len(r) >= 9 else -1)
            """
        let r = try Hostile.run(probe, asNobody: true, args: [name, "wait"])
        // Tag 5 is `failure`, 13 is EACCES; a file reply would be tag 3 with the map.
        #expect(r.status == 0 && r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "5 13", "\(r)")
        for _ in 0..<10 {
            let sent = try Hostile.run(probe, asNobody: true, args: [name, "send-first"])
            #expect(sent.status == 0 && !sent.stdout.hasPrefix("3 "), "\(sent)")
        }
        // Root asking the same gets the file: the refusal is about who asks.
        let root = try Hostile.run(probe, asNobody: false, args: [name, "send-first"])
        #expect(root.stdout.hasPrefix("3 "), "\(root)")
    }

    @Test("accept() out of descriptors, and 2,000 connections from nobody: the channel goes on, threads and fds stay bounded")
    func descriptorExhaustion() throws {
        let m = try MountedFamfs(real: true)
        let daemon = try DaemonProcess(mountPoint: m.mpt.path)
        let name = try Hostile.run(Hostile.prelude + "print(name_of(sys.argv[1]))", asNobody: false, args: [m.mpt.path])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try m.famfs("creat", "-s", "4k", m.path("before")).status == 0)
        let baseThreads = daemon.threads, baseFDs = daemon.openDescriptors
        // Leave the daemon a few descriptors only: accept() fails with EMFILE after a few.
        let limit = baseFDs + 4
        let lim = try Host().run("/usr/bin/prlimit", ["--pid", "\(daemon.pid)", "--nofile=\(limit):\(limit)"])
        #expect(lim.status == 0, "\(lim)")
        let flood = Hostile.prelude + """
            import resource
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            count = int(sys.argv[2])
            held = []
            for i in range(count):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.setblocking(False)
                try:
                    s.connect("\\0" + sys.argv[1])
                except (BlockingIOError, InterruptedError):
                    pass
                held.append(s)
            time.sleep(1.0)
            print("threads", open("/proc/%s/status" % sys.argv[3]).read().split("Threads:")[1].split()[0])
            for s in held: s.close()
            print("held", len(held))
            """
        let rootFlood = try Hostile.run(flood, asNobody: false, args: [name, "200", "\(daemon.pid)"])
        #expect(rootFlood.status == 0 && rootFlood.stdout.contains("held 200"), "\(rootFlood)")
        let nobodyFlood = try Hostile.run(flood, asNobody: true, args: [name, "2000", "\(daemon.pid)"])
        #expect(nobodyFlood.status == 0 && nobodyFlood.stdout.contains("held 2000"), "\(nobodyFlood)")
        for r in [rootFlood, nobodyFlood] {
            let threads = Int(r.field("threads", 2) ?? "") ?? Int.max
            #expect(threads <= baseThreads + 16 + 2, "\(threads) threads (\(baseThreads) before): \(r)")
        }
        // Give the daemon its descriptors back; the channel must still be there.
        _ = try Host().run("/usr/bin/prlimit", ["--pid", "\(daemon.pid)", "--nofile=4096:4096"])
        let c = try m.famfs("creat", "-s", "4k", m.path("after"))
        #expect(c.status == 0, "\(c)")
        #expect(daemon.alive)
        // No descriptor of the floods is left behind.
        var fds = daemon.openDescriptors
        for _ in 0..<50 where fds > baseFDs { usleep(100_000); fds = daemon.openDescriptors }
        #expect(fds <= baseFDs, "\(fds) descriptors open, \(baseFDs) before")
    }
}
