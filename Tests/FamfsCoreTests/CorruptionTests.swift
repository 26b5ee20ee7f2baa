import Foundation
import FamfsTestSupport
import Testing
@testable import FamfsCore
import FamfsFormat

/// Random damage to the metadata of a populated device: opening, replaying and fsck either work
/// or throw a CoreError — never trap. (A cheap stand-in for a fuzzer over the decoders.)
@Suite("Random corruption of superblock and log never crashes replay or fsck")
struct CorruptionTests {
    @Test("300 random damages to bytes, fields and CRC-consistent entries", arguments: [7, 8, 9])
    func randomDamage(seed: UInt64) throws {
        let dev = try TestDevice()
        let v = try dev.open()
        try v.mkdir("d", mode: 0o755, uid: 0, gid: 0)
        for i in 0..<20 {
            _ = try v.createFile("d/f\(i)", size: UInt64(i + 1) << 20, mode: 0o644, uid: 0, gid: 0,
                                 interleave: i % 3 == 0 ? InterleaveParameters(nbuckets: 4, nstrips: 2, chunkSize: 2 << 20) : .contiguous)
        }
        var rng = SplitMix(state: seed)
        let logEnd = Int(Media.logOffset) + Media.entryOffset(21)
        var opened = 0
        for _ in 0..<100 {
            // Either a raw byte anywhere in the superblock or the used log, or a whole entry with a
            // correct CRC and seqnum but random fields (what a buggy writer could commit).
            if Bool.random(using: &rng) {
                let at = Bool.random(using: &rng) ? Int.random(in: 0..<200, using: &rng) : Int.random(in: Int(Media.logOffset)..<logEnd, using: &rng)
                try dev.poke(UInt64(at), [UInt8.random(in: 0...255, using: &rng)])
            } else {
                let index = UInt64.random(in: 0..<21, using: &rng)
                var w = ByteWriter(size: Media.logEntrySize)
                w.u64(0, index)
                w.u32(8, UInt32.random(in: 0...5, using: &rng))
                for off in stride(from: 16, to: 536, by: 8) where Int.random(in: 0..<4, using: &rng) == 0 {
                    w.u64(off, [0, 1, 2, 16, 17, 0x20_0000, UInt64.max, UInt64.max - 1, 1 << 40,
                                UInt64.random(in: 0...UInt64.max, using: &rng)].randomElement(using: &rng)!)
                }
                w.u64(536, UInt64(CRC32.checksum(w.bytes[0..<536])))
                try dev.poke(Media.logOffset + UInt64(Media.entryOffset(index)), w.bytes)
            }
            guard let volume = try? FamfsVolume(path: dev.path, writable: false, identity: nil) else { continue }
            opened += 1
            _ = volume.namespace.fileCount
            _ = try? Fsck.scan(volume, buckets: 4, namespace: true)
            for node in volume.namespace.nodes.values {
                if let f = node.file { _ = f.fmap.deviceRanges(offset: 0, length: f.size); _ = FmapYAML.emit(f) }
            }
        }
        #expect(opened > 0)
    }
}
