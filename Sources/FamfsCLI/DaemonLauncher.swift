import CFamfsShims
import FamfsCore
#if canImport(Glibc)
import Glibc
#endif

/// Starting `famfs_fused` in the background and waiting until its mount answers.
enum DaemonLauncher {
    enum Failure: Error, CustomStringConvertible {
        case spawn(String, Int32)
        case daemon(String)
        case timeout(Double)
        var description: String {
            switch self {
            case let .spawn(path, e): return "cannot start \(path): \(String(cString: strerror(e)))"
            case let .daemon(msg): return msg
            case let .timeout(s): return "the daemon did not answer within \(Int(s)) s"
            }
        }
    }

    /// The program beside the running `famfs` binary (installed together), else from PATH.
    static func executable(named name: String) -> String {
        let me = realPath("/proc/self/exe") ?? CommandLine.arguments[0]
        let sibling = deletingLastPathComponent(me) + "/" + name
        return Files.isExecutable(sibling) ? sibling : name
    }

    static func exec(_ path: String, _ args: [String]) throws -> Never {
        let argv = ([path] + args).map { strdup($0) } + [nil]
        execvp(path, argv)
        throw Failure.spawn(path, errno)
    }

    /// Spawns the daemon in its own session with its stdio on /dev/null, and reads its readiness
    /// line ("ok" or the error) from a pipe.
    static func startAndWait(_ path: String, _ args: [String], timeoutSeconds: Double) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Failure.spawn(path, errno) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for target in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, Int32(target), "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0) }
        // Close our read end first: it may be fd 3 itself, where the write end is duplicated.
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 3)
        // Nothing else of ours may live on in the daemon: a caller's pipe held open by it would
        // keep the caller waiting for end-of-file for as long as the mount lives.
        _ = famfs_spawn_closefrom(&actions, 4)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setflags(&attr, famfs_posix_spawn_setsid())
        let argv = ([path] + args + ["--ready-fd", "3"]).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, path, &actions, &attr, argv, environ)
        close(writeEnd)
        guard rc == 0 else { close(readEnd); throw Failure.spawn(path, rc) }
        defer { close(readEnd) }
        var pfd = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeoutSeconds * 1000)) > 0 else { kill(pid, SIGTERM); throw Failure.timeout(timeoutSeconds) }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = read(readEnd, &buf, buf.count)
        let line = n > 0 ? trimmed(String(decoding: buf[0..<n], as: UTF8.self)) : ""
        if line == "ok" { return }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        throw Failure.daemon(line.isEmpty ? "the daemon exited before mounting (status \(status))" : line)
    }
}

/// `s` without leading and trailing spaces, tabs and newlines.
func trimmed(_ s: String) -> String {
    let space: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let first = s.firstIndex(where: { !space($0) }), let last = s.lastIndex(where: { !space($0) }) else { return "" }
    return String(s[first...last])
}
