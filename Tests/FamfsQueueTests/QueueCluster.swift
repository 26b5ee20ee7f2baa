import FamfsCore
import Foundation
import Testing

/// The built programs (famfs, mkfs.famfs, pcq) next to the test bundle.
enum Built {
    static let directory: String = {
        if let d = ProcessInfo.processInfo.environment["FAMFS_BIN_DIR"] { return d }
        var dir = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        for _ in 0..<6 {
            dir.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: dir.path + "/famfs") { return dir.path }
        }
        return "/nonexistent-famfs-programs"
    }()

    struct Result: CustomStringConvertible {
        var status: Int32
        var out: String
        var err: String
        var signaled: Bool
        var description: String { "status \(status)\(signaled ? " (signal)" : "")\n--- stdout\n\(out)--- stderr\n\(err)" }
        var lines: [Substring] { out.split(separator: "\n") }
    }

    /// Runs `program` (a built one, or an absolute path) with `env` added; a run longer than
    /// `timeout` seconds is killed, so a hang fails the test instead of stalling the suite.
    @discardableResult
    static func run(_ program: String, _ args: [String], env: [String: String] = [:], timeout: Double = 60) throws -> Result {
        try start(program, args, env: env).wait(timeout: timeout)
    }

    static func start(_ program: String, _ args: [String], env: [String: String] = [:]) throws -> Running {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : directory + "/" + program)
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let outPath = "/dev/shm/famfs-qt-\(UUID().uuidString.prefix(8)).out"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: outPath + ".err", contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath + ".err"))
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return Running(process: p, outPath: outPath)
    }

    /// A started program; `wait` collects its output.
    struct Running {
        let process: Process
        let outPath: String

        var pid: Int32 { process.processIdentifier }

        func wait(timeout: Double = 60) -> Result {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            defer { unlink(outPath); unlink(outPath + ".err") }
            return Result(status: process.terminationStatus,
                          out: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                          err: (try? String(contentsOfFile: outPath + ".err", encoding: .utf8)) ?? "",
                          signaled: process.terminationReason == .uncaughtSignal)
        }
    }
}

/// One emulated device with two host identities: a master mount and a (writable) client mount.
final class QueueCluster: @unchecked Sendable {
    let tag = String(UUID().uuidString.prefix(8))
    let device: String
    let masterID: String
    let clientID: String
    private(set) var master = ""
    private(set) var client = ""

    init(client wantClient: Bool = true) throws {
        device = "/dev/shm/famfs-qt-\(tag).img"
        masterID = "/dev/shm/famfs-qt-\(tag).master.uuid"
        clientID = "/dev/shm/famfs-qt-\(tag).client.uuid"
        let r = try Built.run("mkfs.famfs", ["--create", "4g", device], env: ["FAMFS_SYSTEM_UUID_FILE": masterID])
        guard r.status == 0 else { throw CoreError.invalidArgument("mkfs failed: \(r)") }
        master = try mount(as: masterID, "m", [])
        if wantClient { client = try mount(as: clientID, "c", ["--client-writable"]) }
    }

    private func mount(as identity: String, _ suffix: String, _ extra: [String]) throws -> String {
        let mpt = "/tmp/famfs-qt-\(tag)-\(suffix)"
        try FileManager.default.createDirectory(atPath: mpt, withIntermediateDirectories: true)
        let r = try Built.run("famfs", ["mount"] + extra + [device, mpt], env: ["FAMFS_SYSTEM_UUID_FILE": identity])
        guard r.status == 0 else { throw CoreError.invalidArgument("mount failed: \(r)") }
        return mpt
    }

    var masterIdentity: HostIdentity { get throws { try HostIdentity.load(path: masterID) } }
    var masterEnv: [String: String] { ["FAMFS_SYSTEM_UUID_FILE": masterID] }
    var clientEnv: [String: String] { ["FAMFS_SYSTEM_UUID_FILE": clientID] }

    /// The engine as the master's CLI uses it (to create plain famfs files for the tests).
    func engine() throws -> FamfsVolume { try FamfsVolume(path: device, writable: true, identity: try masterIdentity) }

    deinit {
        for m in [client, master] where !m.isEmpty {
            _ = try? Built.run("famfs", ["umount", m], timeout: 20)
            _ = umount2(m, Int32(MNT_DETACH))
            rmdir(m)
        }
        unlink(device)
        unlink(masterID)
        unlink(clientID)
    }
}

/// Python 3 with zlib: the reference layout written and read by code that is not ours.
enum Python {
    static let path = "/usr/bin/python3"
    static func run(_ script: String, _ args: [String]) throws -> Built.Result {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CoreError.invalidArgument("\(path) is missing: install python3 (the pcq layout tests need it)")
        }
        return try Built.run(path, ["-c", script] + args)
    }
}
