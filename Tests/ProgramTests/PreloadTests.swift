import Foundation
import Testing
import FamfsCore
import FamfsFormat

/// libfamfs_preload.so on real mounts: a master and a client host of one device, programs that
/// were not written for famfs (fio, cmp, md5sum, cat, cp, sqlite3, python) run under LD_PRELOAD.
@Suite("preload", .enabled(if: famfsMountAvailable))
struct PreloadTests {
    @Test("fio --verify=crc32c under the preload on the client reads what the master's fio wrote")
    func fioVerify() throws {
        if let m = PreloadTools.missing(["fio"]) { Issue.record(Comment(rawValue: m)); return }
        let rig = try PreloadRig()
        #expect(try rig.master.famfs("creat", "-s", "64m", rig.m("fio")).status == 0)
        let job = "--name=v --bs=64k --size=64m --ioengine=psync --verify=crc32c --verify_state_save=0"
        let w = try rig.sh("fio \(job) --rw=write --do_verify=0 --filename=\(rig.m("fio"))", on: rig.master.host, preload: true)
        #expect(w.status == 0 && PreloadRig.directCount(w) == 1, "\(w)")
        try waitForFile(rig.c("fio"))
        let r = try rig.sh("fio \(job) --rw=read --readonly --filename=\(rig.c("fio"))", preload: true)
        #expect(r.status == 0 && PreloadRig.directCount(r) == 1 && r.stdout.contains("err= 0"), "\(r)")
        // The check can fail: random bytes carry no valid verify headers.
        #expect(try rig.master.famfs("creat", "-s", "64m", "-r", "-S", "9", rig.m("noise")).status == 0)
        try waitForFile(rig.c("noise"))
        let bad = try rig.sh("fio \(job) --rw=read --readonly --filename=\(rig.c("noise"))", preload: true)
        #expect(bad.status != 0 && PreloadRig.directCount(bad) == 1, "\(bad)")
    }

    @Test("cmp, md5sum, cat, cp out of the mount and sqlite3 (immutable) agree with and without the preload")
    func toolsAgree() throws {
        if let m = PreloadTools.missing(["sqlite3"]) { Issue.record(Comment(rawValue: m)); return }
        let rig = try PreloadRig()
        let db = rig.scratch.path + "/t.db"
        let mk = try rig.sh("sqlite3 \(db) \"create table t(a integer, b text); with recursive n(i) as (select 1 union all select i+1 from n where i < 20000) insert into t select i, hex(randomblob(20)) from n;\"", preload: false)
        #expect(mk.status == 0, "\(mk)")
        #expect(try rig.master.famfs("cp", db, rig.m("t.db")).status == 0)
        #expect(try rig.master.famfs("creat", "-s", "5000001", "-r", "-S", "4", rig.m("blob")).status == 0)
        try waitForFile(rig.c("blob"))
        try waitForFile(rig.c("t.db"))
        let blob = rig.c("blob"), out = rig.scratch.path
        let script = """
            set -e
            md5sum \(blob) | cut -d' ' -f1
            cat \(blob) | md5sum | cut -d' ' -f1
            cmp \(blob) \(rig.m("blob")) && echo same
            cp \(blob) \(out)/copy-$1 && md5sum < \(out)/copy-$1 | cut -d' ' -f1
            dd if=\(blob) bs=4096 skip=3 count=5 status=none | md5sum | cut -d' ' -f1
            sqlite3 'file:\(rig.c("t.db"))?immutable=1' 'select count(*), sum(a), max(b) from t; pragma integrity_check;'
            """
        let file = rig.scratch.path + "/tools.sh"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        let plain = try rig.sh("sh \(file) plain", preload: false)
        let pre = try rig.sh("sh \(file) pre", preload: true)
        #expect(plain.status == 0 && pre.status == 0, "\(plain)\n\(pre)")
        #expect(plain.stdout == pre.stdout && plain.stdout.contains("20000|200010000|"), "\(plain.stdout) vs \(pre.stdout)")
        #expect(pre.stdout.contains("same\n") && pre.stdout.contains("ok\n"))
        // cat, cmp, cp, dd, sqlite3 opened the files through the preload and got them mapped.
        #expect(PreloadRig.directCount(pre) >= 6, "\(pre.stderr)")
    }

    @Test("offsets after mixed read/lseek/pread/readv agree with tmpfs; dup, fork and threads keep them",
          arguments: [["-s", "\(5 << 20 | 123)"], ["-N", "2", "-B", "4", "-s", "\(13 << 20 | 5)"]])
    func offsets(layout: [String]) throws {
        let rig = try PreloadRig()
        // Simple: three 2 MiB units, the last partly past the end. Interleaved: chunks of two strips.
        #expect(try rig.master.famfs(args: ["creat"] + layout + ["-r", "-S", "12", rig.m("o")]).status == 0)
        try waitForFile(rig.c("o"))
        let copy = rig.scratch.path + "/o"
        #expect(try rig.sh("cp \(rig.c("o")) \(copy)", preload: false).status == 0)
        let r = try rig.scenario(["offsets", rig.c("o"), copy, rig.device])
        #expect(r.status == 0 && r.stdout.contains("agree with tmpfs"), "\(r)")
    }

    @Test("mmap under the preload: shared stores and msync, MAP_PRIVATE copy-on-write, page offsets, mremap, munmap")
    func mappings() throws {
        let rig = try PreloadRig()
        #expect(try rig.master.famfs("creat", "-N", "2", "-B", "4", "-s", "12m", "-r", "-S", "3", rig.m("mp")).status == 0)
        let r = try rig.scenario(["mappings", rig.m("mp"), rig.device], on: rig.master.host)
        #expect(r.status == 0 && r.stdout.contains("mremap, munmap ok"), "\(r)")
        #expect(r.stderr.contains("6 runs"), "\(r.stderr)")
    }

    @Test("writes on the master go into the mapping with the daemon's end-of-file rules, offsets exact")
    func writes() throws {
        let rig = try PreloadRig()
        #expect(try rig.master.famfs("creat", "-s", "3m", rig.m("w")).status == 0)
        let r = try rig.scenario(["writes", rig.m("w"), rig.device], on: rig.master.host)
        #expect(r.status == 0 && r.stdout.contains("writes: ok"), "\(r)")
        // What the preload stored is what the device holds (no copy anywhere else).
        let bytes = try #require(try rig.master.bytes("w"))
        #expect(Array(bytes[0..<9]) == Array("helloabcd".utf8) && Array(bytes[100..<102]) == Array("XY".utf8))
    }

    @Test("a program that opens and closes 1,000 famfs files leaves no mappings behind")
    func thousandFiles() throws {
        let rig = try PreloadRig()
        let src = ScratchDir(tag: "many")
        for i in 0..<1000 {
            let name = String(format: "f%04d", i)
            try Data((name + String(repeating: ".", count: 16)).utf8).write(to: URL(fileURLWithPath: src.path + "/" + name))
        }
        #expect(try rig.master.famfs("cp", "-r", src.path, rig.m("many")).status == 0)
        try waitForFile(rig.c("many/f0999"))
        let r = try rig.scenario(["manyfiles", rig.c("many"), rig.device, "1000"])
        #expect(r.status == 0 && r.stdout.contains("no mapping left"), "\(r)")
        #expect(PreloadRig.directCount(r) == 1000)
    }

    @Test("a store by the master through its preload mapping is seen in the client's existing mapping, no flush")
    func sharedStore() throws {
        let rig = try PreloadRig()
        #expect(try rig.master.famfs("creat", "-s", "4m", rig.m("s")).status == 0)
        try waitForFile(rig.c("s"))
        let ready = rig.scratch.path + "/ready"
        let out = rig.scratch.path + "/watch"
        let watcher = try rig.client.start(PreloadTools.python,
                                           [PreloadTools.scenarios, "watch", rig.c("s"), rig.device, ready, "3145733", "c0ffee11", "20"],
                                           extraEnv: PreloadRig.preload, stdoutPath: out)
        for _ in 0..<500 where !FileManager.default.fileExists(atPath: ready) { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: ready))
        let s = try rig.scenario(["store", rig.m("s"), rig.device, "3145733", "c0ffee11"], on: rig.master.host)
        #expect(s.status == 0, "\(s)")
        let (status, _) = watcher.wait()
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        #expect(status == 0 && text.contains("shows the master's store"), "\(text)")
    }

    @Test("a user without access to the device falls back to the mount and still reads the right bytes")
    func noDeviceAccess() throws {
        let rig = try PreloadRig()
        #expect(try rig.master.famfs("creat", "-s", "3m", "-r", "-S", "21", rig.m("n")).status == 0)
        try waitForFile(rig.c("n"))
        let want = try #require(try rig.master.bytes("n"))
        chmod(rig.device, 0o600)
        let denied = try rig.scenario(["md5", rig.c("n"), rig.device], asNobody: true)
        #expect(denied.status == 0 && denied.stdout.contains(" not-mapped"), "\(denied)")
        #expect(denied.stderr.contains("through the mount") && denied.stderr.contains("no access"), "\(denied)")
        // With read access to the device the same user gets the device mapping.
        chmod(rig.device, 0o644)
        let allowed = try rig.scenario(["md5", rig.c("n"), rig.device], asNobody: true)
        #expect(allowed.status == 0 && allowed.stdout.contains(" mapped"), "\(allowed)")
        let md5 = try rig.sh("md5sum \(rig.c("n")) | cut -d' ' -f1", preload: false).stdout
        #expect(denied.stdout.hasPrefix(md5.trimmingCharacters(in: .whitespacesAndNewlines)) && want.count == 3 << 20)
        #expect(allowed.stdout.hasPrefix(md5.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test("famfs run puts the preload under a command and everything it starts; its exit status is the command's")
    func famfsRun() throws {
        let rig = try PreloadRig()
        #expect(try rig.master.famfs("creat", "-s", "3m", "-r", "-S", "30", rig.m("r")).status == 0)
        try waitForFile(rig.c("r"))
        let want = try rig.sh("md5sum < \(rig.c("r"))", preload: false)
        let r = try rig.client.famfs("run", "-d", "--", "/bin/sh", "-c", "cat \(rig.c("r")) | md5sum; exit 3")
        #expect(r.status == 3 && r.stdout == want.stdout && PreloadRig.directCount(r) == 1, "\(r)")
        // Options after the command are the command's.
        let ls = try rig.client.famfs("run", "ls", "-d", rig.cmpt.path)
        #expect(ls.status == 0 && ls.stdout == rig.cmpt.path + "\n" && !ls.stderr.contains("famfs_preload"), "\(ls)")
        let missing = try rig.client.famfs("run", "/nonexistent/program")
        #expect(missing.status == 127 && missing.stderr.contains("famfs run: /nonexistent/program: No such file"), "\(missing)")
        let none = try rig.client.famfs("run")
        #expect(none.status != 0 && !none.stderr.isEmpty, "\(none)")
    }

    @Test("numpy and pyarrow through the famfs package read the master's file with no copy")
    func pythonPackage() throws {
        if let m = PreloadTools.missing(["numpy", "pyarrow"]) { Issue.record(Comment(rawValue: m)); return }
        let rig = try PreloadRig()
        let arrow = rig.scratch.path + "/t.arrow"
        #expect(try rig.scenario(["write_arrow", arrow], preload: false).status == 0)
        #expect(try rig.master.famfs("cp", arrow, rig.m("t.arrow")).status == 0)
        #expect(try rig.master.famfs("creat", "-s", "6m", "-r", "-S", "5", rig.m("np")).status == 0)
        try waitForFile(rig.c("t.arrow"))
        // The package with no preload: its own mapping (libfamfsmap through ctypes).
        let p = try rig.scenario(["package", rig.c("np"), rig.device, rig.c("t.arrow")], preload: false)
        #expect(p.status == 0 && p.stdout.contains("in place"), "\(p)")
        // numpy.memmap and pyarrow.memory_map under the preload: mmap is the device.
        let q = try rig.scenario(["preloaded_mmaps", rig.c("np"), rig.c("t.arrow"), rig.device])
        #expect(q.status == 0 && q.stdout.contains("map the device"), "\(q)")
    }
}

/// Waits (up to 5 s) for a client mount to show a file the master made.
func waitForFile(_ path: String) throws {
    for _ in 0..<250 {
        if FileManager.default.fileExists(atPath: path) { return }
        usleep(20_000)
    }
    throw CoreError.invalidArgument("\(path) did not appear on the client within 5 s")
}
