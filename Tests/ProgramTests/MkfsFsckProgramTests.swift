import Foundation
import Testing
import FamfsCore
import FamfsFormat

@Suite("mkfs.famfs and famfs fsck as programs", .enabled(if: Programs.available && geteuid() == 0))
struct MkfsProgramTests {
    @Test("mkfs then fsck: exit 0 and the rows scripts parse with awk $3")
    func mkfsThenFsck() throws {
        let host = Host()
        let dev = ScratchFile()
        let mk = try host.mkfs(dev.path)
        #expect(mk.status == 0, "\(mk)")
        #expect(mk.stdout.contains("devsize: 4294967296"), "\(mk)")
        let fsck = try host.famfs("fsck", dev.path)
        #expect(fsck.status == 0, "\(fsck)")
        #expect(fsck.number("Device capacity:") == 4_294_967_296, "\(fsck)")
        #expect(fsck.number("Free space:") == 4_294_967_296 - 10 << 20, "\(fsck)")
        #expect(fsck.field("role of this node:", 5) == "Owner", "\(fsck)")
        #expect(fsck.number("log size (bytes):", 4) == 8_388_608, "\(fsck)")
    }

    @Test("refusals: exit codes and one-line messages")
    func refusals() throws {
        let host = Host()
        // No device: 1.
        let none = try host.mkfs()
        #expect(none.status == 1 && none.stderrLines.count == 1, "\(none)")
        #expect(none.stderr.contains("must specify memory device"), "\(none)")
        // Nonexistent device: 2.
        let missing = try host.mkfs("/dev/shm/famfs-pt-does-not-exist.img")
        #expect(missing.status == 2 && missing.stderrLines.count == 1, "\(missing)")
        // Smaller than 4 GiB: 2.
        let small = ScratchFile(size: 3 << 30)
        let s = try host.mkfs(small.path)
        #expect(s.status == 2 && s.stderrLines.count == 1, "\(s)")
        // Bad log lengths: 2, and nothing formatted.
        let dev = ScratchFile()
        for bad in ["1", "11m", "7m"] {
            let r = try host.mkfs("-l", bad, dev.path)
            #expect(r.status == 2 && r.stderrLines.count == 1, "-l \(bad): \(r)")
        }
        #expect(try host.famfs("fsck", dev.path).status != 0)
        // Existing famfs without -f: 2; with -f: 0.
        #expect(try host.mkfs(dev.path).status == 0)
        let again = try host.mkfs(dev.path)
        #expect(again.status == 2 && again.stderrLines.count == 1, "\(again)")
        #expect(again.stderr.contains("already has a famfs superblock"), "\(again)")
        #expect(try host.mkfs("-f", dev.path).status == 0)
        // Another host's famfs without -f: 2; with -f it becomes ours.
        let other = Host()
        let foreign = try other.mkfs(dev.path)
        #expect(foreign.status == 2 && foreign.stderrLines.count == 1, "\(foreign)")
        #expect(foreign.stderr.contains("another host"), "\(foreign)")
        #expect(try other.famfs("fsck", dev.path).field("role of this node:", 5) == "Client")
        #expect(try other.mkfs("-f", dev.path).status == 0)
        #expect(try other.famfs("fsck", dev.path).field("role of this node:", 5) == "Owner")
        // -k without -f is a normal (refused) mkfs attempt.
        let k = try other.mkfs("-k", dev.path)
        #expect(k.status == 2, "\(k)")
    }

    @Test("-f -k kills the superblock; fsck then fails with one line naming the magic")
    func kill() throws {
        let host = Host()
        let dev = ScratchFile()
        #expect(try host.mkfs(dev.path).status == 0)
        let k = try host.mkfs("-f", "-k", dev.path)
        #expect(k.status == 0, "\(k)")
        #expect(k.stdout.contains("Famfs superblock killed"), "\(k)")
        let fsck = try host.famfs("fsck", dev.path)
        #expect(fsck.status == 1 && !fsck.crashed, "\(fsck)")
        #expect(fsck.stderrLines.count == 1, "\(fsck)")
        #expect(fsck.stderr.lowercased().contains("magic"), "\(fsck)")
    }

    @Test("--loglen 256m gives a 268435456-byte log; --create makes a missing device file")
    func loglenAndCreate() throws {
        let host = Host()
        let dev = ScratchFile(size: nil)
        let r = try host.mkfs("--loglen", "256m", "--create", "4g", dev.path)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("loglen: 268435456"), "\(r)")
        var st = stat()
        #expect(stat(dev.path, &st) == 0 && st.st_size == 4 << 30)
        let fsck = try host.famfs("fsck", dev.path)
        #expect(fsck.status == 0, "\(fsck)")
        #expect(fsck.number("log size (bytes):", 4) == 268_435_456, "\(fsck)")
        #expect(fsck.number("Log size (total bytes)", 5) == 268_435_456, "\(fsck)")
    }
}

@Suite("famfs fsck of the reference images and of damaged devices", .enabled(if: Programs.available))
struct FsckProgramTests {
    /// The rows compared with the reference's output.
    struct Rows: Equatable, CustomStringConvertible {
        var files, dirs, sum, allocated, free, bad, used: UInt64?
        init(_ text: String) {
            func last(_ label: String) -> UInt64? {
                text.split(separator: "\n").first { $0.contains(label) }.flatMap { UInt64($0.split(separator: " ").last ?? "") }
            }
            func first(_ suffix: String) -> UInt64? {
                text.split(separator: "\n").first { $0.hasSuffix(suffix) }.flatMap { UInt64($0.split(separator: " ")[0]) }
            }
            files = first(" files"); dirs = first(" directories"); sum = last("Sum of file sizes:")
            allocated = last("Allocated bytes:"); free = last("Free space:"); bad = first(" bad log entries detected")
            used = first("entries used")
        }
        var description: String { "files \(files as Any) dirs \(dirs as Any) sum \(sum as Any) alloc \(allocated as Any) free \(free as Any) bad \(bad as Any) used \(used as Any)" }
    }

    @Test("numeric rows and exit code equal the reference's", arguments: [
        ("fresh", "fresh.fsck.txt"), ("populated", "populated.fsck.txt"), ("bad-entry-crc", "bad-entry-crc.oracle.txt"),
    ])
    func referenceRows(image: String, oracle: String) throws {
        let dev = try Fixtures.expand(image)
        let r = try Host().famfs("fsck", dev.path)
        let theirs = try Fixtures.text(oracle)
        #expect(r.status == 0, "\(r)")
        #expect(Rows(r.stdout) == Rows(theirs), "ours: \(Rows(r.stdout)) reference: \(Rows(theirs))")
        #expect(Rows(r.stdout).files != nil)
        // Made by another host: we print Client where the reference (run on the owner) printed Owner.
        #expect(r.field("role of this node:", 5) == "Client")
        for label in ["Filesystem UUID:", "System UUID:", "Device capacity:", "Bitmap capacity:", "Space amplification:"] {
            let ours = r.stdout.split(separator: "\n").first { $0.contains(label) }
            let ref = theirs.split(separator: "\n").first { $0.contains(label) }
            #expect(ours == ref, "\(label)")
        }
    }

    @Test("the 16 MiB-log image")
    func log16m() throws {
        let dev = try Fixtures.expand("fresh-log16m")
        let r = try Host().famfs("fsck", dev.path)
        #expect(r.status == 0, "\(r)")
        #expect(r.number("log size (bytes):", 4) == 16_777_216)
        #expect(r.stdout.contains("0 of 30840 entries used"), "\(r)")
    }

    @Test("bad superblock CRC and bad log magic: non-zero exit, one stderr line naming the problem", arguments: [
        ("bad-sb-crc", "crc"), ("bad-log-magic", "magic"),
    ])
    func referenceDamage(image: String, word: String) throws {
        let dev = try Fixtures.expand(image)
        let r = try Host().famfs("fsck", dev.path)
        #expect(r.status != 0 && r.status < 128 && !r.crashed, "\(r)")
        #expect(r.stderrLines.count == 1, "\(r)")
        #expect(r.stderr.lowercased().contains(word), "\(r)")
    }

    @Test("our own damage: truncated device, wrong version, garbage log header")
    func ownDamage() throws {
        let host = Host()
        // Truncated to 100 MiB.
        let t = try Fixtures.expand("populated")
        truncate(t.path, 100 << 20)
        let tr = try host.famfs("fsck", t.path)
        #expect(tr.status != 0 && tr.status < 128 && !tr.crashed, "\(tr)")
        #expect(tr.stderrLines.count == 1 && tr.stderr.contains("small"), "\(tr)")
        // Version 49, nothing else fixed.
        let v = try Fixtures.expand("populated")
        try v.poke(8, [49])
        let vr = try host.famfs("fsck", v.path)
        #expect(vr.status != 0 && vr.status < 128 && !vr.crashed, "\(vr)")
        #expect(vr.stderrLines.count == 1, "\(vr)")
        // Random bytes over the log header.
        let g = try Fixtures.expand("populated")
        var rng = SystemRandomNumberGenerator()
        try g.poke(UInt64(Media.logOffset), (0..<48).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let gr = try host.famfs("fsck", g.path)
        #expect(gr.status != 0 && gr.status < 128 && !gr.crashed, "\(gr)")
        #expect(gr.stderrLines.count == 1 && gr.stderr.contains("log"), "\(gr)")
        // A device that is not famfs at all (zeroes).
        let z = ScratchFile()
        let zr = try host.famfs("fsck", z.path)
        #expect(zr.status != 0 && zr.status < 128 && zr.stderrLines.count == 1, "\(zr)")
        // A missing path.
        let m = try host.famfs("fsck", "/dev/shm/famfs-pt-nothing-here")
        #expect(m.status != 0 && m.status < 128 && m.stderrLines.count == 1, "\(m)")
    }

    @Test("-h prints GiB, -B 4 prints four buckets, --json has the same numbers")
    func formats() throws {
        let dev = try Fixtures.expand("populated")
        let host = Host()
        let plain = try host.famfs("fsck", dev.path)
        let human = try host.famfs("fsck", "-h", dev.path)
        #expect(human.status == 0, "\(human)")
        #expect(human.field("Device capacity:") == "4.00G", "\(human)")
        #expect(human.field("Free space:")?.hasSuffix("G") == true, "\(human)")
        let b = try host.famfs("fsck", "-B", "4", dev.path)
        #expect(b.status == 0, "\(b)")
        for i in 0..<4 { #expect(b.stdout.contains("Bucket \(i):"), "\(b)") }
        #expect(!b.stdout.contains("Bucket 4:"))
        let j = try host.famfs("fsck", "--json", dev.path)
        #expect(j.status == 0, "\(j)")
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        let rows = Rows(plain.stdout)
        #expect((obj?["files"] as? NSNumber)?.uint64Value == rows.files)
        #expect((obj?["directories"] as? NSNumber)?.uint64Value == rows.dirs)
        #expect((obj?["sum_of_file_sizes"] as? NSNumber)?.uint64Value == rows.sum)
        #expect((obj?["allocated_bytes"] as? NSNumber)?.uint64Value == rows.allocated)
        #expect((obj?["free_bytes"] as? NSNumber)?.uint64Value == rows.free)
        #expect((obj?["bad_entries"] as? NSNumber)?.uint64Value == rows.bad)
        #expect((obj?["device_capacity"] as? NSNumber)?.uint64Value == plain.number("Device capacity:"))
        // No path: usage error, not a crash.
        let none = try host.famfs("fsck")
        #expect(none.status != 0 && none.status < 128, "\(none)")
    }
}
