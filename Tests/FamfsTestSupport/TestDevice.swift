import Foundation
import FamfsCore
import FamfsFormat

/// A sparse device file in /dev/shm with a unique name, formatted by this test with its own
/// master identity; deleted, with its identity file, when the object goes away.
public final class TestDevice {
    public let path: String
    public let identityPath: String
    public let identity: HostIdentity

    public init(size: UInt64 = 4 << 30, logLength: UInt64 = Media.defaultLogLength, format: Bool = true) throws {
        let tag = UUID().uuidString.prefix(8)
        path = "/dev/shm/famfs-test-\(tag).img"
        identityPath = "/dev/shm/famfs-test-\(tag).uuid"
        identity = try HostIdentity.load(path: identityPath)
        FileManager.default.createFile(atPath: path, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.truncate(atOffset: size)
        try h.close()
        if format {
            var o = Mkfs.Options()
            o.logLength = logLength
            if size >= Media.minimumDeviceSize {
                _ = try Mkfs.run(device: path, identity: identity, options: o)
            } else {
                // Smaller than mkfs allows: write the structures directly (allocator tests only).
                let d = try Device(path: path, writable: true)
                Mkfs.write(Superblock(fsUUID: .random(), deviceUUID: .random(), systemUUID: identity.uuid,
                                      deviceSize: size, daxdevName: path, logLength: logLength), to: d)
            }
        }
    }

    public func open(writable: Bool = true, asClient: Bool = false) throws -> FamfsVolume {
        try FamfsVolume(path: path, writable: writable, identity: asClient ? nil : identity)
    }

    /// Writes raw bytes at a device offset (to corrupt or craft entries).
    public func poke(_ offset: UInt64, _ bytes: [UInt8]) throws {
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try h.seek(toOffset: offset)
        h.write(Data(bytes))
        try h.close()
    }

    deinit {
        unlink(path)
        unlink(identityPath)
    }
}
