import CFamfsShims
import FamfsCore
import FamfsFormat
import Foundation

/// What a file or directory is, as a command needs to know it.
struct FamfsEntry {
    var isDirectory: Bool
    var file: FileMeta?
    var size: UInt64 { file?.size ?? 0 }
}

/// A command's handle on a mounted famfs for creating files and directories and writing data.
///
/// On a master mount the daemon already holds the replayed log, so a command that creates one
/// or a few things asks it through its control channel (`user.famfs.control`) and costs the same
/// at any log size; this process only maps the device to write data. A command that creates
/// many (`cp -r`, `creat --multi`) replays the log once itself and then works in memory, which
/// beats a round trip per file; so does everything without a control channel (a client mount).
final class FamfsSession {
    let device: Device
    private let volume: FamfsVolume?
    private let control: String?

    /// An error the daemon reported, with its errno and one-line message.
    struct RemoteError: Error, CustomStringConvertible {
        var errno: Int32
        var message: String
        var description: String { message }
        /// Errors that end a multi-file command (out of space, log full, not the master).
        var isFatal: Bool { errno == ENOSPC || errno == ENOMEM || errno == EROFS || errno == EACCES }
    }

    init(_ p: FamfsPath, bulk: Bool = false) throws {
        if !bulk, let name = xattrString(p.mountPoint, "user.famfs.control") {
            let device = try Device(path: p.device, writable: true)
            // Only the master may create; the daemon is the master's, so check that we are it too
            // (on one machine several host identities may share a mount path in tests).
            let sb = try Superblock.decode(device.bytes(0, Media.superblockSize))
            guard try HostIdentity.load().uuid == sb.systemUUID else { throw CoreError.notMaster(device: p.device) }
            self.device = device
            self.volume = nil
            self.control = name
        } else {
            let v = try p.openVolume(writable: true)
            self.device = v.device
            self.volume = v
            self.control = nil
        }
    }

    func lookup(_ rel: String) throws -> FamfsEntry? {
        if let volume {
            volume.refresh()
            return volume.lookup(rel).map { FamfsEntry(isDirectory: $0.isDirectory, file: $0.file) }
        }
        return try entry(request(["lookup", rel]))
    }

    func createFile(_ rel: String, size: UInt64, mode: UInt32, uid: UInt32, gid: UInt32,
                    interleave: InterleaveParameters, reuseExisting: Bool) throws -> FamfsEntry {
        if let volume {
            let n = try volume.createFile(rel, size: size, mode: mode, uid: uid, gid: gid, interleave: interleave,
                                          reuseExisting: reuseExisting)
            return FamfsEntry(isDirectory: n.isDirectory, file: n.file)
        }
        guard let e = try entry(request(["mkfile", rel, "\(size)", "\(mode)", "\(uid)", "\(gid)", "\(interleave.nbuckets)",
                                         "\(interleave.nstrips)", "\(interleave.chunkSize)", reuseExisting ? "1" : "0"])) else {
            throw CoreError.notFound(path: rel)
        }
        return e
    }

    /// Returns the paths created (relative to the mount).
    func mkdir(_ rel: String, mode: UInt32, uid: UInt32, gid: UInt32, parents: Bool) throws -> [String] {
        if let volume { return try volume.mkdir(rel, mode: mode, uid: uid, gid: gid, parents: parents).map(\.path) }
        let fields = try request(["mkdir", rel, "\(mode)", "\(uid)", "\(gid)", parents ? "1" : "0"])
        return Array(fields.dropFirst(2).dropLast())  // "ok", "dir", paths…, body
    }

    // MARK: the control channel

    private static let separator = "\u{1F}"

    /// Sends one request; returns the reply's fields (after "ok") and any body, or throws.
    private func request(_ fields: [String]) throws -> [String] {
        guard let control else { throw CoreError.invalidArgument("no control channel") }
        guard !fields.contains(where: { $0.contains("\n") || $0.contains(Self.separator) }) else {
            throw CoreError.invalidArgument("path contains a newline or a 0x1F byte")
        }
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { throw CoreError.system(operation: "socket", path: control, errno: .init(rawValue: errno)) }
        defer { close(s) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let name = [UInt8(0)] + Array(control.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in for (i, b) in name.enumerated() where i < p.count { p[i] = b } }
        let len = socklen_t(MemoryLayout<sa_family_t>.size + name.count)
        // A create may wait for the device flock behind other writers, but not forever.
        var limit = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard withUnsafePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, len) } }) == 0 else {
            throw CoreError.system(operation: "connect to the famfs daemon at", path: "@" + control, errno: .init(rawValue: errno))
        }
        let line = fields.joined(separator: Self.separator) + "\n"
        guard line.withCString({ write(s, $0, strlen($0)) }) == line.utf8.count else {
            throw CoreError.system(operation: "write to the famfs daemon at", path: "@" + control, errno: .init(rawValue: errno))
        }
        var reply: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = read(s, &buf, buf.count)
            if n <= 0 { break }
            reply += buf[0..<n]
        }
        let head = String(decoding: reply.prefix { $0 != 10 }, as: UTF8.self)
        let body = reply.count > head.utf8.count + 1 ? String(decoding: reply[(head.utf8.count + 1)...], as: UTF8.self) : ""
        let parts = head.components(separatedBy: Self.separator)
        switch parts.first {
        case "ok": return parts + [body]
        case "err": throw RemoteError(errno: Int32(parts.count > 1 ? parts[1] : "") ?? EIO, message: parts.count > 2 ? parts[2] : head)
        default: throw CoreError.invalidArgument("the famfs daemon's reply is malformed: \(head)")
        }
    }

    private func entry(_ r: [String]) throws -> FamfsEntry? {
        switch r.count > 1 ? r[1] : "" {
        case "none": return nil
        case "dir": return FamfsEntry(isDirectory: true, file: nil)
        case "file": return FamfsEntry(isDirectory: false, file: try FmapYAML.parse(r.last ?? ""))
        default: throw CoreError.invalidArgument("the famfs daemon's reply is malformed")
        }
    }
}
