/// Every size, offset, magic number and version of the famfs media format, defined once.
///
/// The values are those of the reference famfs (C) at OMF 2.2 (`src/famfs_meta.h`); the layout is
/// host-endian in the reference, which on every platform famfs runs on is little-endian, so this
/// package reads and writes little-endian explicitly.
public enum Media {
    public static let superblockMagic: UInt64 = 0x87b2_82ff
    /// `ts_version` written by mkfs. 47 is also read when the log geometry proves the OMF 2 layout.
    public static let currentVersion: UInt64 = 48
    public static let legacyVersion: UInt64 = 47
    public static let omfMajor: UInt32 = 2
    public static let omfMinor: UInt32 = 2

    public static let logMagic: UInt64 = 0xbad_cafe_f00d
    /// The superblock region is 2 MiB and the log always starts right after it.
    public static let superblockRegionSize: UInt64 = 0x20_0000
    public static let logOffset: UInt64 = 0x20_0000
    public static let defaultLogLength: UInt64 = 0x80_0000
    /// The largest log accepted (mkfs and every reader): 256 MiB is 493,447 entries, 32 times the
    /// reference's default, and keeps what a header can make replay and fsck scan and hold
    /// bounded (the media is shared; another writer may have put any length there).
    public static let maxLogLength: UInt64 = 0x1000_0000
    public static let allocationUnit: UInt64 = 0x20_0000
    /// `famfs_check_super` accepts these two allocation units; mkfs only writes 2 MiB.
    public static let acceptedAllocationUnits: Set<UInt64> = [4096, 0x20_0000]
    public static let minimumDeviceSize: UInt64 = 4 << 30

    public static let superblockSize = 200
    public static let superblockCRCRange = 0..<96
    public static let logHeaderSize = 48
    public static let logHeaderCRCRange = 0..<24
    public static let logEntrySize = 544
    public static let logEntryCRCRange = 0..<536

    public static let daxdevNameLength = 64
    /// `FAMFS_MAX_PATHLEN`: 79 bytes of path and a NUL.
    public static let pathFieldLength = 80
    public static let maxPathLength = 79
    public static let maxSimpleExtents = 16
    public static let maxStrips = 16
    public static let maxBuckets = 64

    /// `fm_flags` of every logged file (`FAMFS_FM_ALL_HOSTS_RW`).
    public static let fileFlagsAllHostsRW: UInt32 = 1 << 1

    /// Number of entry slots in a log of `length` bytes (`last_index + 1`).
    public static func logSlots(forLength length: UInt64) -> UInt64 {
        guard length > UInt64(logHeaderSize) else { return 0 }
        return (length - UInt64(logHeaderSize)) / UInt64(logEntrySize)
    }

    /// Byte offset of entry `index` within the log.
    public static func entryOffset(_ index: UInt64) -> Int {
        logHeaderSize + Int(index) * logEntrySize
    }
}
