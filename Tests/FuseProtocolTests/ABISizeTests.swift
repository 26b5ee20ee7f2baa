import Testing
@testable import FuseProtocol

/// Sizes from include/uapi/linux/fuse.h (protocol 7.45); each is what our encoder produces
/// or what our decoder requires.
@Suite("ABI sizes match the kernel header")
struct ABISizeTests {
    @Test("declared struct sizes", arguments: [
        ("fuse_in_header", InHeader.size, 40),
        ("fuse_out_header", OutHeader.size, 16),
        ("fuse_attr", Attr.size, 88),
        ("fuse_entry_out", Entry.size, 128),
        ("fuse_attr_out", AttrReply.size, 104),
        ("fuse_init_in", InitIn.size, 64),
        ("fuse_init_out", InitOut.size, 64),
        ("fuse_open_in", OpenIn.size, 8),
        ("fuse_create_in", CreateIn.size, 16),
        ("fuse_open_out", OpenReply.size, 16),
        ("fuse_read_in", ReadIn.size, 40),
        ("fuse_write_in", WriteIn.size, 40),
        ("fuse_write_out", WriteOut.size, 8),
        ("fuse_release_in", ReleaseIn.size, 24),
        ("fuse_flush_in", FlushIn.size, 24),
        ("fuse_fsync_in", FsyncIn.size, 16),
        ("fuse_getattr_in", GetattrIn.size, 16),
        ("fuse_setattr_in", SetattrRequest.size, 88),
        ("fuse_mknod_in", MknodIn.size, 16),
        ("fuse_mkdir_in", MkdirIn.size, 8),
        ("fuse_rename_in", RenameIn.size, 8),
        ("fuse_rename2_in", RenameIn.size2, 16),
        ("fuse_link_in", LinkIn.size, 8),
        ("fuse_access_in", AccessIn.size, 8),
        ("fuse_getxattr_in", GetxattrIn.size, 8),
        ("fuse_getxattr_out", GetxattrOut.size, 8),
        ("fuse_setxattr_in", SetxattrIn.size, 16),
        ("FUSE_COMPAT_SETXATTR_IN_SIZE", SetxattrIn.compatSize, 8),
        ("fuse_file_lock", FileLock.size, 24),
        ("fuse_lk_in", LkIn.size, 48),
        ("fuse_kstatfs", StatfsReply.size, 80),
        ("fuse_fallocate_in", FallocateIn.size, 32),
        ("fuse_lseek_in", LseekIn.size, 24),
        ("fuse_lseek_out", LseekIn.outSize, 8),
        ("fuse_interrupt_in", InterruptIn.size, 8),
        ("fuse_forget_in", ForgetWire.forgetInSize, 8),
        ("fuse_forget_one", ForgetWire.forgetOneSize, 16),
        ("fuse_batch_forget_in", ForgetWire.batchForgetInSize, 8),
        ("fuse_notify_inval_inode_out", NotifyInvalInodeOut.size, 24),
        ("fuse_notify_inval_entry_out", NotifyInvalEntryOut.size, 16),
        ("offsetof(fuse_dirent, name)", DirentBuffer.direntHeaderSize, 24),
        ("offsetof(fuse_direntplus, dirent.name)", DirentBuffer.direntplusHeaderSize, 152),
    ])
    func declared(name: String, ours: Int, kernel: Int) {
        #expect(ours == kernel, "\(name)")
    }

    @Test("encoders produce exactly the declared sizes")
    func encoders() {
        var w = WireWriter()
        OutHeader(length: 0, error: 0, unique: 0).encode(into: &w)
        #expect(w.count == OutHeader.size)
        w = WireWriter()
        Attr(ino: 1, mode: 0).encode(into: &w)
        #expect(w.count == Attr.size)
        w = WireWriter()
        Entry(node: .root, attr: Attr(ino: 1, mode: 0)).encode(into: &w)
        #expect(w.count == Entry.size)
        w = WireWriter()
        AttrReply(attr: Attr(ino: 1, mode: 0)).encode(into: &w)
        #expect(w.count == AttrReply.size)
        w = WireWriter()
        InitOut(
            major: 7, minor: 45, maxReadahead: 0, flags: [], maxBackground: 0, congestionThreshold: 0,
            maxWrite: 0, timeGran: 0, maxPages: 0, mapAlignment: 0, maxStackDepth: 0, requestTimeout: 0
        ).encode(into: &w)
        #expect(w.count == InitOut.size)
        #expect(InitIn(major: 7, minor: 45, maxReadahead: 0, flags: []).encoded().count == InitIn.size)
        #expect(InHeader(length: 0, opcode: 0, unique: 0, nodeid: 0).encoded().count == InHeader.size)
        w = WireWriter()
        OpenReply(handle: FileHandleID(1)).encode(into: &w)
        #expect(w.count == OpenReply.size)
        w = WireWriter()
        WriteOut(size: 1).encode(into: &w)
        #expect(w.count == WriteOut.size)
        w = WireWriter()
        GetxattrOut(size: 1).encode(into: &w)
        #expect(w.count == GetxattrOut.size)
        w = WireWriter()
        FileLock(start: 0, end: 0, type: 0, pid: 0).encode(into: &w)
        #expect(w.count == FileLock.size)
        w = WireWriter()
        StatfsReply().encode(into: &w)
        #expect(w.count == StatfsReply.size)
        w = WireWriter()
        NotifyInvalInodeOut(ino: 1, offset: 0, length: 0).encode(into: &w)
        #expect(w.count == NotifyInvalInodeOut.size)
        w = WireWriter()
        NotifyInvalEntryOut(parent: 1, nameLength: 0, flags: 0).encode(into: &w)
        #expect(w.count == NotifyInvalEntryOut.size)
    }

    @Test("dirent records are padded to 8 bytes")
    func direntPadding() {
        #expect(DirentBuffer.recordSize(nameLength: 1, plus: false) == 32)
        #expect(DirentBuffer.recordSize(nameLength: 8, plus: false) == 32)
        #expect(DirentBuffer.recordSize(nameLength: 9, plus: false) == 40)
        #expect(DirentBuffer.recordSize(nameLength: 5, plus: true) == 160)
    }

    @Test("opcode table: famfs opcodes and replies")
    func opcodes() {
        #expect(Opcode.getFmap.rawValue == 54)
        #expect(Opcode.getDaxdev.rawValue == 55)
        #expect(Opcode.readdirplus.rawValue == 44)
        #expect(Opcode.initialize.description == "FUSE_INIT")
        #expect(Opcode.lookup.description == "FUSE_LOOKUP")
        #expect(!Opcode.forget.hasReply && !Opcode.batchForget.hasReply && !Opcode.interrupt.hasReply)
        #expect(InitFlags.directIOAllowMmap.rawValue == 1 << 36)
        #expect(InitFlags.daxFmap.rawValue == 1 << 43)
    }
}
