import Foundation
import FamfsCore
import FamfsFormat

/// A sparse 4 GiB device file in /dev/shm, formatted by this test with its own master identity
/// (the pattern of Tests/FamfsCoreTests/TestDevice.swift). Deleted, with its identity file, when
/// the object goes away.
final class MapTestDevice {
    let path: String
    let identityPath: String
    let identity: HostIdentity

    init(size: UInt64 = 4 << 30) throws {
        let tag = UUID().uuidString.prefix(8)
        path = "/dev/shm/famfs-maptest-\(tag).img"
        identityPath = "/dev/shm/famfs-maptest-\(tag).uuid"
        identity = try HostIdentity.load(path: identityPath)
        FileManager.default.createFile(atPath: path, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.truncate(atOffset: size)
        try h.close()
        _ = try Mkfs.run(device: path, identity: identity, options: Mkfs.Options())
    }

    func open() throws -> FamfsVolume {
        try FamfsVolume(path: path, writable: true, identity: identity)
    }

    deinit {
        unlink(path)
        unlink(identityPath)
    }
}

/// Writes the reference random stream of `seed` as the bytes of `meta`'s file, through the
/// device mapping and the map's own offset translation; returns the bytes written.
@discardableResult
func fillFile(_ meta: FileMeta, on device: Device, seed: UInt64) -> [UInt8] {
    let expected = RandomFill.bytes(seed: seed, count: Int(meta.size))
    var fileOff = 0
    for r in meta.fmap.deviceRanges(offset: 0, length: meta.size) {
        expected.withUnsafeBytes { src in
            (device.base + Int(r.offset)).copyMemory(from: src.baseAddress! + fileOff, byteCount: Int(r.length))
        }
        fileOff += Int(r.length)
    }
    precondition(fileOff == Int(meta.size), "map does not cover the file")
    return expected
}

/// Index of the first differing byte, or nil.
func firstDifference(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int? {
    guard a.count == b.count else { return min(a.count, b.count) }
    if b.withUnsafeBytes({ memcmp(a.baseAddress!, $0.baseAddress!, a.count) }) == 0 { return nil }
    return zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset
}
