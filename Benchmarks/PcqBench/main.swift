#if canImport(Glibc)
import Glibc
#endif
import CFamfsShims
import FamfsQueue

// pcq-bench: messages/s and one-way latency of FamfsQueue between two famfs mounts of one device
// (producer on the master's mount in this process, consumer on the client's mount in another
// process), beside a memcpy-only ceiling: the same ring (same indices, same bucket walk) in one
// process's memory, two threads, no CRC, no cache flushes. Run by Benchmarks/pcq-bench.sh.
//
//   pcq-bench <master-mount> <client-mount>          the table
//   pcq-bench consume <queue> <n> rate|latency <out>  (the consumer process)

func nowNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func die(_ s: String) -> Never {
    let line = "pcq-bench: \(s)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(1)
}

func percentile(_ sorted: [UInt64], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
}

/// One measurement: throughput and paced (one message in flight) latency, in µs.
struct Numbers { var rate: Double; var p50: Double; var p99: Double }

// MARK: the consumer process

func consume(_ path: String, _ n: Int, _ mode: String, _ out: String) -> Never {
    let q: FamfsQueue
    do { q = try FamfsQueue(path: path, role: .consumer) } catch { die("\(error)") }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: q.bucketSize, alignment: 64)
    var lat: [UInt64] = []
    lat.reserveCapacity(n)
    for _ in 0..<n {
        do {
            guard (try q.get(into: buffer, wait: .seconds(60))) != nil else { die("consumer: nothing for 60 s") }
        } catch { die("\(error)") }
        if mode == "latency" { lat.append(nowNanos() &- buffer.load(as: UInt64.self)) }
    }
    lat.sort()
    let text = "\(percentile(lat, 0.5)) \(percentile(lat, 0.99))\n"
    let fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    _ = text.withCString { write(fd, $0, strlen($0)) }
    close(fd)
    exit(0)
}

func spawnConsumer(_ args: [String]) -> pid_t {
    var pid: pid_t = 0
    let argv = (["/proc/self/exe", "consume"] + args).map { strdup($0) } + [nil]
    var envp: [UnsafeMutablePointer<CChar>?] = [nil]  // the consumer needs no environment
    defer { argv.forEach { free($0) } }
    let rc = posix_spawn(&pid, "/proc/self/exe", nil, nil, argv, &envp)
    guard rc == 0 else { die("posix_spawn: \(rc)") }
    return pid
}

func reap(_ pid: pid_t) {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    guard status == 0 else { die("consumer process failed (status \(status))") }
}

func readResult(_ path: String) -> (Double, Double) {
    let fd = open(path, O_RDONLY)
    var buf = [UInt8](repeating: 0, count: 128)
    let n = read(fd, &buf, buf.count)
    close(fd)
    unlink(path)
    let parts = String(decoding: buf[0..<max(n, 0)], as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
    guard parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]) else { die("bad consumer result") }
    return (a, b)
}

// MARK: famfs: two mounts, two processes

func famfs(master: String, client: String, bucketSize: UInt64, nbuckets: UInt64, messages: Int, samples: Int) -> Numbers {
    let name = "/bench-\(getpid())-\(bucketSize)"
    do { try FamfsQueue.create(path: master + name, nbuckets: nbuckets, bucketSize: bucketSize) } catch { die("\(error)") }
    let p: FamfsQueue
    do { p = try FamfsQueue(path: master + name, role: .producer) } catch { die("\(error)") }
    let payload = [UInt8](repeating: 0x5a, count: p.payloadSize)
    let result = "/dev/shm/pcq-bench-\(getpid()).result"
    func drained() -> Bool { ((try? p.status().messages) ?? 1) == 0 }

    // Throughput: the clock starts once the consumer has taken a first message, stops when it has
    // taken the last.
    var pid = spawnConsumer([client + name, "\(messages + 1)", "rate", result])
    _ = try? p.put(payload)
    while !drained() { sched_yield() }
    let t0 = nowNanos()
    for _ in 0..<messages { do { _ = try p.put(payload) } catch { die("\(error)") } }
    while !drained() { sched_yield() }
    let rate = Double(messages) / (Double(nowNanos() - t0) / 1e9)
    reap(pid)
    unlink(result)

    // Latency: one message in flight, stamped with the monotonic clock (one machine, one clock).
    pid = spawnConsumer([client + name, "\(samples)", "latency", result])
    for _ in 0..<samples {
        do {
            _ = try p.put { dst in
                dst.copyMemory(from: UnsafeRawBufferPointer(start: payload, count: dst.count))
                dst.storeBytes(of: nowNanos(), as: UInt64.self)
            }
        } catch { die("\(error)") }
        while !drained() { sched_yield() }
    }
    reap(pid)
    let (p50, p99) = readResult(result)
    return Numbers(rate: rate, p50: p50, p99: p99)
}

// MARK: the memcpy-only ceiling: the same ring in one process

final class MemcpyRing: @unchecked Sendable {
    let nbuckets: Int, bucketSize: Int
    let memory: UnsafeMutableRawPointer
    var producerIndex: UnsafeMutableRawPointer { memory }
    var consumerIndex: UnsafeMutableRawPointer { memory + 4096 }
    var buckets: UnsafeMutableRawPointer { memory + (2 << 20) }

    init(nbuckets: Int, bucketSize: Int) {
        self.nbuckets = nbuckets
        self.bucketSize = bucketSize
        guard let m = mmap(nil, (2 << 20) + nbuckets * bucketSize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
              m != MAP_FAILED else { die("mmap") }
        memory = m
        memset(memory, 0, (2 << 20) + nbuckets * bucketSize)
    }

    func put(_ payload: UnsafeRawPointer, stamp: Bool) {
        let i = Int(famfs_load_acquire_u64(producerIndex))
        let next = (i + 1) % nbuckets
        while Int(famfs_load_acquire_u64(consumerIndex)) == next { sched_yield() }
        let b = buckets + i * bucketSize
        b.copyMemory(from: payload, byteCount: bucketSize)
        if stamp { b.storeBytes(of: nowNanos(), as: UInt64.self) }
        famfs_store_release_u64(producerIndex, UInt64(next))
    }

    func get(_ out: UnsafeMutableRawPointer) {
        let i = Int(famfs_load_acquire_u64(consumerIndex))
        while Int(famfs_load_acquire_u64(producerIndex)) == i { sched_yield() }
        out.copyMemory(from: buckets + i * bucketSize, byteCount: bucketSize)
        famfs_store_release_u64(consumerIndex, UInt64((i + 1) % nbuckets))
    }

    var empty: Bool { famfs_load_acquire_u64(producerIndex) == famfs_load_acquire_u64(consumerIndex) }
}

final class Thread: @unchecked Sendable {
    var t = pthread_t()
    init(_ body: @escaping @Sendable () -> Void) {
        final class Box { let b: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { self.b = b } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        pthread_create(&t, nil, { Unmanaged<Box>.fromOpaque($0!).takeRetainedValue().b(); return nil }, box)
    }
    func join() { pthread_join(t, nil) }
}

func ceiling(bucketSize: Int, nbuckets: Int, messages: Int, samples: Int) -> Numbers {
    let ring = MemcpyRing(nbuckets: nbuckets, bucketSize: bucketSize)
    let payload = UnsafeMutableRawPointer.allocate(byteCount: bucketSize, alignment: 64)
    memset(payload, 0x5a, bucketSize)
    final class Latencies: @unchecked Sendable { var values: [UInt64] = [] }
    let lat = Latencies()
    let consumer = Thread {
        let out = UnsafeMutableRawPointer.allocate(byteCount: bucketSize, alignment: 64)
        for _ in 0..<(messages + 1) { ring.get(out) }
        for _ in 0..<samples {
            ring.get(out)
            lat.values.append(nowNanos() &- out.load(as: UInt64.self))
        }
    }
    ring.put(payload, stamp: false)
    while !ring.empty { sched_yield() }
    let t0 = nowNanos()
    for _ in 0..<messages { ring.put(payload, stamp: false) }
    while !ring.empty { sched_yield() }
    let rate = Double(messages) / (Double(nowNanos() - t0) / 1e9)
    for _ in 0..<samples {
        ring.put(payload, stamp: true)
        while !ring.empty { sched_yield() }
    }
    consumer.join()
    let sorted = lat.values.sorted()
    return Numbers(rate: rate, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99))
}

// MARK: the table

func fmt(_ v: Double, _ width: Int, _ decimals: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let r = (v * scale).rounded() / scale
    var s = decimals == 0 ? "\(Int(r))" : "\(r)"
    if decimals > 0, let dot = s.firstIndex(of: ".") {
        let have = s.distance(from: dot, to: s.endIndex) - 1
        if have < decimals { s += String(repeating: "0", count: decimals - have) }
    }
    return String(repeating: " ", count: max(0, width - s.count)) + s
}

let args = CommandLine.arguments
if args.count >= 6 && args[1] == "consume" {
    consume(args[2], Int(args[3]) ?? 0, args[4], args[5])
}
guard args.count == 3 else { die("usage: pcq-bench <master-mount> <client-mount>") }
let cases: [(bucket: UInt64, label: String, nbuckets: UInt64, messages: Int, samples: Int)] = [
    (64, "64 B", 4096, 300_000, 3000), (4096, "4 KiB", 1024, 60_000, 3000), (1 << 20, "1 MiB", 64, 1000, 300),
]
print("pcq-bench: FamfsQueue, producer on the master's mount, consumer on a client mount (another process),")
print("against a memcpy-only ceiling: the same ring in one process (two threads, no CRC, no cache flushes).")
print("latency: one message in flight, producer's put to consumer's get returning, µs.\n")
print("bucket  |  famfs msg/s | ceiling msg/s |  ratio | famfs p50 | famfs p99 | ceil p50 | ceil p99 | p50 ratio")
print("--------|--------------|---------------|--------|-----------|-----------|----------|----------|----------")
for c in cases {
    let f = famfs(master: args[1], client: args[2], bucketSize: c.bucket, nbuckets: c.nbuckets, messages: c.messages, samples: c.samples)
    let m = ceiling(bucketSize: Int(c.bucket), nbuckets: Int(c.nbuckets), messages: c.messages, samples: c.samples)
    print("\(c.label.padding(7)) | \(fmt(f.rate, 12, 0)) | \(fmt(m.rate, 13, 0)) | \(fmt(f.rate / m.rate, 6, 4)) | \(fmt(f.p50, 9)) | \(fmt(f.p99, 9)) | \(fmt(m.p50, 8)) | \(fmt(m.p99, 8)) | \(fmt(f.p50 / max(m.p50, 0.001), 8, 1))")
}

extension String {
    func padding(_ n: Int) -> String { self + String(repeating: " ", count: max(0, n - count)) }
}
