import FamfsFormat

/// What `famfs fsck` finds on a device: the numbers of the reference's report, computed correctly.
public struct FsckReport: Sendable {
    public var devicePath: String
    public var superblock: Superblock
    public var role: Role
    public var logEntriesUsed: UInt64
    public var logSlots: UInt64
    public var logLength: UInt64
    /// Allocation units claimed by more than one extent (each extra claim counts once).
    public var collisions: Int
    public var badEntries: UInt64
    public var files: UInt64
    public var directories: UInt64
    public var sumOfFileSizes: UInt64
    /// Allocated bytes including the superblock region and log.
    public var allocatedBytes: UInt64
    public var bitmapCapacity: UInt64
    public var deviceCapacity: UInt64
    public var problems: [String]
    public var buckets: [BucketStats] = []

    public var freeBytes: UInt64 { bitmapCapacity - min(allocatedBytes, bitmapCapacity) }
    public var logBytesInUse: UInt64 { UInt64(Media.logHeaderSize) + logEntriesUsed * UInt64(Media.logEntrySize) }
    public var spaceAmplification: Double { Double(allocatedBytes) / Double(sumOfFileSizes) }
    public var percentUsed: Double { bitmapCapacity == 0 ? 0 : 100 * Double(allocatedBytes) / Double(bitmapCapacity) }
    /// The process exit status: the number of collisions, capped at 127 (reference `exit_val`).
    public var exitStatus: Int32 { Int32(min(collisions, 127)) }
}

/// Free-space statistics of one interleave bucket (`fsck -B n`).
public struct BucketStats: Sendable, Equatable {
    public var index: Int
    public var offset: UInt64
    public var size: UInt64
    public var inUse: UInt64
    public var free: UInt64
    public var freeFragments: Int
    public var largestFragment: UInt64
    public var smallestFragment: UInt64
}
