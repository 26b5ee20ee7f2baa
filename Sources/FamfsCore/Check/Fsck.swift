import FamfsFormat
import FamfsMemory

/// fsck: replays the whole log from scratch into a fresh bitmap and namespace, counting collisions,
/// bad entries and capacity, without trusting any cached state.
public enum Fsck {
    /// `namespace`: also replay into a namespace tree, reporting duplicate paths and file/directory
    /// conflicts (the reference's fsck does not look at names; `famfs fsck -v` does).
    public static func scan(_ volume: FamfsVolume, buckets: Int = 0, namespace: Bool = false) throws(CoreError) -> FsckReport {
        let header = try volume.readHeader()
        let sb = volume.superblock
        CacheControl.invalidate(volume.logBase, Int(sb.logLength))
        var replay = LogReplayer(superblock: sb, buildsNamespace: namespace)
        replay.catchUp(log: volume.logBytes, committed: header.nextIndex)
        let tail = replay.invalidTail(log: volume.logBytes, committed: header.nextIndex)
        let alloc = replay.allocator
        var report = FsckReport(
            devicePath: volume.device.path, superblock: sb, role: volume.role,
            logEntriesUsed: header.nextIndex, logSlots: header.slots, logLength: sb.logLength,
            collisions: alloc.collisions, badEntries: replay.report.badEntries + UInt64(tail.count),
            files: replay.loggedFiles, directories: replay.loggedDirectories,
            sumOfFileSizes: replay.loggedFileBytes, allocatedBytes: alloc.usedBytes,
            bitmapCapacity: UInt64(alloc.unitCount) * sb.allocationUnit, deviceCapacity: sb.deviceSize,
            problems: replay.report.problems + tail.map { "log entry \($0.0): \($0.1) (at the tail: not visible yet)" })
        if buckets > 0 { report.buckets = bucketStats(alloc, count: buckets) }
        return report
    }

    static func bucketStats(_ alloc: Allocator, count: Int) -> [BucketStats] {
        let au = alloc.allocationUnit
        let unitsPerBucket = alloc.unitCount / count
        return (0..<count).map { k in
            let start = k * unitsPerBucket
            let end = start + unitsPerBucket
            let runs = alloc.bitmap.clearRuns(start, end)
            let free = runs.reduce(0) { $0 + $1.1 }
            return BucketStats(index: k, offset: UInt64(start) * au, size: UInt64(unitsPerBucket) * au,
                               inUse: UInt64(unitsPerBucket - free) * au, free: UInt64(free) * au,
                               freeFragments: runs.count,
                               largestFragment: UInt64(runs.map(\.1).max() ?? 0) * au,
                               smallestFragment: UInt64(runs.map(\.1).min() ?? 0) * au)
        }
    }
}
