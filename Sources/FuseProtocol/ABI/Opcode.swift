/// `enum fuse_opcode` (include/uapi/linux/fuse.h, protocol 7.45), plus the famfs opcodes 54
/// and 55 (`FUSE_GET_FMAP`, `FUSE_GET_DAXDEV`) from the famfs kernel patches.
///
/// The one opcode table: decoder, dispatcher and `description` all read it.
public enum Opcode: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case lookup = 1
    case forget = 2
    case getattr = 3
    case setattr = 4
    case readlink = 5
    case symlink = 6
    case mknod = 8
    case mkdir = 9
    case unlink = 10
    case rmdir = 11
    case rename = 12
    case link = 13
    case open = 14
    case read = 15
    case write = 16
    case statfs = 17
    case release = 18
    case fsync = 20
    case setxattr = 21
    case getxattr = 22
    case listxattr = 23
    case removexattr = 24
    case flush = 25
    case initialize = 26
    case opendir = 27
    case readdir = 28
    case releasedir = 29
    case fsyncdir = 30
    case getlk = 31
    case setlk = 32
    case setlkw = 33
    case access = 34
    case create = 35
    case interrupt = 36
    case bmap = 37
    case destroy = 38
    case ioctl = 39
    case poll = 40
    case notifyReply = 41
    case batchForget = 42
    case fallocate = 43
    case readdirplus = 44
    case rename2 = 45
    case lseek = 46
    case copyFileRange = 47
    case setupMapping = 48
    case removeMapping = 49
    case syncfs = 50
    case tmpfile = 51
    case statx = 52
    case copyFileRange64 = 53
    /// famfs: `FUSE_GET_FMAP`, the file-to-device map of a node.
    case getFmap = 54
    /// famfs: `FUSE_GET_DAXDEV`, a dax device by index (the index travels in `nodeid`).
    case getDaxdev = 55

    /// Requests the kernel does not expect an answer to.
    public var hasReply: Bool {
        switch self {
        case .forget, .batchForget, .interrupt: false
        default: true
        }
    }

    /// The kernel spelling, `FUSE_LOOKUP` etc.
    public var description: String {
        switch self {
        case .lookup: "FUSE_LOOKUP"
        case .forget: "FUSE_FORGET"
        case .getattr: "FUSE_GETATTR"
        case .setattr: "FUSE_SETATTR"
        case .readlink: "FUSE_READLINK"
        case .symlink: "FUSE_SYMLINK"
        case .mknod: "FUSE_MKNOD"
        case .mkdir: "FUSE_MKDIR"
        case .unlink: "FUSE_UNLINK"
        case .rmdir: "FUSE_RMDIR"
        case .rename: "FUSE_RENAME"
        case .link: "FUSE_LINK"
        case .open: "FUSE_OPEN"
        case .read: "FUSE_READ"
        case .write: "FUSE_WRITE"
        case .statfs: "FUSE_STATFS"
        case .release: "FUSE_RELEASE"
        case .fsync: "FUSE_FSYNC"
        case .setxattr: "FUSE_SETXATTR"
        case .getxattr: "FUSE_GETXATTR"
        case .listxattr: "FUSE_LISTXATTR"
        case .removexattr: "FUSE_REMOVEXATTR"
        case .flush: "FUSE_FLUSH"
        case .initialize: "FUSE_INIT"
        case .opendir: "FUSE_OPENDIR"
        case .readdir: "FUSE_READDIR"
        case .releasedir: "FUSE_RELEASEDIR"
        case .fsyncdir: "FUSE_FSYNCDIR"
        case .getlk: "FUSE_GETLK"
        case .setlk: "FUSE_SETLK"
        case .setlkw: "FUSE_SETLKW"
        case .access: "FUSE_ACCESS"
        case .create: "FUSE_CREATE"
        case .interrupt: "FUSE_INTERRUPT"
        case .bmap: "FUSE_BMAP"
        case .destroy: "FUSE_DESTROY"
        case .ioctl: "FUSE_IOCTL"
        case .poll: "FUSE_POLL"
        case .notifyReply: "FUSE_NOTIFY_REPLY"
        case .batchForget: "FUSE_BATCH_FORGET"
        case .fallocate: "FUSE_FALLOCATE"
        case .readdirplus: "FUSE_READDIRPLUS"
        case .rename2: "FUSE_RENAME2"
        case .lseek: "FUSE_LSEEK"
        case .copyFileRange: "FUSE_COPY_FILE_RANGE"
        case .setupMapping: "FUSE_SETUPMAPPING"
        case .removeMapping: "FUSE_REMOVEMAPPING"
        case .syncfs: "FUSE_SYNCFS"
        case .tmpfile: "FUSE_TMPFILE"
        case .statx: "FUSE_STATX"
        case .copyFileRange64: "FUSE_COPY_FILE_RANGE_64"
        case .getFmap: "FUSE_GET_FMAP"
        case .getDaxdev: "FUSE_GET_DAXDEV"
        }
    }
}

/// `enum fuse_notify_code`: the `error` field of a notification's `fuse_out_header`.
public enum NotifyCode: Int32, Sendable {
    case poll = 1
    case invalInode = 2
    case invalEntry = 3
    case store = 4
    case retrieve = 5
    case delete = 6
    case resend = 7
    case incEpoch = 8
}
