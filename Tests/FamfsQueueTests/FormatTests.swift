import FamfsFormat
import FamfsQueue
import Testing

@Suite("pcq on-media layout")
struct QueueFormatTests {
    @Test("the headers put every field where the reference's structs have it")
    func headerOffsets() {
        var bytes = [UInt8](repeating: 0xAA, count: 1080)
        bytes.withUnsafeMutableBytes {
            ProducerHeader(nbuckets: 0x0102, bucketSize: 0x400, bucketArrayOffset: 0x200000,
                           producerIndex: 7, nextSeq: 0x1122334455, mappedSize: 0x600000).encode(into: $0)
        }
        func u64(_ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[o + $1]) << (8 * UInt64($1)) } }
        #expect(Array(bytes[0..<8]) == [0xe3, 0xbe, 0xee, 0x0b, 0, 0, 0, 0])
        #expect(u64(8) == 0x0102 && u64(16) == 0x400 && u64(24) == 0x200000 && u64(32) == 7)
        #expect(u64(1064) == 0x1122334455 && u64(1072) == 0x600000)
        #expect(bytes[40] == 0xAA && bytes[1063] == 0xAA, "the pad is left alone")

        var c = [UInt8](repeating: 0xAA, count: 1_048_608)
        c.withUnsafeMutableBytes { ConsumerHeader(consumerIndex: 3, nextSeq: 9, mappedSize: 2 << 20).encode(into: $0) }
        #expect(Array(c[0..<16]) == [0xe4, 0xbe, 0xee, 0x0b, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0])
        #expect(c[1_048_592] == 9 && c[1_048_600 + 2] == 0x20)
    }

    @Test("a bucket's trailer is seq then zlib's crc32 of everything before the crc")
    func trailer() {
        var b = [UInt8](repeating: 0, count: 64)
        for i in 0..<48 { b[i] = UInt8(i) }
        let t = b.withUnsafeMutableBytes { BucketTrailer.seal($0, seq: 0x0102030405) }
        #expect(Array(b[48..<56]) == [5, 4, 3, 2, 1, 0, 0, 0])
        #expect(t.crc == UInt64(CRC32.checksum(b[0..<56])))
        #expect(Array(b[60..<64]) == [0, 0, 0, 0], "an unsigned long holding a 32-bit crc")
        // zlib.crc32(bytes(range(48)) + (0x0102030405).to_bytes(8, "little"))
        #expect(t.crc == 0x5b19_9ad5)
        b.withUnsafeBytes { #expect(BucketTrailer.read($0) == t) }
    }

    @Test("header rules: magic, power-of-two bucket size, geometry inside the file, indices inside the ring")
    func validation() throws {
        var bytes = [UInt8](repeating: 0, count: 1080)
        #expect(throws: QueueError.self) { try bytes.withUnsafeBytes { try ProducerHeader.decode($0, file: "q") } }
        func check(_ h: ProducerHeader, size: UInt64 = (2 << 20) + 64 * 1024) -> String? {
            do { try h.validate(fileSize: size, file: "/m/q"); return nil } catch { return "\(error)" }
        }
        #expect(check(ProducerHeader(nbuckets: 1024, bucketSize: 64)) == nil)
        #expect(check(ProducerHeader(nbuckets: 1024, bucketSize: 48))?.contains("bucket_size=48: must be a power of 2") == true)
        #expect(check(ProducerHeader(nbuckets: 1025, bucketSize: 64))?.contains("do not fit") == true)
        #expect(check(ProducerHeader(nbuckets: UInt64.max, bucketSize: 1 << 40))?.contains("do not fit") == true)
        #expect(check(ProducerHeader(nbuckets: 1, bucketSize: 64))?.contains("nbuckets=1") == true)
        #expect(check(ProducerHeader(nbuckets: 16, bucketSize: 64, bucketArrayOffset: 8))?.contains("bucket_array_offset=8") == true)
        #expect(check(ProducerHeader(nbuckets: 16, bucketSize: 64, producerIndex: 16))
                == "/m/q: corrupt pcq: producer_index=16 is not below nbuckets=16")
        bytes.withUnsafeMutableBytes { ProducerHeader(nbuckets: 2, bucketSize: 16).encode(into: $0) }
        bytes[0] = 0xe2
        do {
            _ = try bytes.withUnsafeBytes { try ProducerHeader.decode($0, file: "/m/q") }
            Issue.record("a wrong magic decoded")
        } catch {
            #expect("\(error)" == "/m/q: not a pcq queue file: pcq_magic is 0xbeebee2, expected 0xbeebee3")
        }
        #expect(throws: QueueError.self) { try ConsumerHeader(consumerIndex: 5).validate(nbuckets: 5, file: "c") }
    }
}
