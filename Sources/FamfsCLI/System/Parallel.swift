#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Runs `body(i)` for i in 0..<count on `threads` workers (0 or 1: in this thread).
func runParallel(count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
    if threads <= 1 || count <= 1 {
        for i in 0..<count { body(i) }
        return
    }
    let next = NextIndex()
    let work: @Sendable () -> Void = { while let i = next.take(below: count) { body(i) } }
    var workers: [pthread_t] = []
    for _ in 1..<min(threads, count) {
        if let t = startThread(work) { workers.append(t) }
    }
    work()  // this thread is a worker too (and the only one if no thread could start)
    for t in workers { pthread_join(t, nil) }
}

/// Starts a joinable thread running `body`; nil if the system refuses a thread.
private func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var tid = pthread_t()
    let rc = pthread_create(&tid, nil, { p in
        guard let p else { return nil }
        Unmanaged<Box>.fromOpaque(p).takeRetainedValue().body()
        return nil
    }, box)
    guard rc == 0 else {
        Unmanaged<Box>.fromOpaque(box).release()
        return nil
    }
    return tid
}

final class NextIndex: Sendable {
    private let value = Mutex(0)
    func take(below n: Int) -> Int? {
        value.withLock { v in
            guard v < n else { return nil }
            v += 1
            return v - 1
        }
    }
}

/// Per-item failure flags shared by worker threads.
final class ResultBox: Sendable {
    private let failed: Mutex<[Bool]>
    init(count: Int) { failed = Mutex(Array(repeating: false, count: count)) }
    func fail(_ i: Int) { failed.withLock { $0[i] = true } }
    func failed(_ i: Int) -> Bool { failed.withLock { $0[i] } }
    var failures: Int { failed.withLock { f in f.count { $0 } } }
}

/// Hands immutable values to worker threads.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
