#if canImport(Glibc)
import Glibc
#endif
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
