/// The 64-bit capability word of `struct fuse_init_in`/`fuse_init_out`: bits 0–31 travel in
/// `flags`, bits 32–63 in `flags2` (only with `FUSE_INIT_EXT`).
public struct InitFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let asyncRead = InitFlags(rawValue: 1 << 0)  // FUSE_ASYNC_READ
    public static let posixLocks = InitFlags(rawValue: 1 << 1)  // FUSE_POSIX_LOCKS
    public static let fileOps = InitFlags(rawValue: 1 << 2)  // FUSE_FILE_OPS
    public static let atomicOTrunc = InitFlags(rawValue: 1 << 3)  // FUSE_ATOMIC_O_TRUNC
    public static let exportSupport = InitFlags(rawValue: 1 << 4)  // FUSE_EXPORT_SUPPORT
    public static let bigWrites = InitFlags(rawValue: 1 << 5)  // FUSE_BIG_WRITES
    public static let dontMask = InitFlags(rawValue: 1 << 6)  // FUSE_DONT_MASK
    public static let spliceWrite = InitFlags(rawValue: 1 << 7)  // FUSE_SPLICE_WRITE
    public static let spliceMove = InitFlags(rawValue: 1 << 8)  // FUSE_SPLICE_MOVE
    public static let spliceRead = InitFlags(rawValue: 1 << 9)  // FUSE_SPLICE_READ
    public static let flockLocks = InitFlags(rawValue: 1 << 10)  // FUSE_FLOCK_LOCKS
    public static let hasIoctlDir = InitFlags(rawValue: 1 << 11)  // FUSE_HAS_IOCTL_DIR
    public static let autoInvalData = InitFlags(rawValue: 1 << 12)  // FUSE_AUTO_INVAL_DATA
    public static let doReaddirplus = InitFlags(rawValue: 1 << 13)  // FUSE_DO_READDIRPLUS
    public static let readdirplusAuto = InitFlags(rawValue: 1 << 14)  // FUSE_READDIRPLUS_AUTO
    public static let asyncDIO = InitFlags(rawValue: 1 << 15)  // FUSE_ASYNC_DIO
    public static let writebackCache = InitFlags(rawValue: 1 << 16)  // FUSE_WRITEBACK_CACHE
    public static let noOpenSupport = InitFlags(rawValue: 1 << 17)  // FUSE_NO_OPEN_SUPPORT
    public static let parallelDirops = InitFlags(rawValue: 1 << 18)  // FUSE_PARALLEL_DIROPS
    public static let handleKillpriv = InitFlags(rawValue: 1 << 19)  // FUSE_HANDLE_KILLPRIV
    public static let posixACL = InitFlags(rawValue: 1 << 20)  // FUSE_POSIX_ACL
    public static let abortError = InitFlags(rawValue: 1 << 21)  // FUSE_ABORT_ERROR
    public static let maxPages = InitFlags(rawValue: 1 << 22)  // FUSE_MAX_PAGES
    public static let cacheSymlinks = InitFlags(rawValue: 1 << 23)  // FUSE_CACHE_SYMLINKS
    public static let noOpendirSupport = InitFlags(rawValue: 1 << 24)  // FUSE_NO_OPENDIR_SUPPORT
    public static let explicitInvalData = InitFlags(rawValue: 1 << 25)  // FUSE_EXPLICIT_INVAL_DATA
    public static let mapAlignment = InitFlags(rawValue: 1 << 26)  // FUSE_MAP_ALIGNMENT
    public static let submounts = InitFlags(rawValue: 1 << 27)  // FUSE_SUBMOUNTS
    public static let handleKillprivV2 = InitFlags(rawValue: 1 << 28)  // FUSE_HANDLE_KILLPRIV_V2
    public static let setxattrExt = InitFlags(rawValue: 1 << 29)  // FUSE_SETXATTR_EXT
    public static let initExt = InitFlags(rawValue: 1 << 30)  // FUSE_INIT_EXT
    public static let initReserved = InitFlags(rawValue: 1 << 31)  // FUSE_INIT_RESERVED
    public static let securityCtx = InitFlags(rawValue: 1 << 32)  // FUSE_SECURITY_CTX
    public static let hasInodeDAX = InitFlags(rawValue: 1 << 33)  // FUSE_HAS_INODE_DAX
    public static let createSuppGroup = InitFlags(rawValue: 1 << 34)  // FUSE_CREATE_SUPP_GROUP
    public static let hasExpireOnly = InitFlags(rawValue: 1 << 35)  // FUSE_HAS_EXPIRE_ONLY
    public static let directIOAllowMmap = InitFlags(rawValue: 1 << 36)  // FUSE_DIRECT_IO_ALLOW_MMAP
    public static let passthrough = InitFlags(rawValue: 1 << 37)  // FUSE_PASSTHROUGH
    public static let noExportSupport = InitFlags(rawValue: 1 << 38)  // FUSE_NO_EXPORT_SUPPORT
    public static let hasResend = InitFlags(rawValue: 1 << 39)  // FUSE_HAS_RESEND
    public static let allowIdmap = InitFlags(rawValue: 1 << 40)  // FUSE_ALLOW_IDMAP
    public static let overIOUring = InitFlags(rawValue: 1 << 41)  // FUSE_OVER_IO_URING
    public static let requestTimeout = InitFlags(rawValue: 1 << 42)  // FUSE_REQUEST_TIMEOUT
    /// famfs kernel patches: `FUSE_DAX_FMAP`, the server answers GET_FMAP/GET_DAXDEV.
    public static let daxFmap = InitFlags(rawValue: 1 << 43)  // FUSE_DAX_FMAP

    /// What this module asks for by default (each only if the kernel offers it).
    public static let moduleDefaults: InitFlags = [
        .asyncRead, .bigWrites, .parallelDirops, .doReaddirplus, .readdirplusAuto,
        .directIOAllowMmap, .flockLocks, .initExt, .maxPages,
    ]

    /// Low 32 bits (`flags`).
    public var low: UInt32 { UInt32(truncatingIfNeeded: rawValue) }
    /// High 32 bits (`flags2`).
    public var high: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) }

    public init(low: UInt32, high: UInt32) {
        rawValue = UInt64(high) << 32 | UInt64(low)
    }

    public var description: String { "0x" + String(rawValue, radix: 16) }
}
