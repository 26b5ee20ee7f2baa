#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Set from another thread (or a signal handler) to make every wait that watches it give up.
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func stop() { flag.store(true, ordering: .releasing) }
    public var isStopped: Bool { flag.load(ordering: .acquiring) }
}

/// How long `put` on a full queue and `get` on an empty one wait.
public struct QueueWait: Sendable {
    /// nil: do not wait at all.
    var deadline: ContinuousClock.Instant?
    var blocks: Bool
    var stop: StopSignal?

    /// Answer at once (`put` returns nil on a full queue, `get` on an empty one).
    public static let never = QueueWait(deadline: nil, blocks: false, stop: nil)
    /// Wait until there is room or a message (or `stop` is signalled).
    public static let forever = QueueWait(deadline: nil, blocks: true, stop: nil)
    /// Wait at most until `deadline`.
    public static func until(_ deadline: ContinuousClock.Instant) -> QueueWait {
        QueueWait(deadline: deadline, blocks: true, stop: nil)
    }
    /// Wait at most `s` seconds (clamped to 0…10 years; NaN is 0).
    public static func seconds(_ s: Double) -> QueueWait {
        let clamped = s.isNaN ? 0 : min(max(s, 0), 315_360_000)
        return until(.now + .milliseconds(Int64(clamped * 1000)))
    }

    /// The same wait, also ended by `signal`.
    public func stopping(on signal: StopSignal) -> QueueWait {
        QueueWait(deadline: deadline, blocks: blocks, stop: signal)
    }

    /// One round of waiting: false when the wait is over (no blocking, stopped, past the deadline).
    /// Yields the CPU for the first rounds (the other side is usually about to answer), then sleeps
    /// in short naps so an idle side does not hold a core.
    func pause(_ round: inout Int) -> Bool {
        guard blocks else { return false }
        if let stop, stop.isStopped { return false }
        if let deadline, round % 64 == 0, ContinuousClock.now >= deadline { return false }
        round += 1
        if round < 4096 { sched_yield() } else { usleep(50) }
        return true
    }
}

/// What a queue object did, readable from any thread (status lines, reports).
public final class QueueCounters: Sendable {
    let sentCount = Atomic<UInt64>(0)
    let receivedCount = Atomic<UInt64>(0)
    let fullCount = Atomic<UInt64>(0)
    let emptyCount = Atomic<UInt64>(0)
    let retryCount = Atomic<UInt64>(0)
    public init() {}

    /// Messages put.
    public var sent: UInt64 { sentCount.load(ordering: .relaxed) }
    /// Messages got.
    public var received: UInt64 { receivedCount.load(ordering: .relaxed) }
    /// `put` calls that found the queue full (once per call).
    public var full: UInt64 { fullCount.load(ordering: .relaxed) }
    /// `get` calls that found the queue empty (once per call).
    public var empty: UInt64 { emptyCount.load(ordering: .relaxed) }
    /// Messages whose CRC was wrong at the first read (once per message).
    public var retries: UInt64 { retryCount.load(ordering: .relaxed) }

    static func bump(_ a: borrowing Atomic<UInt64>) { a.wrappingAdd(1, ordering: .relaxed) }
}
