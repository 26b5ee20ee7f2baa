import Foundation
import Testing
import FamfsCore
import FamfsFormat

/// Runs the built programs (famfs, mkfs.famfs, famfs-bench) as a user would.
enum Programs {
    /// The directory holding the built programs: next to the test bundle (`<scratch>/debug`), found
    /// from the running executable, the main bundle, or `FAMFS_BIN_DIR`.
    static let directory: String = {
        if let d = ProcessInfo.processInfo.environment["FAMFS_BIN_DIR"], isProgramDir(d) { return d }
        var starts: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        starts.append(Bundle.main.bundleURL)
        for start in starts {
            var dir = start
            for _ in 0..<5 {
                if isProgramDir(dir.path) { return dir.path }
                dir.deleteLastPathComponent()
            }
        }
        return "/nonexistent-famfs-programs"
    }()

    static func isProgramDir(_ d: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: d + "/famfs") && FileManager.default.isExecutableFile(atPath: d + "/mkfs.famfs")
    }

    static var available: Bool { isProgramDir(directory) }
}

struct RunResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var crashed: Bool
    var stderrLines: [Substring] { stderr.split(separator: "\n") }
    var description: String { "status \(status)\(crashed ? " (signal)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }

    /// `awk '/label/ {print $n}'` over stdout.
    func field(_ label: String, _ n: Int = 3) -> String? {
        for line in stdout.split(separator: "\n") where line.contains(label) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return words.count >= n ? String(words[n - 1]) : nil
        }
        return nil
    }
    func number(_ label: String, _ n: Int = 3) -> UInt64? { field(label, n).flatMap { UInt64($0) } }
}

/// A scratch host: its own system-uuid file, so tests can be master or client of a device.
final class Host: @unchecked Sendable {
    let identityPath: String
    init() { identityPath = "/dev/shm/famfs-pt-\(UUID().uuidString.prefix(8)).uuid" }
    deinit { unlink(identityPath) }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["FAMFS_SYSTEM_UUID_FILE"] = identityPath
        return env
    }

    func identity() throws -> HostIdentity { try HostIdentity.load(path: identityPath) }

    /// Starts a program without waiting (posix_spawn; Foundation's Process can miss a child's exit
    /// when many run at once); stdout and stderr go to `stdoutPath` and `stdoutPath.err`.
    func start(_ program: String, _ args: [String], extraEnv: [String: String] = [:], stdoutPath: String,
               cwd: String? = nil) throws -> Child {
        var env = environment
        for (k, v) in extraEnv { env[k] = v }
        let path = program.hasPrefix("/") ? program : Programs.directory + "/" + program
        return try Child.spawn(path, args, env: env, stdout: stdoutPath,
                               stderr: stdoutPath + ".err", cwd: cwd)
    }

    @discardableResult
    func run(_ program: String, _ args: [String], extraEnv: [String: String] = [:], cwd: String? = nil) throws -> RunResult {
        let base = "/dev/shm/famfs-pt-out-\(UUID().uuidString.prefix(8))"
        defer { unlink(base); unlink(base + ".err") }
        let child = try start(program, args, extraEnv: extraEnv, stdoutPath: base, cwd: cwd)
        let (status, signaled) = child.wait()
        let out = (try? String(contentsOfFile: base, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        return RunResult(status: status, stdout: out, stderr: err, crashed: signaled)
    }

    func famfs(_ args: String..., extraEnv: [String: String] = [:], cwd: String? = nil) throws -> RunResult {
        try run("famfs", args, extraEnv: extraEnv, cwd: cwd)
    }
    func famfs(args: [String], extraEnv: [String: String] = [:], cwd: String? = nil) throws -> RunResult {
        try run("famfs", args, extraEnv: extraEnv, cwd: cwd)
    }
    func mkfs(_ args: String...) throws -> RunResult { try run("mkfs.famfs", args) }
}

/// A child process started with posix_spawn.
struct Child {
    let pid: pid_t

    static func spawn(_ path: String, _ args: [String], env: [String: String], stdout: String, stderr: String,
                      cwd: String?) throws -> Child {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // No posix_spawn_file_actions_addchdir_np in Glibc's module: `env -C dir` changes directory.
        let exe = cwd == nil ? path : "/usr/bin/env"
        let argv = ((cwd.map { ["/usr/bin/env", "-C", $0, path] } ?? [path]) + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &actions, nil, argv, envp)
        guard rc == 0 else { throw CoreError.invalidArgument("cannot start \(path): errno \(rc)") }
        return Child(pid: pid)
    }

    /// Waits for the exit; returns (exit status or signal number, killed by a signal).
    func wait() -> (Int32, Bool) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if status & 0x7f == 0 { return ((status >> 8) & 0xff, false) }
        return (status & 0x7f, true)
    }

    func kill(_ signal: Int32) { _ = Glibc.kill(pid, signal) }
}

/// A sparse scratch file in /dev/shm (unique name), removed at deinit.
final class ScratchFile: @unchecked Sendable {
    let path: String
    init(size: UInt64? = 4 << 30, tag: String = "dev") {
        path = "/dev/shm/famfs-pt-\(tag)-\(UUID().uuidString.prefix(8)).img"
        if let size {
            FileManager.default.createFile(atPath: path, contents: nil)
            truncate(path, off_t(size))
        }
    }
    deinit { unlink(path) }

    func poke(_ offset: UInt64, _ bytes: [UInt8]) throws {
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try h.seek(toOffset: offset)
        h.write(Data(bytes))
        try h.close()
    }
}

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reference-images").path

    /// Expands `<name>.head.img.gz` into a 4 GiB sparse file.
    static func expand(_ name: String) throws -> ScratchFile {
        let f = ScratchFile(size: nil, tag: "ref-\(name)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -dc '\(directory)/\(name).head.img.gz' > '\(f.path)' && truncate -s 4G '\(f.path)'"]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CoreError.invalidArgument("cannot expand \(name)") }
        return f
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
    }
}

/// A scratch directory in /dev/shm, removed (recursively) at deinit.
final class ScratchDir: @unchecked Sendable {
    let path: String
    init(tag: String = "dir") {
        path = "/dev/shm/famfs-pt-\(tag)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
