#if canImport(Glibc)
import Glibc
#endif
import FamfsControl
import FamfsCore
import FamfsFormat

/// Asks the master's daemon (`ControlProtocol`) to create, one request per connection.
final class DaemonClient: FamfsWriter {
    /// A connect that takes longer means the daemon is not accepting.
    static let connectTimeoutMilliseconds: Int32 = 10_000
    /// A create may wait for the device flock behind other writers, but not forever.
    static let replyTimeoutMilliseconds: Int32 = 60_000

    /// What the daemon refused, with its errno and one-line message.
    struct Refusal: Error, CustomStringConvertible {
        var errno: Int32
        var message: String
        var description: String { message }
        /// Errors that end a multi-file command (out of space, log full, not the master).
        var isFatal: Bool { errno == ENOSPC || errno == ENOMEM || errno == EROFS || errno == EACCES }
    }

    /// The channel itself failed (no daemon, timeout, garbage).
    struct ChannelError: Error, CustomStringConvertible {
        var socketName: String
        var failure: ControlSocket.Failure
        var description: String { "the famfs daemon at @\(socketName): \(failure)" }
    }

    let socketName: String
    let device: Device
    private let requester: FamfsUUID

    init(socketName: String, device path: String) throws {
        self.socketName = socketName
        device = try Device(path: path, writable: true)
        requester = try HostIdentity.load().uuid
    }

    func lookup(_ rel: String) throws -> FamfsEntry? {
        switch try request(.lookup(path: rel)) {
        case .none: return nil
        case .directory: return FamfsEntry(isDirectory: true, file: nil)
        case .file(let f, _): return FamfsEntry(isDirectory: false, file: f)
        default: throw unexpected("lookup")
        }
    }

    func createFile(_ rel: String, size: UInt64, mode: UInt32, uid: UInt32, gid: UInt32,
                    interleave: InterleaveParameters) throws -> (file: FileMeta, created: Bool) {
        let c = ControlRequest.CreateFile(path: rel, size: size, mode: mode, uid: uid, gid: gid, nbuckets: interleave.nbuckets,
                                          nstrips: interleave.nstrips, chunkSize: interleave.chunkSize, requester: requester)
        guard case let .file(f, created) = try request(.createFile(c)) else { throw unexpected("createFile") }
        return (f, created)
    }

    func mkdir(_ rel: String, mode: UInt32, uid: UInt32, gid: UInt32, parents: Bool) throws -> [String] {
        guard case .directoriesCreated(let made) = try request(.mkdir(path: rel, mode: mode, uid: uid, gid: gid,
                                                                      parents: parents, requester: requester)) else {
            throw unexpected("mkdir")
        }
        return made
    }

    /// One round trip; a `failure` reply is thrown as a `Refusal`.
    private func request(_ r: ControlRequest) throws -> ControlReply {
        let reply: ControlReply
        do throws(ControlSocket.Failure) {
            let s = try ControlSocket.connect(abstract: socketName, timeoutMilliseconds: Self.connectTimeoutMilliseconds)
            defer { s.close() }
            try s.send(r.encoded(), timeoutMilliseconds: Self.connectTimeoutMilliseconds)
            let bytes = try s.receive(what: "reply", timeoutMilliseconds: Self.replyTimeoutMilliseconds)
            do { reply = try ControlReply.decode(bytes) } catch { throw ControlSocket.Failure.protocolError(error) }
        } catch {
            throw ChannelError(socketName: socketName, failure: error)
        }
        if case let .failure(errno, message) = reply { throw Refusal(errno: errno, message: message) }
        return reply
    }

    private func unexpected(_ what: String) -> ChannelError {
        ChannelError(socketName: socketName, failure: .protocolError(.malformed("reply", reason: "unexpected reply to \(what)")))
    }
}
