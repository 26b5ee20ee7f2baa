/// `struct famfs_superblock` (200 bytes at device offset 0).
///
/// | off | field | off | field |
/// |---|---|---|---|
/// | 0 | ts_magic u64 | 80 | ts_system_uuid |
/// | 8 | ts_version u64 | 96 | ts_crc (crc32 of bytes 0..<96) |
/// | 16 | ts_log_offset u64 | 104 | ts_sb_flags u32 (+4 pad) |
/// | 24 | ts_log_len u64 | 112 | ts_daxdev.dd_size u64 |
/// | 32 | ts_alloc_unit u64 | 120 | ts_daxdev.dd_uuid |
/// | 40 | ts_omf_ver_major/minor u32 | 136 | ts_daxdev.dd_daxdev char[64] |
/// | 48 | ts_uuid | 64 | ts_dev_uuid |
public struct Superblock: Equatable, Sendable {
    public var version: UInt64 = Media.currentVersion
    public var logOffset: UInt64 = Media.logOffset
    public var logLength: UInt64 = Media.defaultLogLength
    public var allocationUnit: UInt64 = Media.allocationUnit
    public var omfMajor: UInt32 = Media.omfMajor
    public var omfMinor: UInt32 = Media.omfMinor
    public var fsUUID: FamfsUUID
    public var deviceUUID: FamfsUUID
    public var systemUUID: FamfsUUID
    public var flags: UInt32 = 0
    public var deviceSize: UInt64
    public var daxdevUUID: FamfsUUID = .zero
    /// The device path given to mkfs, as stored (at most 64 bytes, not necessarily NUL-terminated).
    public var daxdevName: [UInt8]

    enum Offset {
        static let magic = 0, version = 8, logOffset = 16, logLength = 24, allocUnit = 32
        static let omfMajor = 40, omfMinor = 44, fsUUID = 48, devUUID = 64, systemUUID = 80
        static let crc = 96, flags = 104, ddSize = 112, ddUUID = 120, ddName = 136
    }

    public init(fsUUID: FamfsUUID, deviceUUID: FamfsUUID, systemUUID: FamfsUUID,
                deviceSize: UInt64, daxdevName: String, logLength: UInt64 = Media.defaultLogLength) {
        self.fsUUID = fsUUID
        self.deviceUUID = deviceUUID
        self.systemUUID = systemUUID
        self.deviceSize = deviceSize
        self.daxdevName = Array(daxdevName.utf8.prefix(Media.daxdevNameLength))
        self.logLength = logLength
    }

    public var daxdevNameString: String { String(decoding: daxdevName, as: UTF8.self) }

    /// The 200 encoded bytes, CRC included; every byte not defined is zero.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(size: Media.superblockSize)
        w.u64(Offset.magic, Media.superblockMagic)
        w.u64(Offset.version, version)
        w.u64(Offset.logOffset, logOffset)
        w.u64(Offset.logLength, logLength)
        w.u64(Offset.allocUnit, allocationUnit)
        w.u32(Offset.omfMajor, omfMajor)
        w.u32(Offset.omfMinor, omfMinor)
        w.raw(Offset.fsUUID, fsUUID.bytes)
        w.raw(Offset.devUUID, deviceUUID.bytes)
        w.raw(Offset.systemUUID, systemUUID.bytes)
        w.u64(Offset.crc, UInt64(CRC32.checksum(w.bytes[Media.superblockCRCRange])))
        w.u32(Offset.flags, flags)
        w.u64(Offset.ddSize, deviceSize)
        w.raw(Offset.ddUUID, daxdevUUID.bytes)
        w.field(Offset.ddName, Media.daxdevNameLength, daxdevName)
        return w.bytes
    }

    /// Decodes and validates in the reference's order: magic, version, CRC, allocation unit; then
    /// the geometry this implementation relies on (log offset, log length).
    public static func decode<C: Collection>(_ raw: C) throws(FormatError) -> Superblock where C.Element == UInt8 {
        let r = ByteReader(raw.prefix(Media.superblockSize))
        guard r.count == Media.superblockSize else {
            throw .truncated(structure: "superblock", needed: Media.superblockSize, available: r.count)
        }
        let magic = r.u64(Offset.magic)
        guard magic == Media.superblockMagic else {
            throw .badMagic(structure: "superblock", offset: Offset.magic, found: magic, expected: Media.superblockMagic)
        }
        let version = r.u64(Offset.version)
        let major = r.u32(Offset.omfMajor)
        // Version 47 spans several incompatible layouts; only its OMF 2 form is ours (docs/FORMAT.md, "Superblock").
        // The log header check of the entry geometry completes the fingerprint.
        guard version == Media.currentVersion || (version == Media.legacyVersion && major == 2) else {
            throw .unsupportedVersion(found: version, omfMajor: major)
        }
        let stored = r.u64(Offset.crc)
        let computed = CRC32.checksum(r.bytes[Media.superblockCRCRange])
        guard stored == UInt64(computed) else {
            throw .badCRC(structure: "superblock", offset: Offset.crc, stored: stored, computed: computed)
        }
        let au = r.u64(Offset.allocUnit)
        guard Media.acceptedAllocationUnits.contains(au) else {
            throw .badField(structure: "superblock", field: "ts_alloc_unit", offset: Offset.allocUnit,
                            value: au, reason: "must be 4096 or 0x200000")
        }
        let logOffset = r.u64(Offset.logOffset)
        guard logOffset == Media.logOffset else {
            throw .badField(structure: "superblock", field: "ts_log_offset", offset: Offset.logOffset,
                            value: logOffset, reason: "the log must start at 0x200000")
        }
        let logLength = r.u64(Offset.logLength)
        guard isValidLogLength(logLength) else {
            throw .badField(structure: "superblock", field: "ts_log_len", offset: Offset.logLength,
                            value: logLength, reason: "must be a power of two from 8 MiB to \(Media.maxLogLength >> 20) MiB")
        }
        var sb = Superblock(
            fsUUID: FamfsUUID(unchecked: r.slice(Offset.fsUUID, 16)),
            deviceUUID: FamfsUUID(unchecked: r.slice(Offset.devUUID, 16)),
            systemUUID: FamfsUUID(unchecked: r.slice(Offset.systemUUID, 16)),
            deviceSize: r.u64(Offset.ddSize), daxdevName: "", logLength: logLength)
        sb.version = version
        sb.logOffset = logOffset
        sb.allocationUnit = au
        sb.omfMajor = major
        sb.omfMinor = r.u32(Offset.omfMinor)
        sb.flags = r.u32(Offset.flags)
        sb.daxdevUUID = FamfsUUID(unchecked: r.slice(Offset.ddUUID, 16))
        sb.daxdevName = r.cString(Offset.ddName, Media.daxdevNameLength)
        return sb
    }

    /// mkfs accepts a power of two of at least 8 MiB (`-l`); readers accept the same.
    public static func isValidLogLength(_ length: UInt64) -> Bool {
        length >= Media.defaultLogLength && length & (length - 1) == 0 && length <= Media.maxLogLength
    }

    /// The bytes reserved at the front of the device (superblock region and log).
    public var reservedBytes: UInt64 { logOffset + logLength }
}
