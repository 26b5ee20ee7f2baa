#if canImport(Glibc)
import Glibc
#endif
import FamfsQueue
import Synchronization

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
