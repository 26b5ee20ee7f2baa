import Foundation
import FamfsTestSupport
import Testing
import FamfsCore
import FamfsFormat
@testable import FamfsMap

/// The `famfs` program built next to this test bundle, if any.
private let famfsProgram: String? = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
        let p = dir.appendingPathComponent("famfs").path
        if FileManager.default.isExecutableFile(atPath: p) { return p }
        dir = dir.deletingLastPathComponent()
    }
    return nil
}()

private func run(_ program: String, _ args: [String], env: [String: String]) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = args
    p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
}

/// `FamfsFileMapping(path:)` on a real famfs mount (the daemon's `user.famfs.fmap` and
/// `user.famfs.device` xattrs). Runs when the `famfs` program was built and we are root.
@Suite("FamfsFileMapping through a famfs mount", .enabled(if: famfsProgram != nil && geteuid() == 0))
struct MountedMappingTests {
    @Test("map by path: bytes equal the device bytes; meta files map; errors for non-files")
    func mapByPath() throws {
        let famfs = try #require(famfsProgram)
        let dev = try TestDevice()
        let mpt = "/tmp/famfs-maptest-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: mpt, withIntermediateDirectories: true)
        defer {
            _ = try? run(famfs, ["umount", mpt], env: [:])
            _ = umount2(mpt, Int32(MNT_DETACH))
            rmdir(mpt)
        }
        let env = ["FAMFS_SYSTEM_UUID_FILE": dev.identityPath]
        try #require(try run(famfs, ["mount", dev.path, mpt], env: env) == 0)

        let v = try dev.open()
        let name = "mapped-\(UUID().uuidString.prefix(6))"
        let meta = try #require(try v.createFile(name, size: 6 * (1 << 20) + 7, mode: 0o644, uid: 0, gid: 0,
                                                 interleave: InterleaveParameters(nbuckets: 4, nstrips: 2, chunkSize: 2 << 20)).file)
        let expected = fillFile(meta, on: v.device, seed: 11)

        var st = stat()
        for _ in 0..<50 where stat("\(mpt)/\(name)", &st) != 0 { usleep(100_000) }  // daemon follows the log
        let m = try FamfsFileMapping(path: "\(mpt)/\(name)", writable: false)
        #expect(m.devicePath == dev.path || realpath(m.devicePath, nil).map { String(cString: $0) } == dev.path)
        #expect(m.meta == meta)
        #expect(firstDifference(m.bytes, expected) == nil)

        let w = try FamfsFileMapping(path: "\(mpt)/\(name)", writable: true)
        w.base.storeBytes(of: 0xfeed_f00d as UInt32, toByteOffset: (2 << 20) - 2, as: UInt32.self)
        w.flush(offset: (2 << 20) - 2, length: 4)
        m.invalidate(offset: (2 << 20) - 2, length: 4)
        #expect(m.base.loadUnaligned(fromByteOffset: (2 << 20) - 2, as: UInt32.self) == 0xfeed_f00d)

        let sb = try FamfsFileMapping(path: "\(mpt)/.meta/.superblock", writable: false)
        #expect(sb.size == 2 << 20)
        #expect(memcmp(sb.base, v.device.base, 200) == 0)

        #expect(throws: FamfsMapError.notFamfs(path: mpt, reason: "not a regular file")) {
            _ = try FamfsFileMapping(path: mpt, writable: false)
        }
    }
}
