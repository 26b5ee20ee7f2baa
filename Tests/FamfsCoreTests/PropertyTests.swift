import FamfsTestSupport
import Testing
@testable import FamfsCore
import FamfsFormat

@Suite("Allocation properties over random workloads on a real device file")
struct PropertyTests {
    @Test("random mkdir/create sequences: no overlap, aligned, inside, fsck clean, replay equals incremental", arguments: [1, 2, 3, 4])
    func randomWorkload(seed: UInt64) throws {
        let dev = try TestDevice(size: 16 << 30)
        let v = try dev.open()
        var rng = SplitMix(state: seed)
        var dirs = [""]
        var created = 0
        for i in 0..<300 {
            let parent = dirs.randomElement(using: &rng)!
            let name = (parent.isEmpty ? "" : parent + "/") + "n\(i)"
            if Int.random(in: 0..<5, using: &rng) == 0 {
                try v.mkdir(name, mode: 0o755, uid: 0, gid: 0)
                dirs.append(name)
                continue
            }
            let size: UInt64 = [1, 4096, 1 << 20, (2 << 20) + 1, 7_777_777, 300 << 20, 1 << 30].randomElement(using: &rng)!
            let p: InterleaveParameters = Bool.random(using: &rng)
                ? InterleaveParameters(nbuckets: 8, nstrips: UInt64.random(in: 1...8, using: &rng), chunkSize: [2 << 20, 4 << 20, 8 << 20].randomElement(using: &rng)!)
                : .contiguous
            let result = Result { () throws(CoreError) -> Namespace.Node in
                try v.createFile(name, size: size, mode: 0o644, uid: 0, gid: 0, interleave: p)
            }
            switch result {
            case .success: created += 1
            case .failure(.noSpace): continue
            case .failure(let e): throw e
            }
        }
        #expect(created > 50)
        // No two extents overlap; all aligned and inside the data area.
        var ranges: [(UInt64, UInt64)] = []
        for f in v.namespace.nodes.values.compactMap(\.file) {
            #expect(f.fmap.capacity >= f.size)
            for e in f.fmap.extents {
                #expect(e.offset % Media.allocationUnit == 0 && e.length % Media.allocationUnit == 0)
                #expect(e.offset >= v.superblock.reservedBytes && e.offset + e.length <= v.superblock.deviceSize)
                ranges.append((e.offset, e.offset + e.length))
            }
        }
        ranges.sort { $0.0 < $1.0 }
        for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.1 <= b.0) }
        let report = try Fsck.scan(v)
        #expect(report.collisions == 0 && report.badEntries == 0)
        let fresh = try dev.open(writable: false)
        #expect(fresh.namespace.nodes == v.namespace.nodes)
        #expect(fresh.snapshot.allocator.bitmap == v.snapshot.allocator.bitmap)
    }
}
