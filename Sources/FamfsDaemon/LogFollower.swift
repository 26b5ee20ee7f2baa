#if canImport(Glibc)
import Glibc
#endif
import FamfsCore
import FuseProtocol
import Logging
import Synchronization
import SystemSupport

/// Notices log entries other writers appended, without anyone running logplay: a thread wakes
/// every `interval` seconds, replays what is new, and tells the kernel which directories'
/// cached attributes and names went stale.
final class LogFollower: Sendable {
    private let fs: FamfsFileSystem
    private let interval: Double
    private let stopped = Atomic<Bool>(false)

    init(fs: FamfsFileSystem, interval: Double) {
        self.fs = fs
        self.interval = interval
    }

    func start() {
        guard interval > 0 else { return }
        BackgroundThread.detach { [self] in
            var seen = fs.volume.snapshot.nextIndex
            while !stopped.load(ordering: .relaxed) {
                usleep(UInt32(interval * 1_000_000))
                let problemsBefore = fs.volume.report.errorCount
                fs.volume.refresh()
                let snap = fs.volume.snapshot
                if snap.report.errorCount > problemsBefore {
                    fs.logger.error("log replay skipped entries", metadata: ["new_problems": "\(snap.report.errorCount - problemsBefore)",
                                                                            "last": "\(snap.report.problems.last ?? "")"])
                }
                guard snap.nextIndex > seen else { continue }
                invalidate(from: seen, to: snap.nextIndex, in: snap.namespace)
                seen = snap.nextIndex
            }
        }
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    /// New names get their parent's attributes and any cached negative entry invalidated.
    private func invalidate(from: UInt64, to: UInt64, in ns: Namespace) {
        guard let notifier = fs.notifier.withLock({ $0 }) else { return }
        var parents = Set<UInt64>()
        for index in from..<to {
            guard let node = ns[Namespace.nodeID(logIndex: index)] else { continue }
            parents.insert(node.parent)
            try? notifier.invalEntry(parent: NodeID(node.parent), name: node.name)
        }
        for p in parents { try? notifier.invalInode(NodeID(p)) }
        fs.logger.debug("log follower", metadata: ["new_entries": "\(to - from)"])
    }
}
