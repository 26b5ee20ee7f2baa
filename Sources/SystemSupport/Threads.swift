#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// The one way this package starts threads (the standard library has none without Foundation):
/// POSIX threads, each running a Swift closure handed over through an `Unmanaged` box.
enum ThreadStart {
    private final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread; nil if the system refuses one (EAGAIN at the thread cap).
    static func start(detached: Bool, stackSize: Int?, _ body: @escaping @Sendable () -> Void) -> pthread_t? {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        if let stackSize { pthread_attr_setstacksize(&attr, max(stackSize, Int(PTHREAD_STACK_MIN))) }
        if detached { pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED)) }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var tid = pthread_t()
        let rc = pthread_create(&tid, &attr, { p in
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
}

/// Fire-and-forget threads: FUSE workers, connection handlers, work that must not run on a
/// FUSE worker (a notification to the kernel from inside a request would wait for itself).
public enum BackgroundThread {
    /// Starts `body` on a detached thread; false if the system refused the thread.
    @discardableResult
    public static func detach(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) -> Bool {
        ThreadStart.start(detached: true, stackSize: stackSize, body) != nil
    }
}

/// A thread that can be waited for.
public final class JoinableThread: @unchecked Sendable {
    private let thread: pthread_t?
    private var joined = false

    public init(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        thread = ThreadStart.start(detached: false, stackSize: stackSize, body)
    }

    /// Whether the thread started (the system may refuse one).
    public var isRunning: Bool { thread != nil }

    /// Waits for the thread to end. Call from one thread only; later calls return at once.
    public func join() {
        guard let thread, !joined else { return }
        joined = true
        pthread_join(thread, nil)
    }
}

/// Runs `body(i)` for every i in 0..<count on up to `threads` threads, this one included
/// (0 or 1: all in this thread), and returns when all are done. Indices are handed out one at
/// a time, so uneven work spreads; if no thread can be started this thread does it all.
public func runParallel(count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
    guard threads > 1, count > 1 else {
        for i in 0..<max(count, 0) { body(i) }
        return
    }
    let next = NextIndex()
    let work: @Sendable () -> Void = { while let i = next.take(below: count) { body(i) } }
    let workers = (1..<min(threads, count)).map { _ in JoinableThread(work) }
    work()
    for w in workers { w.join() }
}

private final class NextIndex: Sendable {
    private let value = Mutex(0)
    func take(below n: Int) -> Int? {
        value.withLock { v in
            guard v < n else { return nil }
            v += 1
            return v - 1
        }
    }
}
