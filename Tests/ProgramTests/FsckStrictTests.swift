import Foundation
import Testing
import FamfsCore
import FamfsFormat

@Suite("famfs fsck --strict", .enabled(if: Programs.available && geteuid() == 0))
struct FsckStrictTests {
    @Test("a bad log entry: fsck exits 0 as the reference does and says so; --strict exits 1")
    func strict() throws {
        let host = Host()
        let dev = ScratchFile()
        #expect(try host.mkfs(dev.path).status == 0)
        let fill = try host.run("famfs-bench", ["create-loop", "--device", dev.path, "--prefix", "f", "--count", "2"])
        #expect(fill.status == 0, "\(fill)")
        let clean = try host.famfs("fsck", "--strict", dev.path)
        #expect(clean.status == 0, "\(clean)")
        // Break entry 0's CRC; entry 1 after it makes it corruption, not a tail not yet visible.
        try dev.poke(Media.logOffset + UInt64(Media.entryOffset(0) + LogEntry.Offset.crc), [0xde, 0xad])
        let plain = try host.famfs("fsck", dev.path)
        #expect(plain.status == 0 && plain.stderrLines.count == 1 && plain.stderr.contains("--strict"), "\(plain)")
        let strict = try host.famfs("fsck", "--strict", dev.path)
        #expect(strict.status == 1 && strict.stderrLines.count == 1 && strict.stderr.contains("failing (--strict)"), "\(strict)")
    }
}
