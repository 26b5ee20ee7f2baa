import Foundation
import FamfsTestSupport
import Testing
@testable import FamfsCore
import FamfsFormat

@Suite("replay bounds what the media claims")
struct ReplayBoundsTests {
    @Test("a header claiming every slot of the log: the invalid tail is scanned once, not on every refresh")
    func invalidTailNotRescanned() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        _ = try v.createFile("real", size: 4096, mode: 0o644, uid: 0, gid: 0)
        let slots = try v.readHeader().slots
        // next_index is not CRC-covered: any writer of the shared media can set it.
        var claim = ByteWriter(size: 8)
        claim.u64(0, slots)
        try dev.poke(Media.logOffset + UInt64(LogHeader.Offset.nextIndex), claim.bytes)
        let reader = try dev.open(writable: false, asClient: true)
        let afterOpen = reader.snapshot.slotsExamined
        #expect(afterOpen >= slots - 1, "the first replay reads the claimed tail once")
        for _ in 0..<20 { reader.refresh() }
        let perRefresh = (reader.snapshot.slotsExamined - afterOpen) / 20
        #expect(perRefresh <= 1, "\(perRefresh) slots read per refresh of an unchanged invalid tail")
        #expect(reader.lookup("real")?.file?.size == 4096)
        // A new entry appended after the tail was judged is still found.
        var one = ByteWriter(size: 8)
        one.u64(0, 1)
        try dev.poke(Media.logOffset + UInt64(LogHeader.Offset.nextIndex), one.bytes)
        _ = try v.createFile("later", size: 4096, mode: 0o644, uid: 0, gid: 0)
        let fresh = try dev.open(writable: false, asClient: true)
        #expect(fresh.lookup("later") != nil)
    }

    @Test("a CRC-valid FILE entry with interleave chunks of 1 or 1,024 bytes is skipped on replay")
    func tinyChunksSkipped() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        for (i, chunk) in [UInt64(1), 1024].enumerated() {
            let strips = (0..<2).map { SimpleExtent(offset: UInt64(16 + 2 * i + $0) << 21, length: 2 << 20) }
            let meta = FileMeta(path: "tiny\(i)", size: 4 << 20, mode: 0o644, uid: 0, gid: 0,
                                fmap: .interleaved(InterleavedExtent(chunkSize: chunk, strips: strips)))
            try v.appendRaw(.file(meta))
        }
        let reader = try dev.open(writable: false, asClient: true)
        #expect(reader.lookup("tiny0") == nil && reader.lookup("tiny1") == nil)
        #expect(reader.report.fileErrors == 2)
    }
}
