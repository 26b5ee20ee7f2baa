import Logging
import Synchronization
import SystemPackage

/// The whole FUSE protocol without a transport: the bytes of one request in, the reply out
/// (or nil for requests without a reply). The `/dev/fuse` workers use it; tests feed it bytes.
///
/// Thread-safe: call `handle` from any number of threads at once.
public final class ProtocolHandler: Sendable {
    public let fileSystem: any FuseFileSystem
    /// Largest `max_write` this handler agrees to (the request buffer size minus headers).
    public let maxWriteLimit: UInt32
    let logger: Logger
    private let state = Mutex<Connection?>(nil)
    private let destroyed = Mutex(false)

    public init(fileSystem: any FuseFileSystem, maxWrite: UInt32 = 1 << 20, logger: Logger? = nil) {
        self.fileSystem = fileSystem
        self.maxWriteLimit = maxWrite
        self.logger = logger ?? Logger(label: "FuseProtocol")
    }

    /// What INIT agreed on, once it has happened.
    public var connection: Connection? { state.withLock { $0 } }

    /// Answers one request. Malformed requests get an error reply, never a crash; a request
    /// too short to carry its `unique` gets no reply at all.
    public func handle(_ request: UnsafeRawBufferPointer) -> Reply? {
        let reader = WireReader(request)
        let header: InHeader
        do {
            header = try InHeader.decode(reader)
        } catch {
            logger.warning("short request", metadata: ["bytes": "\(request.count)"])
            guard let unique = try? reader.u64(at: 8) else { return nil }
            return Reply(unique: unique, error: -Errno.ioError.rawValue)
        }
        guard header.length == request.count else {
            let failure = RequestError.lengthMismatch(header: header.length, actual: request.count)
            logger.warning("bad request length", metadata: ["error": "\(failure)"])
            return Reply(unique: header.unique, error: -failure.errno.rawValue)
        }
        let extBytes = Int(header.totalExtlen) * 8
        guard request.count - InHeader.size >= extBytes else {
            return Reply(unique: header.unique, error: -Errno.ioError.rawValue)
        }
        let body = WireReader(
            UnsafeRawBufferPointer(rebasing: request[InHeader.size..<(request.count - extBytes)]))
        return handle(header: header, body: body)
    }

    private func handle(header: InHeader, body: WireReader) -> Reply? {
        let opcode = Opcode(rawValue: header.opcode)
        if opcode != .initialize, connection == nil {
            logger.warning("request before INIT", metadata: ["opcode": "\(header.opcode)"])
            return Reply(unique: header.unique, error: -Errno.ioError.rawValue)
        }
        let request = IncomingRequest(header: header, body: body)
        let reply = answer(opcode, request)
        // FORGET, BATCH_FORGET and INTERRUPT are never answered, not even with an error.
        return opcode?.hasReply == false ? nil : reply
    }

    private func answer(_ opcode: Opcode?, _ request: IncomingRequest) -> Reply? {
        let header = request.header
        let body = request.body
        do {
            guard let opcode else {
                let bytes = try fileSystem.unknownOperation(
                    opcode: header.opcode, node: request.node, header: header, payload: body.bytes)
                return Reply(unique: header.unique, payload: .bytes(bytes))
            }
            guard let data = try dispatch(opcode, request) else { return nil }
            return Reply(unique: header.unique, payload: data)
        } catch let error as Errno {
            return Reply(unique: header.unique, error: -error.rawValue)
        } catch let error as RequestError {
            logger.warning(
                "malformed request",
                metadata: ["opcode": "\(header.opcode)", "error": "\(error)"])
            return Reply(unique: header.unique, error: -error.errno.rawValue)
        } catch {
            return Reply(unique: header.unique, error: -Errno.ioError.rawValue)
        }
    }

    /// Calls `fileSystem.destroy()` the first time only (DESTROY request or session end).
    func destroyOnce() {
        let first = destroyed.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { fileSystem.destroy() }
    }

    /// INIT (26).
    func doInit(_ r: IncomingRequest) throws -> ReplyData {
        let offerIn = try InitIn.decode(r.body, at: 0)
        let offer = InitOffer(
            major: offerIn.major, minor: offerIn.minor, maxReadahead: offerIn.maxReadahead,
            flags: offerIn.flags)
        switch Handshake.negotiate(offer, fileSystem: fileSystem, bufferLimit: maxWriteLimit) {
        case .failure(let errno):
            throw errno
        case .reply(let payload, let connection):
            if let connection {
                state.withLock { $0 = connection }
                logger.info(
                    "FUSE INIT",
                    metadata: [
                        "kernel": "\(offer.major).\(offer.minor)", "offered": "\(offer.flags)",
                        "granted": "\(connection.flags)", "max_write": "\(connection.maxWrite)",
                    ])
                fileSystem.initialized(connection)
            }
            return .bytes(payload)
        }
    }
}

/// A decoded request header with its body (after the header, without extensions).
struct IncomingRequest {
    let header: InHeader
    let body: WireReader

    var node: NodeID { NodeID(header.nodeid) }
    var context: RequestContext {
        RequestContext(
            uid: header.uid, gid: header.gid, pid: header.pid, unique: RequestID(header.unique))
    }
}
