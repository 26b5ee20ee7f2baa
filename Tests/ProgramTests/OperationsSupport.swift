import Foundation
import Testing
import FamfsCore

/// Helpers for the operations tests: the status socket, JSON checked by python3, mount table.
enum Ops {
    static let python = "/usr/bin/python3"
    static let curl = "/usr/bin/curl"

    /// The per-mount runtime directory and socket of `mountPoint` (default runtime root).
    static func socket(_ mountPoint: String, root: String = RuntimeDirectory.defaultPath) -> String {
        root + "/" + RuntimeDirectory.escape(mountPoint) + "/sock"
    }

    /// `curl --unix-socket` as the scripts of the original do.
    static func curl(_ socket: String, _ path: String, method: String = "GET", body: String? = nil, asNobody: Bool = false) throws -> RunResult {
        try requireTool(curl)
        var args = ["-s", "-S", "-w", "\n%{http_code}", "--unix-socket", socket, "-X", method]
        if let body { args += ["--data-binary", body] }
        args.append("http://localhost" + path)
        if asNobody { return try Host().run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", curl] + args) }
        return try Host().run(curl, args)
    }

    /// Fails the test (not skips it) when a tool it needs is missing.
    static func requireTool(_ path: String) throws {
        guard access(path, X_OK) == 0 else { throw CoreError.invalidArgument("\(path) is missing (.ci/run installs it)") }
    }

    /// `python3 -m json.tool` accepts `text`; returns the parsed object for reading fields.
    static func validJSON(_ text: String) throws -> Any {
        try requireTool(python)
        let file = "/dev/shm/famfs-pt-json-\(UUID().uuidString.prefix(8)).json"
        defer { unlink(file) }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try Host().run(python, ["-m", "json.tool", file])
        #expect(r.status == 0, "python3 -m json.tool refused:\n\(text)\n\(r)")
        return try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// The famfs entries of /proc/mounts at `mountPoint`.
    static func mountCount(_ mountPoint: String) -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.split(separator: " ").count > 2 && $0.split(separator: " ")[1] == mountPoint }.count
    }

    static func daemonPID(_ mountPoint: String) throws -> Int32 {
        let r = try curl(socket(mountPoint), "/pid")
        guard let line = r.stdout.split(separator: "\n").first, line.hasPrefix("pid: "), let pid = Int32(line.dropFirst(5)) else {
            throw CoreError.invalidArgument("no pid from the status socket of \(mountPoint): \(r)")
        }
        return pid
    }

    /// Body and HTTP status of a curl -w "\n%{http_code}" run.
    static func split(_ r: RunResult) -> (body: String, code: Int) {
        var lines = r.stdout.components(separatedBy: "\n")
        let code = Int(lines.popLast() ?? "") ?? 0
        return (lines.joined(separator: "\n"), code)
    }
}
