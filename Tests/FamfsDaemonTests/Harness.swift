import CFamfsShims
import FamfsCore
import FamfsFormat
import Foundation
import Testing

/// Runs a built program (famfs, mkfs.famfs, …) from the same build directory as the tests.
enum Programs {
    static let directory: String = {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = me.deletingLastPathComponent()
        for _ in 0..<4 {
            if FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("famfs").path) { return dir.path }
            dir = dir.deletingLastPathComponent()
        }
        return me.deletingLastPathComponent().path
    }()

    struct Result { var status: Int32; var out: String; var err: String }

    @discardableResult
    static func run(_ name: String, _ args: [String], env: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: name.hasPrefix("/") ? name : directory + "/" + name)
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    static func shell(_ command: String) throws -> Result { try run("/bin/sh", ["-c", command]) }
}

/// One emulated device with a master identity, and the mounts made on it.
final class Cluster {
    let device: String
    let masterUUIDFile: String
    let clientUUIDFile: String
    var mounts: [String] = []
    let tag = String(UUID().uuidString.prefix(8))

    init(device: String? = nil) throws {
        self.device = device ?? "/dev/shm/famfs-dt-\(tag).img"
        masterUUIDFile = "/dev/shm/famfs-dt-\(tag).master.uuid"
        clientUUIDFile = "/dev/shm/famfs-dt-\(tag).client.uuid"
        let r = try Programs.run("mkfs.famfs", device == nil ? ["--create", "4g", self.device] : ["-f", self.device], env: ["FAMFS_SYSTEM_UUID_FILE": masterUUIDFile])
        guard r.status == 0 else { throw CoreError.invalidArgument("mkfs failed: \(r.err)") }
    }

    var master: HostIdentity { get throws { try HostIdentity.load(path: masterUUIDFile) } }

    /// The engine, as the master would use it (files are created this way until the CLI does it).
    func engine() throws -> FamfsVolume { try FamfsVolume(path: device, writable: true, identity: try master) }

    /// Mounts as the master (or as a client host) and returns the mount point.
    func mount(asClient: Bool = false, extra: [String] = []) throws -> String {
        let mpt = "/tmp/famfs-dt-\(tag)-\(mounts.count)"
        try FileManager.default.createDirectory(atPath: mpt, withIntermediateDirectories: true)
        let r = try Programs.run("famfs", ["mount"] + extra + [device, mpt],
                                 env: ["FAMFS_SYSTEM_UUID_FILE": asClient ? clientUUIDFile : masterUUIDFile])
        guard r.status == 0 else { throw CoreError.invalidArgument("mount failed (\(r.status)): \(r.err)") }
        mounts.append(mpt)
        return mpt
    }

    func umount(_ mpt: String) throws -> Programs.Result { try Programs.run("famfs", ["umount", mpt]) }

    deinit {
        for m in mounts {
            _ = try? Programs.run("famfs", ["umount", m])
            _ = umount2(m, Int32(MNT_DETACH))
            rmdir(m)
        }
        if device.hasPrefix("/dev/shm/") { unlink(device) }
        unlink(masterUUIDFile)
        unlink(clientUUIDFile)
    }
}

/// Fills a file's bytes on the device with the reference random stream for `seed`.
func fill(_ v: FamfsVolume, _ node: Namespace.Node, seed: UInt64) {
    guard let meta = node.file else { return }
    let bytes = RandomFill.bytes(seed: seed, count: Int(meta.size))
    var done = 0
    for r in meta.fmap.deviceRanges(offset: 0, length: meta.size) {
        bytes.withUnsafeBytes { (v.device.base + Int(r.offset)).copyMemory(from: $0.baseAddress! + done, byteCount: Int(r.length)) }
        done += Int(r.length)
    }
}

func errnoOf(_ body: () -> Int32) -> Int32 {
    errno = 0
    return body() < 0 ? errno : 0
}

/// Polls `condition` every 20 ms for up to `seconds`; returns the time it took, or nil.
func waitFor(seconds: Double, _ condition: () -> Bool) -> Double? {
    let start = Date()
    while Date().timeIntervalSince(start) < seconds {
        if condition() { return Date().timeIntervalSince(start) }
        usleep(20_000)
    }
    return nil
}
