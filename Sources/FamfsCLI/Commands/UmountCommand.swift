#if canImport(Glibc)
import Glibc
#endif
import CFamfsShims
import FamfsCommandLine
import FamfsControl
import FamfsCore

struct UmountCommand: Command {
    static let spec = CommandSpec(
        name: "umount",
        abstract: "Unmount a famfs mount and wait for its daemon to exit.",
        positionals: [PositionalSpec("mount-point", help: "The mount point.", arity: .optional)])

    var mountPoint: String

    init(_ a: ParsedArguments) throws {
        guard let mountPoint = a.positional(0) else {
            Output.err("famfs umount: must specify the mount point")
            throw ExitCode(1)
        }
        self.mountPoint = mountPoint
    }

    func run() throws {
        let mpt = realPath(mountPoint) ?? mountPoint
        guard MountTable.mounts().contains(where: { $0.mountPoint == mpt && $0.type == "fuse.famfs" }) else {
            Output.err("famfs umount: \(mountPoint) is not a famfs mount point"); throw ExitCode(1)
        }
        // Ask the daemon for its pid first; a dead daemon (kill -9) simply has none to wait for.
        let pid = xattrString(mpt, ControlProtocol.Xattr.daemonPID).flatMap { Int32($0) }
        if umount2(mpt, 0) != 0 {
            let e = errno
            // Busy or a dead daemon: detach it; the kernel tears down when the last user lets go.
            guard umount2(mpt, Int32(MNT_DETACH)) == 0 else {
                Output.err("famfs umount: \(mpt): \(String(cString: strerror(e)))"); throw ExitCode(1)
            }
        }
        if let pid {
            for _ in 0..<500 where kill(pid, 0) == 0 { usleep(10_000) }
            if kill(pid, 0) == 0 { Output.err("famfs umount: daemon \(pid) still running after 5 s") }
        }
        // A daemon that died left its socket and record behind; one that exited removed its own.
        if pid.map({ kill($0, 0) != 0 }) ?? true { MountLiveness.removeRuntimeFiles(of: mpt) }
    }
}
