import CFuseShims
import Glibc

/// The unprivileged path: `fusermount3` mounts and passes the /dev/fuse descriptor back over
/// a unix socket named by `_FUSE_COMMFD` (SCM_RIGHTS).
enum Fusermount {
    static let program = "fusermount3"

    static func mount(at target: String, options: MountOptions) throws(MountError) -> Int32 {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else {
            throw .fusermount(target: target, reason: "socketpair: errno \(errno)")
        }
        let (ours, theirs) = (pair[0], pair[1])
        defer { Sys.close(ours) }
        _ = fcntl(ours, F_SETFD, FD_CLOEXEC)
        let status = run(["-o", options.fusermountOptions, "--", target], commFD: theirs)
        Sys.close(theirs)
        let fd = fuse_shim_receive_fd(ours)
        guard fd >= 0 else {
            throw .fusermount(target: target, reason: "no descriptor received (exit status \(status))")
        }
        return fd
    }

    static func unmount(_ target: String) throws(MountError) {
        let status = run(["-u", "-z", "--", target], commFD: nil)
        guard status == 0 else {
            throw .fusermount(target: target, reason: "fusermount3 -u exited with \(status)")
        }
    }

    /// Runs fusermount3 from PATH and waits; returns its wait status (-1 if it could not start).
    private static func run(_ arguments: [String], commFD: Int32?) -> Int32 {
        var env = ProcessEnvironment.current()
        if let commFD { env.append("_FUSE_COMMFD=\(commFD)") }
        let argv = [program] + arguments
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, program, nil, nil, &cArgs, &cEnv)
        guard rc == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}

/// The current environment as "NAME=value" strings.
enum ProcessEnvironment {
    static func current() -> [String] {
        var result: [String] = []
        var p = environ
        while let entry = p.pointee {
            result.append(String(cString: entry))
            p += 1
        }
        return result
    }
}
