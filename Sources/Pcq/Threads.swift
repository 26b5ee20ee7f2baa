#if canImport(Glibc)
import Glibc
#endif
import FamfsQueue
import Synchronization

/// A pthread that can be joined (the standard library has none without Foundation).
final class JoinableThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let started: Bool

    init(_ body: @escaping @Sendable () -> Void) {
        final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = pthread_create(&thread, nil, { p in
            let b = Unmanaged<Box>.fromOpaque(p!).takeRetainedValue()
            b.body()
            return nil
        }, box)
        started = rc == 0
        if !started { Unmanaged<Box>.fromOpaque(box).release() }
    }

    var isRunning: Bool { started }

    func join() { if started { pthread_join(thread, nil) } }
}

/// Ends every wait of the run: set by the timer of `--time`, by a fatal error in either thread,
/// and by SIGINT/SIGTERM (the handler only stores to atomics, which is async-signal-safe).
let stopRun = StopSignal()
let stoppingSignal = Atomic<Int32>(0)

func installSignalHandlers() {
    _ = stopRun.isStopped  // initialise the global before a handler can touch it
    signal(SIGPIPE, SIG_IGN)
    // A parent may have left them blocked (the mask is inherited across exec); a run that waits
    // forever must still end on them.
    var set = sigset_t()
    sigemptyset(&set)
    for s in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, s) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
    for s in [SIGINT, SIGTERM, SIGHUP] {
        signal(s) { n in
            stoppingSignal.store(n, ordering: .relaxed)
            stopRun.stop()
        }
    }
}

/// Sleeps up to `seconds`, returning early when the run is stopped.
func nap(seconds: Double, until done: () -> Bool) {
    var left = seconds
    while left > 0 && !done() && !stopRun.isStopped {
        usleep(UInt32(min(left, 0.02) * 1_000_000))
        left -= 0.02
    }
}
