import Glibc

/// How many workers are still running, and a way to wait until none is (DispatchGroup's job).
final class RunningCount: @unchecked Sendable {
    private var count = 0
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let zero = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(zero, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(zero)
        pthread_mutex_destroy(mutex)
        zero.deallocate()
        mutex.deallocate()
    }

    func enter() {
        pthread_mutex_lock(mutex)
        count += 1
        pthread_mutex_unlock(mutex)
    }

    func leave() {
        pthread_mutex_lock(mutex)
        count -= 1
        if count == 0 { pthread_cond_broadcast(zero) }
        pthread_mutex_unlock(mutex)
    }

    /// Waits until the count is zero, at most `seconds` (nil: for ever); true when it is.
    func waitForZero(seconds: Double?) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        if let seconds {
            let total = Double(deadline.tv_nsec) + max(0, min(seconds, 1e9)) * 1e9
            deadline.tv_sec += Int(total / 1e9)
            deadline.tv_nsec = Int(total.truncatingRemainder(dividingBy: 1e9))
        }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while count > 0 {
            if seconds == nil {
                pthread_cond_wait(zero, mutex)
            } else if pthread_cond_timedwait(zero, mutex, &deadline) == ETIMEDOUT {
                return count == 0
            }
        }
        return true
    }
}
