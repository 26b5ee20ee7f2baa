import FamfsCore
import Foundation
import Testing

/// `pcq` as a user runs it. The scenarios are the original's smoke/test_pcq.sh, step by step,
/// plus what it leaves out (two hosts, bad messages, signals).
final class Pcq {
    let cluster: QueueCluster
    let statusPath: String

    init(_ c: QueueCluster) {
        cluster = c
        statusPath = "/dev/shm/famfs-qt-\(c.tag).status"
        FileManager.default.createFile(atPath: statusPath, contents: nil, attributes: [.posixPermissions: 0o666])
    }

    deinit { unlink(statusPath) }

    /// As root, with the master's identity (create needs it).
    @discardableResult
    func root(_ args: String...) throws -> Built.Result { try Built.run("pcq", args, env: cluster.masterEnv, timeout: 60) }

    /// As `nobody`: root writes whatever the mode says, so only an unprivileged user shows what
    /// --setperm does (the original's script chowns the queues to its caller for the same reason).
    @discardableResult
    func user(_ args: String...) throws -> Built.Result {
        try Built.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Built.directory + "/pcq"] + args,
                      timeout: 60)
    }

    var status: String { (try? String(contentsOfFile: statusPath, encoding: .utf8)) ?? "<none>" }

    func writable(_ path: String) throws -> Bool {
        try Built.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/test", "-w", path]).status == 0
    }
}

@Suite("pcq program", .serialized, .timeLimit(.minutes(3)))
struct PcqProgramTests {
    @Test("bogus command lines are refused with the original's messages; -? is help")
    func commandLines() throws {
        let c = try QueueCluster(client: false)
        let pcq = Pcq(c)
        let help = try pcq.root("-?")
        #expect(help.status == 0 && help.out.contains("USAGE: pcq"))
        let cases: [([String], String)] = [
            (["--info", "--create"], "info not compatible with operating on a pcq"),
            (["--drain", "--producer"], "drain can't be used with producer, time or nmessages options"),
            (["--time", "10", "--nmessages", "100"], "main: the --nmessages and --time args cannot be used together"),
            (["--create"], "create requires bsize and nbuckets"),
            (["--create", "-D", "-v", "--bsize", "1024", "--nbuckets", "1024"], "Must specify base filename"),
            (["--setperm", "x", c.master + "/q"], "main: invalid --setperm arg (x)"),
            (["-P", "p", "--create", "-b", "64", "-n", "4", c.master + "/q"], "--setperm is incompatible with --create|--drain|--producer|--consumer"),
            (["-u", "5", "--producer", c.master + "/q"], "main: uid/gid only apply with --create"),
            (["--producer", "-N", "12q", c.master + "/q"], "--nmessages '12q' is not a number"),
            (["--consumer", "--time", "99999999999999999999", c.master + "/q"], "--time '99999999999999999999' is not a number"),
            (["--create", "-b", "16E", "-n", "4", c.master + "/q"], "--bsize '16E' is not a number"),
        ]
        for (args, message) in cases {
            let r = try Built.run("pcq", args, env: c.masterEnv)
            #expect(r.status == 1 && r.err.contains(message), "pcq \(args.joined(separator: " ")): \(r)")
        }
        #expect(access(c.master + "/q", F_OK) != 0, "nothing was created")
    }

    @Test("the original's smoke test: create five queues, setperm p/c/b/n, info, drain, put 128, get 64, drain 64, seeded and plain -pc runs, timed runs with status lines")
    func smoke() throws {
        let c = try QueueCluster(client: false)
        chmod(c.device, 0o666)  // the unprivileged runs map the device itself
        let pcq = Pcq(c)
        let m = c.master
        // The original's five geometries. It runs 1000 and 10000 messages through each; with the
        // debug build's CRC the big-bucket queues run fewer here (the ring wraps in every run).
        let queues: [(name: String, bsize: String, nbuckets: String, seeded: Int, plain: Int)] = [
            ("q0", "1024", "1024", 1000, 10000), ("q1", "64", "1K", 1000, 10000), ("q2", "64K", "512", 600, 1000),
            ("q3", "512K", "1k", 40, 80), ("q4", "256K", "256", 80, 300),
        ]
        let created = try pcq.root("--create", "-D", "-v", "--bsize", "1024", "--nbuckets", "1024", "-u", "65534", "-g", "65534", m + "/q0")
        #expect(created.status == 0 && created.out.contains("pcq_create: Created queue \(m)/q0"), "\(created)")
        #expect(created.out.contains("bucket_size=1024\nnbuckets=1024\n"))
        for q in queues.dropFirst() {
            let r = try pcq.root("--create", "-v", "--bsize", q.bsize, "--nbuckets", q.nbuckets, "-u", "65534", "-g", "65534", m + "/" + q.name)
            #expect(r.status == 0, "\(r)")
        }
        var st = stat()
        #expect(stat(m + "/q3", &st) == 0 && st.st_size == (2 << 20) + 1024 * 512 * 1024 && st.st_uid == 65534)
        #expect(stat(m + "/q3.consumer", &st) == 0 && st.st_size == 2 << 20 && st.st_gid == 65534 && st.st_mode & 0o777 == 0o644)

        // setperm c: the consumer side only.
        let q0 = m + "/q0"
        #expect(try pcq.user("--setperm", "c", q0).status == 0)
        #expect(try !pcq.writable(q0) && pcq.writable(q0 + ".consumer"))
        #expect(try pcq.user("--info", "-v", q0).status == 0)
        let refused = try pcq.user("--producer", "-v", "-N", "1", q0)
        #expect(refused.status != 0 && refused.err.contains("\(q0): no access"), "\(refused)")
        // setperm p.
        #expect(try pcq.user("--setperm", "p", q0).status == 0)
        #expect(try pcq.writable(q0) && !pcq.writable(q0 + ".consumer"))
        #expect(try pcq.user("--info", "-v", q0).status == 0)
        #expect(try pcq.user("--consumer", "-N", "1", "-v", q0).status != 0)
        #expect(try pcq.user("--drain", "-v", q0).status != 0)
        // setperm n: read-only both.
        #expect(try pcq.user("--setperm", "n", q0).status == 0)
        #expect(try !pcq.writable(q0) && !pcq.writable(q0 + ".consumer"))
        #expect(try pcq.user("--info", "-v", q0).status == 0)
        #expect(try pcq.user("--producer", "-v", "-N", "1", q0).status != 0)
        #expect(try pcq.user("--consumer", "-N", "1", "-v", q0).status != 0)
        // setperm b.
        #expect(try pcq.user("--setperm", "b", q0).status == 0)
        #expect(try pcq.writable(q0) && pcq.writable(q0 + ".consumer"))

        for q in queues {
            let path = m + "/" + q.name
            let info = try pcq.user("--info", "-v", path)
            #expect(info.status == 0 && info.out.contains("get_queue_info: queue \(path) contains 0 messages p next_seq 0 c next_seq 0"), "\(info)")
            let drained = try pcq.user("--drain", "-v", path)
            #expect(drained.status == 0 && drained.out.contains("pcq drain: nreceived=0 nerrors=0 nempty=1 retries=0"), "\(drained)")
        }
        for q in queues {
            let path = m + "/" + q.name
            let put = try pcq.user("--producer", "-v", "-N", "128", "--statusfile", pcq.statusPath, path)
            #expect(put.status == 0 && pcq.status == "128", "\(put)")
            #expect(put.out.contains("pcq_producer_put: put_index=127 seq=127"))
            let got = try pcq.user("--consumer", "-N", "64", "-v", "--statusfile", pcq.statusPath, path)
            #expect(got.status == 0 && pcq.status == "64", "\(got)")
            let info = try pcq.user("--info", "--statusfile", pcq.statusPath, path)
            #expect(info.out.contains("contains 64 messages p next_seq 128 c next_seq 64") && pcq.status == "64", "\(info)")
            let drained = try pcq.user("--drain", "-v", "--statusfile", pcq.statusPath, path)
            #expect(drained.status == 0 && pcq.status == "64", "\(drained)")
            #expect(drained.out.contains("pcq: drained 64 messages from queue \(path), with no errors"))
        }
        for q in queues {
            let path = m + "/" + q.name
            let seeded = try pcq.user("-pc", "--seed", "43", "-N", "\(q.seeded)", "--statusfile", pcq.statusPath, path)
            #expect(seeded.status == 0 && pcq.status == "\(2 * q.seeded)", "\(seeded)")
            let plain = try pcq.user("-pc", "-s", "1", "-N", "\(q.plain)", "--statusfile", pcq.statusPath, path)
            #expect(plain.status == 0 && pcq.status == "\(2 * q.plain)", "\(plain)")
            #expect(plain.out.contains("pcq producer: nsent=\(q.plain) nerrors=0"))
            #expect(plain.out.contains("pcq consumer: nreceived=\(q.plain) nerrors=0"))
        }
        // Without cache flushes (correct on one host, where the memory is coherent).
        let unflushed = try pcq.user("-pc", "-D", "--seed", "5", "-N", "2000", "--statusfile", pcq.statusPath, m + "/q1")
        #expect(unflushed.status == 0 && pcq.status == "4000", "\(unflushed)")
        // Timed runs (the original runs 10 s on each queue); status lines every second.
        for name in ["q0", "q3"] {
            let r = try pcq.user("-pc", "-s", "1", "--time", "2", m + "/" + name)
            #expect(r.status == 0, "\(r)")
            let line = r.lines.first { $0.contains(" pcq=\(m)/\(name) prod(nsent=") }
            #expect(line.map { $0.wholeMatch(of: /\d\d-\d\d \d\d:\d\d:\d\d pcq=\S+ prod\(nsent=\d+ nfull=\d+\) cons\(nrcvd=\d+ nempty=\d+ nretries= \d+ nerrors=0\)/) != nil } == true, "\(r)")
            #expect(try pcq.user("--info", "-v", m + "/" + name).status == 0)
            #expect(try pcq.user("--drain", m + "/" + name).status == 0)
            let info = try pcq.user("--info", m + "/" + name)
            #expect(info.out.contains("contains 0 messages"), "\(info)")
        }
    }

    @Test("a producer on the master and a consumer on a client, two processes, move 2000 seeded messages")
    func twoHosts() throws {
        let c = try QueueCluster()
        let pcq = Pcq(c)
        #expect(try pcq.root("--create", "-b", "4k", "-n", "64", c.master + "/q").status == 0)
        // Each host makes itself its side, as the original's guide does.
        #expect(try Built.run("pcq", ["--setperm", "p", c.master + "/q"]).status == 0)
        #expect(try Built.run("pcq", ["--setperm", "c", c.client + "/q"]).status == 0)
        let status2 = pcq.statusPath + "2"
        defer { unlink(status2) }
        let consumer = try Built.start("pcq", ["--consumer", "-N", "2000", "--seed", "42", "-f", status2, c.client + "/q"], env: c.clientEnv)
        let producer = try Built.run("pcq", ["--producer", "-N", "2000", "--seed", "42", "-f", pcq.statusPath, c.master + "/q"], env: c.masterEnv)
        let consumed = consumer.wait(timeout: 60)
        #expect(producer.status == 0 && pcq.status == "2000", "\(producer)")
        #expect(consumed.status == 0 && consumed.out.contains("pcq consumer: nreceived=2000 nerrors=0"), "\(consumed)")
        #expect((try? String(contentsOfFile: status2, encoding: .utf8)) == "2000")
        let info = try Built.run("pcq", ["--info", c.client + "/q"])
        #expect(info.out == "get_queue_info: queue \(c.client)/q contains 0 messages p next_seq 2000 c next_seq 2000\n", "\(info)")
    }

    @Test("bad input ends with a message and a non-zero exit, never a hang: not a queue, a damaged or out-of-order message, an empty queue with --time, a signal")
    func badInput() throws {
        let c = try QueueCluster(client: false)
        let pcq = Pcq(c)
        let q = c.master + "/q"
        #expect(try pcq.root("--create", "-b", "256", "-n", "8", q).status == 0)
        let again = try pcq.root("--create", "-b", "256", "-n", "8", q)
        #expect(again.status == 1 && again.err.contains("something with that name already exists"), "\(again)")
        let odd = try pcq.root("--create", "-b", "100", "-n", "8", c.master + "/odd")
        #expect(odd.status == 1 && odd.err.contains("bucket_size 100 must be a power of 2"), "\(odd)")
        let missing = try pcq.root("--info", c.master + "/nothing")
        #expect(missing.status == 1 && missing.err.contains("pcq files not found for queue"), "\(missing)")
        let v = try c.engine()
        _ = try v.createFile("plain", size: 4 << 20, mode: 0o644, uid: 0, gid: 0)
        _ = try v.createFile("plain.consumer", size: 2 << 20, mode: 0o644, uid: 0, gid: 0)
        let zero = "import sys\nfor p in sys.argv[1:]:\n    open(p, 'r+b').write(bytes(4096))\n"
        #expect(try Python.run(zero, [c.master + "/plain", c.master + "/plain.consumer"]).status == 0)
        let plain = try pcq.root("--consumer", "-N", "1", c.master + "/plain")
        #expect(plain.status == 1 && plain.err.contains("not a pcq queue file: pcq_magic is 0x0, expected 0xbeebee3"), "\(plain)")

        // An empty queue: --time ends the wait; a signal ends a wait without one.
        let timed = try pcq.root("--consumer", "--time", "1", q)
        #expect(timed.status == 0 && timed.out.contains("nreceived=0 nerrors=0 nempty=1"), "\(timed)")
        let waiting = try Built.start("pcq", ["--consumer", "-N", "1", q])
        usleep(300_000)
        kill(waiting.pid, SIGTERM)
        let ended = waiting.wait(timeout: 10)
        #expect(!ended.signaled && ended.status == 128 + SIGTERM && ended.out.contains("nreceived=0"), "\(ended)")

        // A damaged payload byte, then a bucket resealed with a good CRC and a wrong seq.
        #expect(try pcq.root("--producer", "-N", "3", q).status == 0)
        let flip = "import sys\nf = open(sys.argv[1], 'r+b'); f.seek((2 << 20) + 10); b = f.read(1); f.seek((2 << 20) + 10); f.write(bytes([b[0] ^ 1]))\n"
        #expect(try Python.run(flip, [q]).status == 0)
        let damaged = try pcq.root("--consumer", "-N", "3", "-f", pcq.statusPath, q)
        #expect(damaged.status == 255 && damaged.err.contains("bad msg after 2 retries. Cache coherency suspicious"), "\(damaged)")
        #expect(damaged.err.contains("\(q): bad msg in bucket 0 (seq 0)") && pcq.status == "-1")
        #expect(try Python.run(flip, [q]).status == 0)
        let reseal = """
            import struct, sys, zlib
            f = open(sys.argv[1], 'r+b'); base = (2 << 20) + 256
            f.seek(base); body = f.read(240) + struct.pack('<Q', 7)
            f.seek(base); f.write(body + struct.pack('<Q', zlib.crc32(body)))
            """
        #expect(try Python.run(reseal, [q]).status == 0)
        let reordered = try pcq.root("--consumer", "-N", "3", q)
        #expect(reordered.status == 255 && reordered.err.contains("pcq_consumer_get: seq mismatch 7 / 1"), "\(reordered)")
        #expect(reordered.out.contains("nreceived=1 nerrors=1"), "the good first message was taken: \(reordered)")
        let info = try pcq.root("--info", q)
        #expect(info.out.contains("contains 2 messages p next_seq 3 c next_seq 1"), "the bad one stays queued: \(info)")
    }
}
