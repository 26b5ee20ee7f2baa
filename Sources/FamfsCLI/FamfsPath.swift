#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore
import FamfsFormat

/// A command-line path inside a famfs, which need not exist yet (`creat`, `mkdir`, `cp` targets):
/// the longest existing prefix is resolved with realpath and must lie in a famfs mount; the
/// missing rest is appended lexically and may not contain `..`.
///
/// Mounts are the `fuse.famfs` entries of /proc/self/mounts; the device is the mount's source.
struct FamfsPath {
    /// The argument as the user gave it (for messages).
    var argument: String
    var device: String
    var mountPoint: String
    /// Relative to the mount point; "" is the mount point itself.
    var relative: String

    /// Absolute path of the node in the mount (for messages such as `famfs cp: 100%: …`).
    var full: String { relative.isEmpty ? mountPoint : (mountPoint == "/" ? "/" : mountPoint + "/") + relative }

    enum Failure: Error, CustomStringConvertible {
        case notInFamfs(String)
        case escapes(String)
        var description: String {
            switch self {
            case .notInFamfs(let p): return "\(p): not in a famfs file system"
            case .escapes(let p): return "\(p): '..' in a path that does not exist yet (or escapes the mount)"
            }
        }
    }

    static func resolve(_ path: String) throws -> FamfsPath {
        var absolute = path
        if !absolute.hasPrefix("/") {
            guard let cwd = Files.currentDirectory() else { throw Failure.notInFamfs(path) }
            absolute = cwd + "/" + path
        }
        let parts = absolute.split(separator: "/").map(String.init)
        var existing = parts.count
        var real: String?
        while existing >= 0 {
            let prefix = "/" + parts[0..<existing].joined(separator: "/")
            if let r = realPath(prefix) { real = r; break }
            existing -= 1
        }
        guard let real else { throw Failure.notInFamfs(path) }
        var tail: [String] = []
        for p in parts[existing...] where p != "." {
            if p == ".." { throw Failure.escapes(path) }
            tail.append(p)
        }
        let mounts = famfsMounts()
        guard let m = mounts.filter({ real == $0.mountPoint || real.hasPrefix($0.mountPoint == "/" ? "/" : $0.mountPoint + "/") })
            .max(by: { $0.mountPoint.count < $1.mountPoint.count }) else {
            throw Failure.notInFamfs(path)
        }
        var rel = real == m.mountPoint ? "" : String(real.dropFirst(m.mountPoint == "/" ? 1 : m.mountPoint.count + 1))
        if !tail.isEmpty { rel = rel.isEmpty ? tail.joined(separator: "/") : rel + "/" + tail.joined(separator: "/") }
        return FamfsPath(argument: path, device: m.source, mountPoint: m.mountPoint, relative: rel)
    }

    static func famfsMounts() -> [(mountPoint: String, source: String)] {
        MountTable.mounts().filter { $0.type == "fuse.famfs" }.map { (mountPoint: $0.mountPoint, source: $0.source) }
    }

    /// Opens the file system this path is in. Commands that change it need `writable` and the host
    /// identity (only the master may append to the log).
    func openVolume(writable: Bool) throws -> FamfsVolume {
        let identity: HostIdentity? = writable ? try HostIdentity.load() : (try? HostIdentity.load())
        return try FamfsVolume(path: device, writable: writable, identity: identity)
    }
}

/// Sessions opened by one command, one per device.
final class SessionCache {
    private var sessions: [String: FamfsWriter] = [:]
    let bulk: Bool
    init(bulk: Bool = false) { self.bulk = bulk }
    func session(for p: FamfsPath) throws -> FamfsWriter {
        if let s = sessions[p.device] { return s }
        let s = try FamfsSession.open(p, bulk: bulk)
        sessions[p.device] = s
        return s
    }
}

/// `-m/--mode`, `-u/--uid`, `-g/--gid` as the reference parses them (`strtol(…, 8)` / `strtol(…, 0)`).
func parseOctal(_ s: String, option: String) throws -> UInt32 {
    guard let v = UInt32(s, radix: 8), v <= 0o7777 else {
        throw ValidationError("\(option): '\(s)' is not an octal mode")
    }
    return v
}

func parseID(_ s: String, option: String) throws -> UInt32 {
    guard let v = MiniYAML.parseNumber(s), v <= UInt64(UInt32.max) else {
        throw ValidationError("\(option): '\(s)' is not a number")
    }
    return UInt32(v)
}

func parseSizeArgument(_ s: String, option: String) throws -> UInt64 {
    guard let v = parseSize(s) else { throw ValidationError("\(option): '\(s)' is not a size (number with optional k/m/g)") }
    return v
}

func currentUmask() -> UInt32 {
    let m = umask(0o022)
    umask(m)
    return UInt32(m)
}

/// `-N/--nstrips`, `-B/--nbuckets`, `-C/--chunksize` (creat and cp). Any of them → interleaved,
/// with the 2 MiB chunk default. With none, the host's default policy applies: the reference's
/// `.alloc.cfg` keys in `$FAMFS_ALLOC_CFG`, else `/etc/famfs/alloc.cfg`, else contiguous.
struct InterleaveOptions {
    static let defaultConfigPath = "/etc/famfs/alloc.cfg"

    static let nstripsOption = OptionSpec.value("N", "nstrips", "n", help: "Strips per interleaved file.")
    static let nbucketsOption = OptionSpec.value("B", "nbuckets", "n", help: "Buckets the device is divided into.")
    static let chunksizeOption = OptionSpec.value("C", "chunksize", "size", help: "Interleave chunk size (k/m/g; default 2m).")
    static let options = [nstripsOption, nbucketsOption, chunksizeOption]

    var nstrips: String?
    var nbuckets: String?
    var chunksize: String?

    init(_ a: ParsedArguments) {
        nstrips = a.value(Self.nstripsOption)
        nbuckets = a.value(Self.nbucketsOption)
        chunksize = a.value(Self.chunksizeOption)
    }

    func parameters(command: String) throws -> InterleaveParameters {
        guard nstrips != nil || nbuckets != nil || chunksize != nil else { return try Self.configuredDefault(command: command) }
        var p = InterleaveParameters(nbuckets: 0, nstrips: 0, chunkSize: InterleaveParameters.defaultChunkSize)
        if let nstrips { p.nstrips = try parseSizeArgument(nstrips, option: "-N") }
        if let nbuckets { p.nbuckets = try parseSizeArgument(nbuckets, option: "-B") }
        if let chunksize { p.chunkSize = try parseSizeArgument(chunksize, option: "-C") }
        if p.nstrips > UInt64(Media.maxStrips) {
            Output.err("famfs \(command) error: nstrips(\(p.nstrips)) > \(Media.maxStrips) ")
            throw ExitCode(1)
        }
        return p
    }

    /// The host's default policy. A config file that exists but is not valid is an error:
    /// silently allocating otherwise than the administrator asked would be worse.
    static func configuredDefault(command: String) throws -> InterleaveParameters {
        let path = environmentValue("FAMFS_ALLOC_CFG") ?? defaultConfigPath
        guard let text = Files.text(path) else { return .contiguous }
        do {
            return try InterleaveParameters.parseConfig(text)
        } catch {
            Output.err("famfs \(command): \(path): \(error)")
            throw ExitCode(1)
        }
    }
}

/// Thread counts (`-t`): the reference takes 0…256 (0 = in the calling thread).
func parseThreadCount(_ s: String?, command: String, function: String) throws -> Int {
    guard let s else { return max(onlineProcessors(), 4) }
    guard let v = Int(s), (0...256).contains(v) else {
        Output.err("\(function): bad threadct: \(s)")
        throw ExitCode(1)
    }
    return v
}

/// One-line error for a failed command: `famfs <cmd>: <message>`.
func fail(_ command: String, _ error: Error, code: Int32 = 1) -> ExitCode {
    if let e = error as? ExitCode { return e }
    return Output.fail("famfs \(command)", error, code: code)
}
