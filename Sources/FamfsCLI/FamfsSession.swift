import FamfsControl
import FamfsCore
import FamfsFormat

/// What a file or directory is, as a command needs to know it.
struct FamfsEntry {
    var isDirectory: Bool
    var file: FileMeta?
    var size: UInt64 { file?.size ?? 0 }
}

/// A command's handle on a mounted famfs for creating files and directories; `device` is mapped
/// read-write for the data. The rules (exists with another size, master only) are checked where
/// the log is appended — `FamfsVolume` — whichever writer is used; a command only presents them.
protocol FamfsWriter: AnyObject {
    var device: Device { get }
    func lookup(_ rel: String) throws -> FamfsEntry?
    /// Creates `rel`, or returns the file already there (`size` 0: of any size, else only of that
    /// size). `created` tells which.
    func createFile(_ rel: String, size: UInt64, mode: UInt32, uid: UInt32, gid: UInt32,
                    interleave: InterleaveParameters) throws -> (file: FileMeta, created: Bool)
    /// Returns the paths created (relative to the mount), outermost first.
    func mkdir(_ rel: String, mode: UInt32, uid: UInt32, gid: UInt32, parents: Bool) throws -> [String]
}

/// Choosing the writer for a command.
///
/// On a master mount the daemon already holds the replayed log, so a command that creates one
/// or a few things asks it through its control channel (`DaemonClient`) and costs the same at
/// any log size. A command that creates many (`cp -r`, `creat --multi`) replays the log once
/// itself and then works in memory (`InProcessWriter`), which beats a round trip per file; so
/// does everything without a control channel (a client mount, or a user other than root).
enum FamfsSession {
    static func open(_ p: FamfsPath, bulk: Bool = false) throws -> FamfsWriter {
        if !bulk, let name = xattrString(p.mountPoint, ControlProtocol.Xattr.control) {
            return try DaemonClient(socketName: name, device: p.device)
        }
        return InProcessWriter(try p.openVolume(writable: true))
    }
}

/// Appends to the log from this process, after replaying it once.
final class InProcessWriter: FamfsWriter {
    let volume: FamfsVolume
    var device: Device { volume.device }
    init(_ volume: FamfsVolume) { self.volume = volume }

    func lookup(_ rel: String) throws -> FamfsEntry? {
        volume.refresh()
        return volume.lookup(rel).map { FamfsEntry(isDirectory: $0.isDirectory, file: $0.file) }
    }

    func createFile(_ rel: String, size: UInt64, mode: UInt32, uid: UInt32, gid: UInt32,
                    interleave: InterleaveParameters) throws -> (file: FileMeta, created: Bool) {
        let (node, created) = try volume.createOrReuseFile(rel, size: size, mode: mode, uid: uid, gid: gid, interleave: interleave)
        guard let f = node.file else { throw CoreError.isDirectory(path: rel) }
        return (f, created)
    }

    func mkdir(_ rel: String, mode: UInt32, uid: UInt32, gid: UInt32, parents: Bool) throws -> [String] {
        try volume.mkdir(rel, mode: mode, uid: uid, gid: gid, parents: parents).map(\.path)
    }
}
