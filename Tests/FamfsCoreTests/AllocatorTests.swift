import FamfsTestSupport
import Testing
@testable import FamfsCore
import FamfsFormat

@Suite("Allocator: the reference's deterministic cases")
struct AllocatorTests {
    let au = Media.allocationUnit

    @Test("the first file on an 8 MiB-log device lands at 0xa00000, rounded to 2 MiB")
    func firstFile() {
        var a = Allocator(deviceSize: 8 << 30, allocationUnit: au, reservedBytes: 0xa0_0000)
        #expect(a.allocate(size: 1 << 20) == .simple([SimpleExtent(offset: 0xa0_0000, length: 0x20_0000)]))
        #expect(a.allocate(size: 0x50_0007) == .simple([SimpleExtent(offset: 0xc0_0000, length: 0x60_0000)]))
    }

    @Test("a 1 GiB device holds exactly 507 files of 1 MiB")
    func fill1GiB() {
        var a = Allocator(deviceSize: 1 << 30, allocationUnit: au, reservedBytes: 0xa0_0000)
        var n = 0
        while a.allocate(size: 1 << 20) != nil { n += 1 }
        #expect(n == 507)
        #expect(a.freeBytes == 0)
    }

    @Test("10 MiB over 2 strips of 2 MiB chunks gives two 6 MiB strips in different buckets")
    func interleaved() throws {
        var a = Allocator(deviceSize: 8 << 30, allocationUnit: au, reservedBytes: 0xa0_0000)
        let p = InterleaveParameters(nbuckets: 4, nstrips: 2, chunkSize: 2 << 20)
        try p.validate(deviceSize: 8 << 30, allocationUnit: au)
        guard case .interleaved(let ie) = a.allocate(size: 10 << 20, interleave: p) else { Issue.record("not interleaved"); return }
        #expect(ie.chunkSize == 2 << 20)
        #expect(ie.strips.map(\.length) == [6 << 20, 6 << 20])
        #expect(Set(ie.strips.map { $0.offset / (2 << 30) }).count == 2)
    }

    @Test("a file smaller than a chunk falls back to one contiguous extent, first fit")
    func smallerThanChunk() {
        var a = Allocator(deviceSize: 8 << 30, allocationUnit: au, reservedBytes: 0xa0_0000)
        let p = InterleaveParameters(nbuckets: 4, nstrips: 2, chunkSize: 4 << 20)
        #expect(a.allocate(size: 1 << 20, interleave: p) == .simple([SimpleExtent(offset: 0xa0_0000, length: 0x20_0000)]))
    }

    @Test("interleave parameter validation", arguments: [
        InterleaveParameters(nbuckets: 4, nstrips: 2, chunkSize: 3 << 20),    // not a power of two
        InterleaveParameters(nbuckets: 4, nstrips: 2, chunkSize: 1 << 20),    // not a multiple of 2 MiB
        InterleaveParameters(nbuckets: 2, nstrips: 4, chunkSize: 2 << 20),    // nstrips > nbuckets
        InterleaveParameters(nbuckets: 65, nstrips: 2, chunkSize: 2 << 20),   // > 64 buckets
        InterleaveParameters(nbuckets: 32, nstrips: 17, chunkSize: 2 << 20),  // > 16 strips
        InterleaveParameters(nbuckets: 4, nstrips: 0, chunkSize: 2 << 20),    // no strips (reference divides by 0)
        InterleaveParameters(nbuckets: 16, nstrips: 2, chunkSize: 2 << 20),   // buckets under 1 GiB on 8 GiB
        InterleaveParameters(nbuckets: 4, nstrips: 2, chunkSize: 0),
    ])
    func badParameters(p: InterleaveParameters) {
        #expect(throws: CoreError.self) { try p.validate(deviceSize: 8 << 30, allocationUnit: au) }
    }

    @Test("a failed interleaved allocation leaves the bitmap unchanged")
    func failureLeavesNothing() {
        var a = Allocator(deviceSize: 4 << 30, allocationUnit: au, reservedBytes: 0xa0_0000)
        let before = a.bitmap
        let p = InterleaveParameters(nbuckets: 4, nstrips: 4, chunkSize: 2 << 20)
        // Strips of 1020 MiB fit in buckets 1-3 but not in bucket 0 (which holds the log).
        #expect(a.allocate(size: 4080 << 20, interleave: p) == nil)
        #expect(a.bitmap == before)
    }

    @Test(".alloc.cfg keys, any order, with a size suffix; unknown keys refused")
    func config() throws {
        let p = try InterleaveParameters.parseConfig("interleaved_alloc:\n  chunk_size: 2m\n  nstrips: 4\n  nbuckets: 8\n")
        #expect(p == InterleaveParameters(nbuckets: 8, nstrips: 4, chunkSize: 2 << 20))
        #expect(throws: CoreError.self) { try InterleaveParameters.parseConfig("interleaved_alloc:\n  nbucket: 8\n") }
        #expect(throws: CoreError.self) { try InterleaveParameters.parseConfig("other:\n  nbuckets: 8\n") }
    }

    @Test("offset translation: simple across extents, interleaved as the famfs kernel computes it")
    func translation() {
        let simple = Fmap.simple([SimpleExtent(offset: 0x100_0000, length: 0x20_0000), SimpleExtent(offset: 0x400_0000, length: 0x20_0000)])
        #expect(simple.deviceRanges(offset: 0x1f_f000, length: 0x2000) ==
                [DeviceRange(offset: 0x11f_f000, length: 0x1000), DeviceRange(offset: 0x400_0000, length: 0x1000)])
        let strips = (0..<4).map { SimpleExtent(offset: UInt64($0 + 1) << 30, length: 4 << 20) }
        let ie = Fmap.interleaved(InterleavedExtent(chunkSize: 2 << 20, strips: strips))
        // 15 MiB: chunk 7 → strip 3, stripe 1, 1 MiB into the chunk.
        #expect(ie.deviceRanges(offset: 15 << 20, length: 4096) == [DeviceRange(offset: (4 << 30) + (3 << 20), length: 4096)])
        // 4 MiB: chunk 2 → strip 2 offset 0.
        #expect(ie.deviceRanges(offset: 4 << 20, length: 4096) == [DeviceRange(offset: 3 << 30, length: 4096)])
        #expect(ie.deviceRanges(offset: (2 << 20) - 10, length: 20) ==
                [DeviceRange(offset: (1 << 30) + (2 << 20) - 10, length: 10), DeviceRange(offset: 2 << 30, length: 10)])
        #expect(ie.deviceRanges(offset: 16 << 20, length: 10) == [])
    }
}

@Suite("fsck bucket statistics")
struct BucketStatsTests {
    @Test("-B 4 on a 4 GiB device with one file: exact in-use, free and fragment numbers per bucket")
    func buckets() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        _ = try v.createFile("a", size: 4 << 20, mode: 0o644, uid: 0, gid: 0)   // 0xa00000..0xe00000
        _ = try v.createFile("b", size: 2 << 20, mode: 0o644, uid: 0, gid: 0)   // 0xe00000..0x1000000
        let r = try Fsck.scan(v, buckets: 4)
        let gib: UInt64 = 1 << 30
        #expect(r.buckets.count == 4)
        #expect(r.buckets[0] == BucketStats(index: 0, offset: 0, size: gib, inUse: 16 << 20, free: gib - (16 << 20),
                                            freeFragments: 1, largestFragment: gib - (16 << 20), smallestFragment: gib - (16 << 20)))
        for k in 1..<4 {
            #expect(r.buckets[k] == BucketStats(index: k, offset: UInt64(k) * gib, size: gib, inUse: 0, free: gib,
                                                freeFragments: 1, largestFragment: gib, smallestFragment: gib))
        }
    }
}
