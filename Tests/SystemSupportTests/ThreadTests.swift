#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SystemPackage
import SystemSupport
import Testing

@Suite("the one way to start threads, and the errno wrapper")
struct ThreadTests {
    @Test("runParallel visits every index exactly once, on more than one thread", arguments: [0, 1, 7, 1000])
    func parallel(count: Int) {
        let seen = Mutex([Int](repeating: 0, count: count))
        let threadIDs = Mutex(Set<UInt>())
        runParallel(count: count, threads: 4) { i in
            seen.withLock { $0[i] += 1 }
            threadIDs.withLock { _ = $0.insert(UInt(pthread_self())) }
            if count > 1 { usleep(200) }  // long enough that the other workers take indices too
        }
        #expect(seen.withLock { $0.allSatisfy { $0 == 1 } })
        if count >= 7 { #expect(threadIDs.withLock { $0.count } > 1) }
    }

    @Test("a joinable thread has run its body once join returns; join twice is harmless")
    func joinable() {
        let ran = Atomic(0)
        let t = JoinableThread(stackSize: 256 << 10) { ran.add(1, ordering: .relaxed) }
        #expect(t.isRunning)
        t.join()
        t.join()
        let runs = ran.load(ordering: .relaxed)
        #expect(runs == 1)
    }

    @Test("a detached thread runs its body")
    func detached() {
        let done = Atomic(false)
        #expect(BackgroundThread.detach { done.store(true, ordering: .releasing) })
        var spins = 0
        while !done.load(ordering: .acquiring), spins < 10_000 { usleep(1000); spins += 1 }
        let finished = done.load(ordering: .acquiring)
        #expect(finished)
    }

    @Test("SystemCall turns -1 into the errno, and retries EINTR")
    func errnoWrapper() {
        #expect(throws: Errno.badFileDescriptor) { try SystemCall.retrying { close(-1) } }
        var calls = 0
        let r = try? SystemCall.retrying { () -> Int32 in
            calls += 1
            if calls < 3 { errno = EINTR; return -1 }
            return 42
        }
        #expect(r == 42 && calls == 3)
    }
}
