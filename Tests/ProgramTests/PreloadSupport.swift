import Foundation
import Testing
import FamfsCore

/// What the preload tests need besides the built programs: the preload library (built by
/// scripts/build-libs.sh next to them), /usr/bin/python3 with numpy and pyarrow, fio, sqlite3.
/// Missing pieces fail the tests with a message saying what to install (.ci/run installs them).
enum PreloadTools {
    static var library: String { Programs.directory + "/libfamfs_preload.so" }
    static var mapLibrary: String { Programs.directory + "/libfamfsmap.so" }
    static let python = "/usr/bin/python3"
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/preload/scenarios.py").path
    static let packageDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("python").path

    /// nil when everything is there, else what is missing.
    static func missing(_ tools: [String] = []) -> String? {
        var out: [String] = []
        if !FileManager.default.fileExists(atPath: library) { out.append("\(library) (run scripts/build-libs.sh)") }
        for t in tools {
            switch t {
            case "numpy", "pyarrow":
                if (try? Host().run(python, ["-c", "import \(t)"]).status) != 0 { out.append("python3 module \(t)") }
            default:
                if (try? Host().run("/bin/sh", ["-c", "command -v \(t)"]).status) != 0 { out.append(t) }
            }
        }
        return out.isEmpty ? nil : "missing: " + out.joined(separator: ", ") + " (see .ci/run)"
    }
}

/// One device mounted twice: as the master (`m`) and as a client host (`c`), plus the
/// environment that runs a program under the preload.
final class PreloadRig: @unchecked Sendable {
    let master: MountedFamfs
    let client = Host()
    let cmpt = ScratchDir(tag: "client")
    let scratch = ScratchDir(tag: "preload")

    init(clientWritable: Bool = false) throws {
        master = try MountedFamfs(real: true)
        let r = try client.famfs(args: ["mount"] + (clientWritable ? ["-w"] : []) + [master.dev.path, cmpt.path])
        guard r.status == 0 else { throw CoreError.invalidArgument("client mount failed: \(r)") }
    }
    deinit { _ = try? client.famfs("umount", cmpt.path) }

    var device: String { master.dev.path }
    func m(_ rel: String) -> String { master.path(rel) }
    func c(_ rel: String) -> String { cmpt.path + "/" + rel }

    static var preload: [String: String] {
        ["LD_PRELOAD": PreloadTools.library, "FAMFS_PRELOAD_DEBUG": "1", "PYTHONPATH": PreloadTools.packageDir]
    }
    static var plain: [String: String] { ["PYTHONPATH": PreloadTools.packageDir, "FAMFS_MAP_LIBRARY": PreloadTools.mapLibrary] }

    /// `sh -c script` as `host`, under the preload or not.
    func sh(_ script: String, on host: Host? = nil, preload: Bool) throws -> RunResult {
        try (host ?? client).run("/bin/sh", ["-c", script], extraEnv: preload ? Self.preload : Self.plain)
    }

    /// A scenario of Tests/Fixtures/preload/scenarios.py.
    func scenario(_ args: [String], on host: Host? = nil, preload: Bool = true, asNobody: Bool = false) throws -> RunResult {
        let argv = [PreloadTools.python, PreloadTools.scenarios] + args
        if asNobody {
            return try (host ?? client).run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups"] + argv,
                                            extraEnv: preload ? Self.preload : Self.plain)
        }
        return try (host ?? client).run(argv[0], Array(argv.dropFirst()), extraEnv: preload ? Self.preload : Self.plain)
    }

    /// Files the preload mapped from the device, from FAMFS_PRELOAD_DEBUG output.
    static func directCount(_ r: RunResult) -> Int { r.stderrLines.filter { $0.contains(": direct from ") }.count }
}
