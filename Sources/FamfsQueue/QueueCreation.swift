#if canImport(Glibc)
import Glibc
#endif
import FamfsCore
import FamfsFormat
import FamfsMap

/// Making a queue's two files in a mounted famfs: famfs files allocated through the log (so every
/// host sees them), then their headers written through zero-copy mappings and flushed.
extension FamfsQueue {
    /// Creates `<path>.consumer` (2 MiB) and `<path>` (2 MiB + nbuckets × bucketSize), mode 0644
    /// and owned by `uid`:`gid`, on the master of the famfs that holds `path`. Fails if either
    /// name exists. The reference creates the producer file owned by 0:0 whatever `-u/-g` say;
    /// here both files get the owner asked for. `identity` is this host's (default: the
    /// configured system UUID file).
    public static func create(path: String, nbuckets: UInt64, bucketSize: UInt64,
                              uid: UInt32 = geteuid(), gid: UInt32 = getegid(), mode: UInt32 = 0o644,
                              identity: HostIdentity? = nil) throws(QueueError) {
        guard bucketSize & (bucketSize &- 1) == 0, bucketSize >= QueueLayout.minimumBucketSize else {
            throw .badArgument(queue: path, reason: "bucket_size \(bucketSize) must be a power of 2 (at least \(QueueLayout.minimumBucketSize))")
        }
        guard nbuckets >= 2 else { throw .badArgument(queue: path, reason: "nbuckets \(nbuckets): a queue needs at least 2 buckets") }
        guard let size = QueueLayout.producerFileSize(nbuckets: nbuckets, bucketSize: bucketSize) else {
            throw .badArgument(queue: path, reason: "\(nbuckets) buckets of \(bucketSize) bytes overflow a file size")
        }
        let consumerPath = path + QueueLayout.consumerSuffix
        for p in [consumerPath, path] {
            var st = stat()
            if lstat(p, &st) == 0 { throw .exists(queue: path, path: p) }
        }
        let place = try FamfsPlace.resolve(path)
        let volume: FamfsVolume
        do {
            let me: HostIdentity
            if let identity { me = identity } else { me = try HostIdentity.load() }
            volume = try FamfsVolume(path: place.device, writable: true, identity: me)
        } catch { throw .famfs(queue: path, error) }
        guard volume.role == .master else {
            throw .notCreatable(queue: path, reason: "this host is not the master of \(place.mountPoint) (only the master creates famfs files)")
        }
        do {
            _ = try volume.createFile(place.relative + QueueLayout.consumerSuffix, size: QueueLayout.consumerFileSize,
                                      mode: mode, uid: uid, gid: gid)
            _ = try volume.createFile(place.relative, size: size, mode: mode, uid: uid, gid: gid)
        } catch { throw .famfs(queue: path, error) }

        // The files are new to the mount's daemon too: its lookup of a name it does not know
        // replays the log first.
        let consumer = try map(consumerPath, writable: true)
        ConsumerHeader(mappedSize: UInt64(consumer.size)).encode(into: UnsafeMutableRawBufferPointer(start: consumer.base, count: consumer.size))
        consumer.flush(offset: 0, length: QueueLayout.consumerHeaderSize)
        consumer.unmap()

        let producer = try map(path, writable: true)
        ProducerHeader(nbuckets: nbuckets, bucketSize: bucketSize, mappedSize: UInt64(producer.size))
            .encode(into: UnsafeMutableRawBufferPointer(start: producer.base, count: producer.size))
        producer.flush(offset: 0, length: QueueLayout.producerHeaderSize)
        producer.unmap()
    }

    static func map(_ path: String, writable: Bool) throws(QueueError) -> FamfsFileMapping {
        do { return try FamfsFileMapping(path: path, writable: writable) } catch { throw .mapping(error) }
    }
}

/// Where a path that may not exist yet lies in a mounted famfs: its mount, device and path
/// relative to the mount (the parent directory must exist).
struct FamfsPlace {
    var device: String
    var mountPoint: String
    var relative: String

    static func resolve(_ path: String) throws(QueueError) -> FamfsPlace {
        let slash = path.lastIndex(of: "/")
        let parent = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty, name != ".", name != ".." else {
            throw .badArgument(queue: path, reason: "not a file name")
        }
        guard let dir = realPath(parent) else {
            throw .notCreatable(queue: path, reason: "directory \(parent) does not exist")
        }
        let mounts = MountTable.mounts().filter { $0.type == "fuse.famfs" }
        guard let m = mounts.filter({ dir == $0.mountPoint || dir.hasPrefix($0.mountPoint == "/" ? "/" : $0.mountPoint + "/") })
            .max(by: { $0.mountPoint.count < $1.mountPoint.count }) else {
            throw .notCreatable(queue: path, reason: "\(dir) is not in a famfs file system")
        }
        let inside = dir == m.mountPoint ? "" : String(dir.dropFirst(m.mountPoint == "/" ? 1 : m.mountPoint.count + 1))
        return FamfsPlace(device: m.source, mountPoint: m.mountPoint, relative: inside.isEmpty ? name : inside + "/" + name)
    }
}
