#if canImport(Glibc)
import Glibc
#endif
import FamfsFormat
import FamfsQueue
import Synchronization

/// What the producer or consumer thread was asked to do and what it did.
final class Worker: @unchecked Sendable {
    enum Stop { case messages(UInt64), deadline(ContinuousClock.Instant), empty }

    let path: String
    let stop: Stop
    let seed: UInt64
    let verbose: Int
    let flushes: Bool
    /// The open queue, once the thread has it (the status thread reads its counters).
    let queue = Mutex<FamfsQueue?>(nil)
    let errors = Atomic<UInt64>(0)
    /// A message failed its CRC or sequence check: the original exits -1 at once.
    let fatal = Atomic<Bool>(false)

    init(path: String, stop: Stop, seed: UInt64, verbose: Int, flushes: Bool) {
        self.path = path
        self.stop = stop
        self.seed = seed
        self.verbose = verbose
        self.flushes = flushes
    }

    var counters: QueueCounters? { queue.withLock { $0?.counters } }
    var nerrors: UInt64 { errors.load(ordering: .relaxed) }

    var wait: QueueWait {
        switch stop {
        case .messages: return QueueWait.forever.stopping(on: stopRun)
        case .deadline(let d): return QueueWait.until(d).stopping(on: stopRun)
        case .empty: return .never
        }
    }

    /// A timed run ends at its deadline even when it never has to wait.
    var pastDeadline: Bool {
        if case .deadline(let d) = stop { return ContinuousClock.now >= d }
        return false
    }

    func open(_ role: FamfsQueue.Role) -> FamfsQueue? {
        do {
            let q = try FamfsQueue(path: path, role: role, flushes: flushes)
            if verbose > 0 {
                Out.line("pcq_open: sizeof(crc)=8")
                Out.line("pcq_open: bucket_size=\(q.bucketSize)")
                Out.line("pcq_open: payload_size=\(q.payloadSize)")
            }
            queue.withLock { $0 = q }
            return q
        } catch {
            Out.err("pcq_open: \(error)")
            return nil
        }
    }

    /// The seeded payload: the same bytes in every message (the original re-seeds per message).
    func payload(_ q: FamfsQueue) -> [UInt8] {
        seed == 0 ? [UInt8](repeating: 0, count: q.payloadSize) : RandomFill.bytes(seed: seed, count: q.payloadSize)
    }

    func fail(_ error: QueueError) {
        switch error {
        case .badSequence(_, _, let expected, let found):
            Out.err("pcq_consumer_get: seq mismatch \(found) / \(expected)")
        case .badChecksum(_, _, let seq, _, _, _):
            Out.err("pcq_consumer_get: bad msg after \(FamfsQueue.checksumRetries) retries. Cache coherency suspicious")
            Out.err("pcq_consumer_get: seq=\(seq)")
        default:
            break
        }
        Out.err("pcq: \(error)")
        errors.wrappingAdd(1, ordering: .relaxed)
        fatal.store(true, ordering: .relaxed)
        stopRun.stop()
    }

    /// Returns false if the queue could not be opened.
    func produce() -> Bool {
        guard let q = open(.producer) else { return false }
        let bytes = payload(q)
        var sent: UInt64 = 0
        while true {
            do {
                guard let m = try q.put(bytes, wait: wait) else { break }
                if verbose > 0 { Out.line("pcq_producer_put: put_index=\(m.bucket) seq=\(m.seq)") }
            } catch {
                fail(error)
                break
            }
            sent += 1
            if case .messages(let n) = stop, sent >= n { break }
            if stopRun.isStopped || pastDeadline { break }
        }
        return true
    }

    func consume() -> Bool {
        guard let q = open(.consumer) else { return false }
        let checksPayload = seed != 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: q.bucketSize, alignment: 64)
        defer { buffer.deallocate() }
        var received: UInt64 = 0
        while true {
            do {
                guard let m = try q.get(into: buffer, wait: wait) else { break }
                if verbose > 0 { Out.line("pcq_consumer_get: bucket=\(m.bucket) seq=\(m.seq)") }
                if checksPayload {
                    var g = RandomFill(seed: seed)
                    if let ofs = g.firstMismatch(UnsafeRawBufferPointer(rebasing: buffer[0..<q.payloadSize])) {
                        Out.err("run_consumer: miscompare seq=\(m.seq) ofs=\(ofs)")
                        errors.wrappingAdd(1, ordering: .relaxed)
                    }
                }
            } catch {
                fail(error)
                break
            }
            received += 1
            if case .messages(let n) = stop, received >= n { break }
            if stopRun.isStopped || pastDeadline { break }
        }
        return true
    }
}

/// The `-s` thread: one line per interval with both workers' counters.
func statusLoop(path: String, interval: Double, producer: Worker?, consumer: Worker?, done: StopSignal) {
    while !done.isStopped {
        nap(seconds: interval) { done.isStopped }
        if done.isStopped { return }
        let p = producer?.counters, c = consumer?.counters
        Out.line("\(statusTimestamp()) pcq=\(path) prod(nsent=\(p?.sent ?? 0) nfull=\(p?.full ?? 0)) "
                 + "cons(nrcvd=\(c?.received ?? 0) nempty=\(c?.empty ?? 0) nretries= \(c?.retries ?? 0) nerrors=\(consumer?.nerrors ?? 0))")
        if stopRun.isStopped { return }
    }
}
