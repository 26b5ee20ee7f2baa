import Glibc

/// Runs a program with `input` on stdin; returns its stdout (stderr passes through).
func run(_ path: String, _ args: [String], input: String = "") throws -> String {
    var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
    guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { throw ShellError.failed("pipe") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
    posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
    posix_spawn_file_actions_addclose(&actions, toChild[1])
    posix_spawn_file_actions_addclose(&actions, fromChild[0])
    let argv = ([path] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { throw ShellError.failed("spawn \(path)") }
    close(toChild[0])
    close(fromChild[1])
    _ = input.withCString { write(toChild[1], $0, strlen($0)) }
    close(toChild[1])
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(fromChild[0], &buf, buf.count)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    close(fromChild[0])
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    lastStatus = (status >> 8) & 0xff
    return String(decoding: out, as: UTF8.self)
}

nonisolated(unsafe) var lastStatus: Int32 = 0

/// Whether `shell <flags>` accepts `script` on stdin (e.g. `bash -n`: syntax only).
func shellAccepts(_ shell: String, _ flags: [String], _ script: String) throws -> Bool {
    _ = try run(shell, flags, input: script)
    return lastStatus == 0
}

enum ShellError: Error { case failed(String) }
