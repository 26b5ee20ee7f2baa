#if canImport(Glibc)
import Glibc
#endif

/// A fire-and-forget thread for work that must not run on a FUSE worker.
enum BackgroundThread {
    /// Starts `body` on a new detached thread; false (and `body` never runs) if none can start.
    @discardableResult
    static func detach(_ body: @escaping @Sendable () -> Void) -> Bool {
        final class Box: @unchecked Sendable { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
        var tid = pthread_t()
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = pthread_create(&tid, nil, { p in
            let b = Unmanaged<Box>.fromOpaque(p!).takeRetainedValue()
            b.body()
            return nil
        }, box)
        if rc == 0 { pthread_detach(tid) } else { Unmanaged<Box>.fromOpaque(box).release() }
        return rc == 0
    }
}
