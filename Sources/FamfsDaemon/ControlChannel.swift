#if canImport(Glibc)
import Glibc
#endif
import CFamfsShims
import FamfsControl
import FamfsCore
import FamfsFormat
import Synchronization
import SystemSupport

/// The daemon's end of the control channel (`ControlProtocol`): a UNIX socket in the abstract
/// namespace on which `famfs creat/mkdir` ask this daemon, which holds the replayed log, to
/// create. The daemon appends under the same device flock as any other writer.
///
/// Hostile by default:
/// - Only root may talk to it. The peer's uid is read with SO_PEERCRED right after accept(), and
///   anyone else gets a refusal without a byte of theirs being read and without a thread: an
///   abstract socket has no file permissions to do this, and a socket file under /run would be
///   left behind by a daemon killed with -9 and race with the next one at startup.
/// - At most `maxConnections` requests are served at once, each on its own thread with
///   `requestTimeout` to arrive; accept waits for a free slot (the kernel's backlog queues, the
///   client's connect timeout bounds the wait). A thread that cannot start closes its connection.
/// - accept() errors never stop the channel: out of descriptors (EMFILE, ENFILE) or memory
///   backs off and retries.
/// - Replies go out with MSG_NOSIGNAL: a peer that is gone costs nothing.
final class ControlChannel: Sendable {
    static let maxConnections = 16
    static let requestTimeoutMilliseconds: Int32 = 5000
    static let backlog: Int32 = 64
    private static let instances = Atomic<Int>(0)

    let name: String
    private let fd: Int32
    private let fs: FamfsFileSystem
    private let active = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    /// Set by the accept thread as it ends (tests wait for it).
    private let acceptEnded = Atomic<Bool>(false)

    init?(fs: FamfsFileSystem) {
        self.fs = fs
        // Several mounts may live in one process (tests): the first is named by the pid alone.
        let n = Self.instances.add(1, ordering: .relaxed).oldValue
        name = ControlProtocol.socketName(daemonPID: getpid()) + (n == 0 ? "" : "-\(n)")
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { return nil }
        var (addr, len) = ControlSocket.address(name)
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) } } == 0
        guard ok, listen(s, Self.backlog) == 0 else { close(s); return nil }
        fd = s
    }

    func start() {
        let started = BackgroundThread.detach { [self] in
            acceptLoop()
            close(fd)
            acceptEnded.store(true, ordering: .releasing)
        }
        if !started { close(fd) }
    }

    /// Wakes the accept thread (shutdown makes accept fail) and lets it close the socket: closing
    /// it here could let a new descriptor take its number under the running accept().
    func stop() {
        stopped.store(true, ordering: .releasing)
        shutdown(fd, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .acquiring) {
            // A free slot first: connections wait in the kernel's backlog meanwhile.
            while active.load(ordering: .acquiring) >= Self.maxConnections && !stopped.load(ordering: .acquiring) {
                usleep(1000)
            }
            let c = accept(fd, nil, nil)
            if c < 0 {
                let e = errno
                if stopped.load(ordering: .acquiring) { return }
                switch e {
                case EINTR, ECONNABORTED, EPROTO: continue
                // Out of descriptors or memory: the pending connection stays queued; try again
                // once others have closed theirs.
                default: usleep(100_000)
                }
                continue
            }
            _ = fcntl(c, F_SETFD, FD_CLOEXEC)  // no accept4 in the Glibc module; nothing execs here anyway
            guard famfs_peer_uid(c) == 0 else {
                refuse(c, ControlReply.failure(errno: EACCES, message: "the famfs control channel answers only root"))
                continue
            }
            active.add(1, ordering: .acquiringAndReleasing)
            let started = BackgroundThread.detach { [self] in
                serve(c)
                close(c)
                active.subtract(1, ordering: .acquiringAndReleasing)
            }
            if !started {
                refuse(c, .failure(errno: EAGAIN, message: "the famfs daemon cannot start a thread for this request"))
                active.subtract(1, ordering: .acquiringAndReleasing)
            }
        }
    }

    /// A reply sent without waiting (the socket buffer of a new connection has room for it).
    private func refuse(_ c: Int32, _ reply: ControlReply) {
        try? ControlSocket(fd: c).send(reply.encoded(), timeoutMilliseconds: 0)
        close(c)
    }

    private func serve(_ c: Int32) {
        let socket = ControlSocket(fd: c)
        let reply: ControlReply
        do {
            let bytes = try socket.receive(what: "request", timeoutMilliseconds: Self.requestTimeoutMilliseconds)
            do { reply = answer(try ControlRequest.decode(bytes)) } catch { reply = .failure(errno: EINVAL, message: "\(error)") }
        } catch {
            return  // gone, silent or too large: nobody to answer
        }
        try? socket.send(reply.encoded(), timeoutMilliseconds: Self.requestTimeoutMilliseconds)
    }

    func answer(_ request: ControlRequest) -> ControlReply {
        let volume = fs.volume
        do throws(CoreError) {
            switch request {
            case .lookup(let path):
                volume.refresh()
                guard let node = volume.lookup(path) else { return .none }
                return node.file.map { .file($0, created: false) } ?? .directory
            case .createFile(let c):
                guard c.requester == volume.superblock.systemUUID else { throw .notMaster(device: volume.device.path) }
                let (node, created) = try volume.createOrReuseFile(
                    c.path, size: c.size, mode: c.mode, uid: c.uid, gid: c.gid,
                    interleave: InterleaveParameters(nbuckets: c.nbuckets, nstrips: c.nstrips, chunkSize: c.chunkSize))
                guard let meta = node.file else { throw .isDirectory(path: c.path) }
                if created { fs.invalidateAttributes(of: .init(node.parent)) }
                return .file(meta, created: created)
            case let .mkdir(path, mode, uid, gid, parents, requester):
                guard requester == volume.superblock.systemUUID else { throw .notMaster(device: volume.device.path) }
                let made = try volume.mkdir(path, mode: mode, uid: uid, gid: gid, parents: parents)
                for n in made { fs.invalidateAttributes(of: .init(n.parent)) }
                return .directoriesCreated(made.map(\.path))
            }
        } catch {
            return .failure(errno: Self.errnoCode(of: error), message: "\(error)")
        }
    }

    /// The reference reports "out of space" as ENOMEM and a full log as ENOSPC; keep them apart.
    static func errnoCode(of error: CoreError) -> Int32 {
        if case .noSpace = error { return ENOMEM }
        return error.errno.rawValue
    }

    /// For tests: whether the accept thread is still running.
    var isAccepting: Bool { !acceptEnded.load(ordering: .acquiring) }
}
