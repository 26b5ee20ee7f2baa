import FamfsFormat
import Testing

private let MiB: UInt64 = 1 << 20
private let device: UInt64 = 64 * MiB

/// `Fmap.validate(deviceSize:alignment:)`, the one check every user of a map goes through.
@Suite("one validation of a file's map")
struct FmapValidationTests {
    func problem(_ fmap: Fmap, alignment: UInt64 = 2 * MiB, dataStart: UInt64 = 0) -> FmapError? {
        do { try fmap.validate(deviceSize: device, alignment: alignment, dataStart: dataStart); return nil } catch { return error }
    }

    @Test("a map inside the device, aligned, on device 0 passes; its last byte may be the device's")
    func good() {
        #expect(problem(.simple([SimpleExtent(offset: 0, length: device)])) == nil)
        #expect(problem(.interleaved(InterleavedExtent(chunkSize: 2 * MiB, strips: [
            SimpleExtent(offset: 4 * MiB, length: 4 * MiB), SimpleExtent(offset: 60 * MiB, length: 4 * MiB),
        ]))) == nil)
    }

    @Test("each fault names the extent or strip at fault")
    func faults() {
        #expect(problem(.simple([])) == .noExtents)
        #expect(problem(.simple([SimpleExtent(offset: 2 * MiB, length: 2 * MiB), SimpleExtent(devIndex: 3, offset: 4 * MiB, length: 2 * MiB)]))
                == .otherDevice(extent: "extent 1", devIndex: 3))
        #expect(problem(.simple([SimpleExtent(offset: 2 * MiB, length: 0)])) == .emptyExtent(extent: "extent 0"))
        #expect(problem(.simple([SimpleExtent(offset: 2 * MiB + 4096, length: 2 * MiB)]))
                == .unaligned(extent: "extent 0", offset: 2 * MiB + 4096, length: 2 * MiB, alignment: 2 * MiB))
        #expect(problem(.simple([SimpleExtent(offset: 2 * MiB + 4096, length: 4096)]), alignment: 4096) == nil)
        #expect(problem(.simple([SimpleExtent(offset: device - 2 * MiB, length: 4 * MiB)]))
                == .pastDevice(extent: "extent 0", offset: device - 2 * MiB, length: 4 * MiB, deviceSize: device))
        #expect(problem(.simple([SimpleExtent(offset: 2 * MiB, length: 2 * MiB)]), dataStart: 10 * MiB)
                == .inReservedArea(extent: "extent 0", offset: 2 * MiB, dataStart: 10 * MiB))
        #expect(problem(.interleaved(InterleavedExtent(chunkSize: 2 * MiB, strips: [SimpleExtent(offset: 2 * MiB, length: 0)])))
                == .emptyExtent(extent: "strip 0"))
        #expect(problem(.interleaved(InterleavedExtent(chunkSize: MiB, strips: [SimpleExtent(offset: 2 * MiB, length: 2 * MiB)])))
                == .badChunkSize(chunkSize: MiB, alignment: 2 * MiB))
        let seventeen = (0..<17).map { SimpleExtent(offset: UInt64($0) * 2 * MiB, length: 2 * MiB) }
        #expect(problem(.simple(seventeen)) == .tooManyExtents(count: 17, limit: 16, strips: false))
    }

    @Test("offsets and lengths near 2^64 are refused without overflow")
    func noOverflow() {
        #expect(problem(.simple([SimpleExtent(offset: UInt64.max - 2 * MiB + 1, length: 2 * MiB)]), alignment: 1) != nil)
        #expect(problem(.simple([SimpleExtent(offset: 2 * MiB, length: UInt64.max - MiB)]), alignment: 1) != nil)
        let huge = Fmap.simple([SimpleExtent(offset: 0, length: .max), SimpleExtent(offset: 0, length: .max)])
        #expect(huge.capacity == .max)
        #expect(Fmap.interleaved(InterleavedExtent(chunkSize: 0, strips: [SimpleExtent(offset: 0, length: 1)])).capacity == 0)
    }

    @Test("a file larger than its map's capacity is refused by FileMeta.validate")
    func size() {
        let fmap = Fmap.interleaved(InterleavedExtent(chunkSize: 2 * MiB, strips: [
            SimpleExtent(offset: 4 * MiB, length: 4 * MiB), SimpleExtent(offset: 8 * MiB, length: 4 * MiB),
        ]))
        let fits = FileMeta(path: "f", size: 8 * MiB, mode: 0o644, uid: 0, gid: 0, fmap: fmap)
        #expect((try? fits.validate(deviceSize: device, alignment: 2 * MiB)) != nil)
        var over = fits
        over.size = 8 * MiB + 1
        #expect(throws: FmapError.sizeExceedsMap(size: 8 * MiB + 1, capacity: 8 * MiB)) {
            try over.validate(deviceSize: device, alignment: 2 * MiB)
        }
    }
}
