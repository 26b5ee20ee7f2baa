import FamfsCore
import FamfsMap
import FamfsQueue
import Foundation
import Synchronization
import Testing

/// A payload that says which message it is: the sequence number, then a byte pattern from it.
func pattern(_ i: UInt64, _ size: Int) -> [UInt8] {
    var b = [UInt8](repeating: UInt8(truncatingIfNeeded: i &* 31 &+ 7), count: size)
    for k in 0..<min(8, size) { b[k] = UInt8(truncatingIfNeeded: i >> (8 * UInt64(k))) }
    return b
}

/// The message of the error `body` throws, or "no error".
func failure(_ body: () throws -> Any?) -> String {
    do { _ = try body(); return "no error" } catch { return "\(error)" }
}

@Suite("FamfsQueue on real mounts", .serialized, .timeLimit(.minutes(2)))
struct QueueMountTests {
    @Test("a producer on the master and a consumer on a client move 3000 messages through a wrapping ring, every seq and payload checked")
    func masterToClient() throws {
        let c = try QueueCluster()
        try FamfsQueue.create(path: c.master + "/q", nbuckets: 16, bucketSize: 256, identity: try c.masterIdentity)
        let producer = try FamfsQueue(path: c.master + "/q", role: .producer)
        let consumer = try FamfsQueue(path: c.client + "/q", role: .consumer)
        #expect(producer.payloadSize == 240 && consumer.nbuckets == 16)
        let n: UInt64 = 3000
        let failure = Mutex<String?>(nil)
        let t = Thread {
            do {
                for i in 0..<n {
                    let seq = try producer.put(pattern(i, 240), wait: .seconds(30))?.seq
                    if seq != i { failure.withLock { $0 = "put \(i) gave seq \(String(describing: seq))" }; return }
                }
            } catch { failure.withLock { $0 = "\(error)" } }
        }
        t.start()
        for i in 0..<n {
            guard let (m, payload) = try consumer.get(wait: .seconds(30)) else { Issue.record("message \(i) never came"); break }
            #expect(m.seq == i && m.bucket == i % 16)
            if payload != pattern(i, 240) { Issue.record("payload of \(i) differs"); break }
        }
        while !t.isFinished { usleep(1000) }
        #expect(failure.withLock { $0 } == nil)
        #expect(producer.counters.sent == n && consumer.counters.received == n && consumer.counters.retries == 0)
        let s = try FamfsQueue(path: c.client + "/q", role: .observer).status()
        #expect(s.messages == 0 && s.producerNextSeq == n && s.consumerNextSeq == n && s.producerIndex == n % 16)
    }

    @Test("full and empty follow the reference: nbuckets-1 messages fit; status counts; drain takes exactly what is there")
    func fullEmptyDrain() throws {
        let c = try QueueCluster(client: false)
        try FamfsQueue.create(path: c.master + "/q", nbuckets: 4, bucketSize: 64, identity: try c.masterIdentity)
        let p = try FamfsQueue(path: c.master + "/q", role: .producer)
        let q = try FamfsQueue(path: c.master + "/q", role: .consumer)
        #expect(try q.get(wait: .never) == nil)
        #expect(q.counters.empty == 1)
        for i in 0..<3 { #expect(try p.put([UInt8(i)], wait: .never)?.seq == UInt64(i)) }
        #expect(try p.put([9], wait: .never) == nil, "4 buckets hold 3 messages")
        #expect(p.counters.full == 1 && p.counters.sent == 3)
        var s = try p.status()
        #expect(s.messages == 3 && s.producerIndex == 3 && s.consumerIndex == 0 && s.producerNextSeq == 3)
        #expect(try q.get(wait: .never)?.payload.first == 0)
        #expect(try p.put([3], wait: .never)?.seq == 3, "one slot free again")
        s = try q.status()
        #expect(s.messages == 3 && s.producerIndex == 0 && s.consumerIndex == 1 && s.consumerNextSeq == 1)
        #expect(try q.drain() == 3)
        #expect(try q.drain() == 0)
        s = try q.status()
        #expect(s.messages == 0 && s.consumerNextSeq == 4 && s.producerNextSeq == 4)
        #expect(throws: QueueError.self) { try p.put([UInt8](repeating: 1, count: 49)) }
    }

    @Test("a consumer on an empty queue gives up at its deadline, and a stop signal ends a blocking wait")
    func waitsEnd() throws {
        let c = try QueueCluster(client: false)
        try FamfsQueue.create(path: c.master + "/q", nbuckets: 8, bucketSize: 64, identity: try c.masterIdentity)
        let q = try FamfsQueue(path: c.master + "/q", role: .consumer)
        #expect(try q.get(wait: .seconds(0.2)) == nil)
        #expect(try q.get(wait: .seconds(-5)) == nil && q.get(wait: .seconds(.nan)) == nil, "odd waits do not trap")
        let stop = StopSignal()
        let t = Thread { usleep(100_000); stop.stop() }
        t.start()
        #expect(try q.get(wait: QueueWait.forever.stopping(on: stop)) == nil)
        let p = try FamfsQueue(path: c.master + "/q", role: .producer)
        for _ in 0..<7 { _ = try p.put([1]) }
        #expect(try p.put([1], wait: .seconds(0.2)) == nil, "a full queue times out too")
    }

    @Test("a damaged bucket fails its CRC after two re-reads and stays queued; a wrong seq and a wild index are refused")
    func damage() throws {
        let c = try QueueCluster(client: false)
        let path = c.master + "/q"
        try FamfsQueue.create(path: path, nbuckets: 8, bucketSize: 128, identity: try c.masterIdentity)
        let p = try FamfsQueue(path: path, role: .producer)
        let q = try FamfsQueue(path: path, role: .consumer)
        _ = try p.put(pattern(0, 112))
        _ = try p.put(pattern(1, 112))
        // Another writer's view of the producer file: the bucket array starts at 2 MiB.
        let raw = try FamfsFileMapping(path: path, writable: true)
        let bucket0 = raw.base + (2 << 20)
        bucket0.storeBytes(of: bucket0.load(fromByteOffset: 5, as: UInt8.self) ^ 0x40, toByteOffset: 5, as: UInt8.self)
        do {
            _ = try q.get(wait: .never)
            Issue.record("a damaged message was accepted")
        } catch {
            guard case .badChecksum(let file, 0, 0, _, _, 2) = error else { Issue.record("\(error)"); return }
            let text = "\(error)"
            #expect(file == path && text.contains("bad msg in bucket 0 (seq 0)"))
        }
        let queued = try q.status().messages
        #expect(q.counters.retries == 1 && q.counters.received == 0 && queued == 2)
        bucket0.storeBytes(of: bucket0.load(fromByteOffset: 5, as: UInt8.self) ^ 0x40, toByteOffset: 5, as: UInt8.self)
        #expect(try q.get(wait: .never)?.message.seq == 0)

        // Bucket 1 resealed as seq 7: its CRC is good, its place in the sequence is not.
        BucketTrailer.seal(UnsafeMutableRawBufferPointer(start: bucket0 + 128, count: 128), seq: 7)
        #expect(failure { try q.get(wait: .never) } == "\(path): seq mismatch in bucket 1: found 7, expected 1")

        raw.base.storeBytes(of: UInt64(99).littleEndian, toByteOffset: 32, as: UInt64.self)
        #expect(failure { try q.get(wait: .never) } == "\(path): corrupt pcq: producer_index=99 is not below nbuckets=8")
        do {
            _ = try FamfsQueue(path: path, role: .observer)
            Issue.record("a queue with producer_index 99 of 8 opened")
        } catch {
            #expect("\(error)" == "\(path): corrupt pcq: producer_index=99 is not below nbuckets=8")
        }
    }

    @Test("files that are not a queue: no consumer file, zeroed famfs files, a file outside famfs, a bucket size that is not a power of two")
    func notAQueue() throws {
        let c = try QueueCluster(client: false)
        let v = try c.engine()
        _ = try v.createFile("plain", size: 4 << 20, mode: 0o644, uid: 0, gid: 0)
        func message(_ path: String) -> String {
            do { _ = try FamfsQueue(path: path, role: .observer); return "opened" } catch { return "\(error)" }
        }
        #expect(message(c.master + "/plain") == "\(c.master)/plain: pcq files not found for queue (no \(c.master)/plain.consumer)")
        _ = try v.createFile("plain.consumer", size: 2 << 20, mode: 0o644, uid: 0, gid: 0)
        // famfs hands out whatever the device held; zero the two files' headers like a fresh device.
        for name in ["plain", "plain.consumer"] {
            let m = try FamfsFileMapping(path: c.master + "/" + name, writable: true)
            m.base.initializeMemory(as: UInt8.self, repeating: 0, count: m.size)
        }
        #expect(message(c.master + "/plain") == "\(c.master)/plain: not a pcq queue file: pcq_magic is 0x0, expected 0xbeebee3")
        let outside = "/dev/shm/famfs-qt-\(c.tag).outside"
        FileManager.default.createFile(atPath: outside, contents: Data(count: 4096))
        FileManager.default.createFile(atPath: outside + ".consumer", contents: Data(count: 4096))
        defer { unlink(outside); unlink(outside + ".consumer") }
        #expect(message(outside).contains("not a famfs file"))
        do {
            try FamfsQueue.create(path: c.master + "/q48", nbuckets: 8, bucketSize: 48, identity: try c.masterIdentity)
            Issue.record("a 48-byte bucket size was accepted")
        } catch {
            #expect("\(error)".contains("bucket_size 48 must be a power of 2"))
        }
        #expect(access(c.master + "/q48", F_OK) != 0 && access(c.master + "/q48.consumer", F_OK) != 0, "nothing created")
        try FamfsQueue.create(path: c.master + "/q", nbuckets: 8, bucketSize: 64, identity: try c.masterIdentity)
        #expect(throws: QueueError.self) {
            try FamfsQueue.create(path: c.master + "/q", nbuckets: 8, bucketSize: 64, identity: try c.masterIdentity)
        }
        // A consumer file whose magic is the producer's.
        let consumer = try FamfsFileMapping(path: c.master + "/q.consumer", writable: true)
        consumer.base.storeBytes(of: UInt32(0x0BEE_BEE3).littleEndian, as: UInt32.self)
        #expect(message(c.master + "/q") == "\(c.master)/q.consumer: not a pcq queue file: pcq_consumer_magic is 0xbeebee3, expected 0xbeebee4")
    }
}
