import FamfsCore
import FamfsQueue
import Foundation
import Testing

/// Writes a queue exactly as the reference's structs lay it out (offsets and magics typed in from
/// the reference, CRC from zlib), through ordinary writes to the master's mount.
private let referenceWriter = #"""
import struct, sys, zlib
prod, cons, nbuckets, bsize, nmsg = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
with open(cons, "r+b") as f:
    f.write(struct.pack("<IIQ", 0x0BEEBEE4, 0, 0))            # pcq_consumer_magic, pad, consumer_index
    f.seek(16 + 1048576); f.write(struct.pack("<QQ", 0, 2 << 20))  # next_seq, pcqc_size
with open(prod, "r+b") as f:
    f.write(struct.pack("<QQQQQ", 0x0BEEBEE3, nbuckets, bsize, 2 << 20, nmsg))  # magic .. producer_index
    f.seek(40 + 1024); f.write(struct.pack("<QQ", nmsg, (2 << 20) + nbuckets * bsize))  # next_seq, pcq_size
    for seq in range(nmsg):
        payload = (b"reference message %d " % seq).ljust(bsize - 16, b"\x5a")
        body = payload + struct.pack("<Q", seq)
        f.seek((2 << 20) + seq * bsize)
        f.write(body + struct.pack("<Q", zlib.crc32(body)))
"""#

/// Reads what our producer wrote, checking each field at the reference's offset and each CRC with zlib.
private let referenceReader = #"""
import struct, sys, zlib
prod, cons, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(prod, "rb") as f:
    magic, nb, bs, off, pidx = struct.unpack("<QQQQQ", f.read(40))
    f.seek(1064); nseq, = struct.unpack("<Q", f.read(8))
    assert magic == 0x0BEEBEE3 and off == 2 << 20, (hex(magic), off)
    for seq in range(first, first + count):
        f.seek(off + (seq % nb) * bs); b = f.read(bs)
        s, crc = struct.unpack("<QQ", b[bs - 16:])
        assert s == seq and crc == zlib.crc32(b[:bs - 8]), (seq, s, crc)
        assert b.startswith(b"ours %d" % seq), b[:16]
with open(cons, "rb") as f:
    cmagic, pad, cidx = struct.unpack("<IIQ", f.read(16))
    f.seek(1048592); cseq, = struct.unpack("<Q", f.read(8))
print(nb, bs, pidx, nseq, hex(cmagic), cidx, cseq)
"""#

@Suite("pcq files in the reference's layout", .timeLimit(.minutes(1)))
struct ReferenceLayoutTests {
    @Test("a queue written byte by byte from the reference's layout is read by ours, and what ours adds reads back by that layout")
    func interoperates() throws {
        let c = try QueueCluster()
        let v = try c.engine()
        let nbuckets: UInt64 = 8, bsize: UInt64 = 512
        _ = try v.createFile("ref.consumer", size: 2 << 20, mode: 0o644, uid: 0, gid: 0)
        _ = try v.createFile("ref", size: (2 << 20) + nbuckets * bsize, mode: 0o644, uid: 0, gid: 0)
        let w = try Python.run(referenceWriter, [c.master + "/ref", c.master + "/ref.consumer", "\(nbuckets)", "\(bsize)", "3"])
        #expect(w.status == 0, "\(w)")

        let consumer = try FamfsQueue(path: c.client + "/ref", role: .consumer)
        #expect(consumer.nbuckets == nbuckets && consumer.bucketSize == Int(bsize))
        #expect(try consumer.status().messages == 3)
        for seq in 0..<UInt64(3) {
            let got = try #require(try consumer.get(wait: .never))
            #expect(got.message.seq == seq)
            #expect(got.payload == Array((("reference message \(seq) ").utf8 + [UInt8](repeating: 0x5a, count: 496)).prefix(496)))
        }
        #expect(try consumer.get(wait: .never) == nil)

        let producer = try FamfsQueue(path: c.master + "/ref", role: .producer)
        for seq in 3..<UInt64(9) {  // wraps past bucket 7
            if seq == 8 { _ = try consumer.get(wait: .never) }  // make room: 8 buckets hold 7
            #expect(try producer.put(Array("ours \(seq)".utf8), wait: .never)?.seq == seq)
        }
        let r = try Python.run(referenceReader, [c.client + "/ref", c.client + "/ref.consumer", "3", "6"])
        #expect(r.status == 0, "\(r)")
        #expect(r.out == "8 512 1 9 0xbeebee4 4 4\n")
    }

    @Test("a reference-layout header whose bucket size is not a power of two is refused, naming the file and field")
    func badBucketSize() throws {
        let c = try QueueCluster(client: false)
        let v = try c.engine()
        _ = try v.createFile("odd.consumer", size: 2 << 20, mode: 0o644, uid: 0, gid: 0)
        _ = try v.createFile("odd", size: 4 << 20, mode: 0o644, uid: 0, gid: 0)
        let w = try Python.run(referenceWriter, [c.master + "/odd", c.master + "/odd.consumer", "8", "48", "0"])
        #expect(w.status == 0, "\(w)")
        do {
            _ = try FamfsQueue(path: c.master + "/odd", role: .consumer)
            Issue.record("a queue with 48-byte buckets opened")
        } catch {
            #expect("\(error)" == "\(c.master)/odd: bad pcq header: bucket_size=48: must be a power of 2 of at least 16")
        }
    }
}
