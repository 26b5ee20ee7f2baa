import Synchronization

// What the bulk commands' workers share; `runParallel` itself is SystemSupport's.

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
