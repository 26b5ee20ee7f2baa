import Foundation
import Testing
import FamfsCore
import FamfsFormat

/// The engine's promises under concurrent writers and kill -9, exercised with separate processes.
@Suite("concurrent creators and kill -9", .enabled(if: Programs.available && geteuid() == 0), .serialized)
struct ConcurrencyCrashTests {
    func fsckClean(_ host: Host, _ dev: String, entries: UInt64? = nil) throws -> RunResult {
        let r = try host.famfs("fsck", dev)
        #expect(r.status == 0, "\(r)")
        #expect(r.number(" bad log entries detected", 1) == 0, "\(r)")
        #expect(!r.stdout.contains("COLLISIONS"), "\(r)")
        if let entries { #expect(r.number("# of log entries in use:", 7) == entries, "\(r)") }
        return r
    }

    @Test("8 create-loop processes × 500 files on one device: 4000 files, dense log, no collisions")
    func eightWriters() throws {
        let host = Host()
        let dev = ScratchFile(size: 16 << 30)
        #expect(try host.mkfs(dev.path).status == 0)
        let out = ScratchDir(tag: "out")
        var procs: [Child] = []
        for n in 0..<8 {
            procs.append(try host.start("famfs-bench", ["create-loop", "--device", dev.path, "--prefix", "p\(n)-", "--count", "500"],
                                        stdoutPath: "\(out.path)/p\(n).out"))
        }
        for (n, p) in procs.enumerated() {
            let (status, _) = p.wait()
            let err = (try? String(contentsOfFile: "\(out.path)/p\(n).out.err", encoding: .utf8)) ?? ""
            #expect(status == 0, "writer \(n): \(err)")
        }
        let r = try fsckClean(host, dev.path, entries: 4000)
        #expect(r.number(" files", 1) == 4000, "\(r)")
        #expect(r.stdout.contains("# of log entries in use: 4000 of"), "\(r)")
        // Seqnums dense and every name present exactly once.
        let v = try FamfsVolume(path: dev.path, writable: false, identity: nil)
        let h = try v.readHeader()
        #expect(h.nextIndex == 4000 && h.nextSeqnum == 4000)
        #expect(v.report.errorCount == 0 && v.report.filesCreated == 4000 && v.report.filesExisted == 0)
        for n in 0..<8 {
            for i in 0..<500 { #expect(v.lookup("p\(n)-\(i)")?.size == 4096) }
        }
    }

    @Test("kill -9 at random moments, 30 times: fsck clean, every printed name present")
    func killLoop() throws {
        let host = Host()
        let dev = ScratchFile(size: 32 << 30)
        #expect(try host.mkfs(dev.path).status == 0)
        let out = ScratchDir(tag: "kill")
        var expectedTotal: UInt64 = 0
        var killedMidway = 0
        for round in 0..<30 {
            let outPath = "\(out.path)/r\(round).out"
            let p = try host.start("famfs-bench", ["create-loop", "--device", dev.path, "--prefix", "k\(round)-", "--count", "100000"],
                                   stdoutPath: outPath)
            // Wait for the first create (process start-up is slower than the window), then 5–60 ms.
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline, ((try? FileManager.default.attributesOfItem(atPath: outPath)[.size] as? Int) ?? 0) == 0 {
                usleep(500)
            }
            usleep(UInt32.random(in: 5_000...60_000))
            p.kill(SIGKILL)
            let (sig, signaled) = p.wait()
            if signaled && sig == SIGKILL { killedMidway += 1 }
            let printed = ((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)

            let r = try host.famfs("fsck", dev.path)
            #expect(r.status == 0, "round \(round): \(r)")
            #expect(r.number(" bad log entries detected", 1) == 0, "round \(round): \(r)")
            #expect(!r.stdout.contains("COLLISIONS"), "round \(round): \(r)")

            let v = try FamfsVolume(path: dev.path, writable: false, identity: nil)
            let h = try v.readHeader()
            #expect(h.nextSeqnum == h.nextIndex)
            #expect(v.report.errorCount == 0, "round \(round): \(v.report.problems)")
            // Every entry is a whole file: files == entries, and each printed name is there.
            #expect(UInt64(v.namespace.fileCount) == h.nextIndex)
            for name in printed { #expect(v.lookup(name)?.size == 4096, "round \(round): \(name) missing") }
            // The killed process may have committed one more entry than it printed, never fewer.
            let mine = v.children(of: Namespace.rootID).count { $0.name.hasPrefix("k\(round)-") }
            #expect(mine == printed.count || mine == printed.count + 1, "round \(round): \(mine) logged, \(printed.count) printed")
            expectedTotal += UInt64(mine)
            #expect(h.nextIndex == expectedTotal)
        }
        #expect(killedMidway >= 20, "only \(killedMidway) kills landed while the writer was running")
    }
}
