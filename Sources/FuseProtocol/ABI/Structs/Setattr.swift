/// `struct fuse_setattr_in` (88 bytes): what a SETATTR wants to change. Only the fields named
/// in `valid` are meaningful.
public struct SetattrRequest: Sendable, Hashable {
    public static let size = 88

    public var valid: SetattrValid
    public var handle: FileHandleID?  // when valid contains .fh
    public var size: UInt64
    public var lockOwner: UInt64
    public var atime: FuseTime
    public var mtime: FuseTime
    public var ctime: FuseTime
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32

    static func decode(_ r: WireReader, at b: Int) throws(RequestError) -> SetattrRequest {
        let valid = SetattrValid(rawValue: try r.u32(at: b))  // padding u32 at 4
        let fh = try r.u64(at: b + 8)
        return SetattrRequest(
            valid: valid, handle: valid.contains(.fh) ? FileHandleID(fh) : nil,
            size: try r.u64(at: b + 16), lockOwner: try r.u64(at: b + 24),
            atime: FuseTime(seconds: try r.u64(at: b + 32), nanoseconds: try r.u32(at: b + 56)),
            mtime: FuseTime(seconds: try r.u64(at: b + 40), nanoseconds: try r.u32(at: b + 60)),
            ctime: FuseTime(seconds: try r.u64(at: b + 48), nanoseconds: try r.u32(at: b + 64)),
            mode: try r.u32(at: b + 68),  // unused4 at 72
            uid: try r.u32(at: b + 76), gid: try r.u32(at: b + 80))  // unused5 at 84
    }
}
