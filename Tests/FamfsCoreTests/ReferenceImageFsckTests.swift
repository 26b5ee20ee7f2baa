import Foundation
import FamfsTestSupport
import Testing
@testable import FamfsCore
import FamfsFormat

@Suite("fsck of the reference images reproduces the original's numbers")
struct ReferenceImageFsckTests {
    /// The numbers the reference printed, read from its output.
    struct Expected {
        var files: UInt64, dirs: UInt64, sum: UInt64, allocated: UInt64, free: UInt64, bad: UInt64, used: UInt64
        init(_ text: String) {
            func value(_ label: String) -> UInt64 {
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ")
                    if label.hasPrefix(" "), line.hasSuffix(label) { return UInt64(words[0]) ?? 0 }
                    if !label.hasPrefix(" "), line.contains(label) { return UInt64(words.last!) ?? 0 }
                }
                return 0
            }
            files = value(" files"); dirs = value(" directories"); sum = value("Sum of file sizes:")
            allocated = value("Allocated bytes:"); free = value("Free space:"); bad = value(" bad log entries detected")
            used = UInt64(text.split(separator: "\n").first { $0.contains("entries used") }!.split(separator: " ")[0])!
        }
    }

    @Test("counts and byte totals", arguments: [("fresh", "fresh.fsck.txt"), ("populated", "populated.fsck.txt"),
                                                ("bad-entry-crc", "bad-entry-crc.oracle.txt")])
    func numbers(image: String, oracle: String) throws {
        let path = try expandReferenceImage(image)
        defer { unlink(path) }
        let v = try FamfsVolume(path: path, writable: false, identity: nil)
        let r = try Fsck.scan(v)
        let e = Expected(try referenceText(oracle))
        #expect(r.files == e.files && r.directories == e.dirs)
        #expect(r.sumOfFileSizes == e.sum && r.allocatedBytes == e.allocated && r.freeBytes == e.free)
        #expect(r.badEntries == e.bad && r.logEntriesUsed == e.used)
        #expect(r.collisions == 0 && r.exitStatus == 0)
        #expect(r.deviceCapacity == 4_294_967_296 && r.bitmapCapacity == 4_294_967_296)
    }

    @Test("populated replays into the namespace the original's shadow tree shows")
    func namespace() throws {
        let path = try expandReferenceImage("populated")
        defer { unlink(path) }
        let v = try FamfsVolume(path: path, writable: false, identity: nil)
        #expect(v.role == .client)
        #expect(v.namespace.fileCount == 7 && v.namespace.directoryCount == 4)
        let f = v.lookup("dirA/sub1/f3m_0600")
        #expect(f?.mode == 0o600 && f?.uid == 1000 && f?.size == 3 << 20)
        #expect(v.lookup("emptydir")?.isDirectory == true)
        #expect(v.report.errorCount == 0)
    }

    @Test("bad superblock CRC and bad log magic are refused with a message naming the problem")
    func badImages() throws {
        for (image, words) in [("bad-sb-crc", "CRC mismatch"), ("bad-log-magic", "bad magic")] {
            let path = try expandReferenceImage(image)
            defer { unlink(path) }
            do {
                _ = try FamfsVolume(path: path, writable: false, identity: nil)
                Issue.record("\(image) opened")
            } catch {
                #expect("\(error)".contains(words), "\(error)")
                #expect(!"\(error)".contains("\n"))
            }
        }
    }

    @Test("the engine writes the same entry bytes as the original for the same operations")
    func engineImage() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        // The non-interleaved part of populated.ops.txt (interleaved strips are placed at random).
        try v.mkdir("dirA", mode: 0o755, uid: 0, gid: 0)
        try v.mkdir("dirA/sub1/sub2", mode: 0o755, uid: 0, gid: 0, parents: true)
        _ = try v.createFile("small4k", size: 4096, mode: 0o644, uid: 0, gid: 0)
        _ = try v.createFile("dirA/exact2m", size: 2 << 20, mode: 0o644, uid: 0, gid: 0)
        _ = try v.createFile("dirA/sub1/f3m_0600", size: 3 << 20, mode: 0o600, uid: 1000, gid: 1000)
        _ = try v.createFile("dirA/hello.txt", size: 19, mode: 0o644, uid: 0, gid: 0)
        let ours = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dev.path), options: .alwaysMapped).prefix(0x20_0000 + 48 + 7 * 544))
        let theirs = try expandReferenceImage("populated")
        defer { unlink(theirs) }
        let ref = [UInt8](try Data(contentsOf: URL(fileURLWithPath: theirs), options: .alwaysMapped).prefix(0x20_0000 + 48 + 7 * 544))
        #expect(ours[(0x20_0000 + 48)...] == ref[(0x20_0000 + 48)...])
    }
}
