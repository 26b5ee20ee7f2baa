import Foundation
import Glibc
import SystemPackage
import Testing
@testable import FuseProtocol

/// Real mounts through /dev/fuse (needs root). File-system calls run on the test's thread;
/// the server runs on its own worker threads.
@Suite("real mount of the hello file system", .serialized, .enabled(if: geteuid() == 0))
struct MountTests {
    static func makeMountpoint() throws -> String {
        let path = "/tmp/fuseproto.\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        try #require(mkdir(path, 0o755) == 0)
        return path
    }

    static func isMounted(_ path: String) -> Bool {
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        return mounts.split(separator: "\n").contains { $0.split(separator: " ").dropFirst().first.map(String.init) == path }
    }

    func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test("stat, readdir, read, write, xattr, flock, mkdir errno, inval_entry, then a clean unmount")
    func helloMount() throws {
        let dir = try Self.makeMountpoint()
        defer { rmdir(dir) }
        let fs = HelloFileSystem()
        var options = MountOptions()
        options.fsName = "hellofs"
        options.subtype = "hello"
        options.workerCount = 2
        let session = try FuseSession.mount(fs, at: dir, options: options)
        session.start()
        var stopped = false
        defer { if !stopped { session.stop() } }

        #expect(Self.isMounted(dir))
        // INIT happened with a 7.x kernel, and we asked only for offered flags.
        var st = stat()
        #expect(stat(dir + "/hello", &st) == 0)
        #expect(st.st_size == 14)
        #expect(st.st_mode & S_IFMT == S_IFREG)
        let connection = try #require(session.handler.connection)
        #expect(connection.major == 7)
        #expect(connection.flags.isSubset(of: connection.offered))

        // readdir
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names == ["dir", "hello"])

        // read (zero-copy regions)
        #expect(readFile(dir + "/hello") == "Hello, world!\n")

        // write, then read back
        let wfd = open(dir + "/hello", O_WRONLY | O_TRUNC)
        #expect(wfd >= 0)
        let text = Array("written\n".utf8)
        #expect(text.withUnsafeBytes { Glibc.write(wfd, $0.baseAddress, $0.count) } == text.count)
        // flock goes to the file system as SETLK(W) with FUSE_LK_FLOCK
        #expect(flock(wfd, LOCK_EX) == 0)
        #expect(flock(wfd, LOCK_UN) == 0)
        close(wfd)
        #expect(readFile(dir + "/hello") == "written\n")
        #expect(fs.state.withLock { $0.flocks }.contains(UInt32(F_WRLCK)))

        // xattrs
        var value = [UInt8](repeating: 0, count: 64)
        let n = getxattr(dir + "/hello", "user.test", &value, value.count)
        #expect(n == 5)
        #expect(Array(value.prefix(max(0, n))) == Array("value".utf8))
        #expect(getxattr(dir + "/hello", "user.test", nil, 0) == 5)
        var tiny = [UInt8](repeating: 0, count: 2)
        #expect(getxattr(dir + "/hello", "user.test", &tiny, 2) == -1 && errno == ERANGE)
        #expect(setxattr(dir + "/hello", "user.new", "xyz", 3, 0) == 0)
        #expect(getxattr(dir + "/hello", "user.new", &value, value.count) == 3)

        // mkdir is refused with the file system's errno
        #expect(mkdir(dir + "/newdir", 0o755) == -1 && errno == ENOSPC)

        // statfs
        var sfs = statvfs()
        #expect(statvfs(dir, &sfs) == 0)
        #expect(sfs.f_blocks == 100)

        // A negative entry is cached for 60 s; the notification makes the new name visible.
        #expect(stat(dir + "/later", &st) == -1 && errno == ENOENT)
        fs.state.withLock { $0.showLater = true }
        #expect(stat(dir + "/later", &st) == -1)  // still the cached negative entry
        try session.notifier.invalEntry(parent: .root, name: "later")
        #expect(stat(dir + "/later", &st) == 0)
        // Invalidating an inode the kernel knows, and one it does not, both succeed.
        try session.notifier.invalInode(HelloFileSystem.helloNode)
        try session.notifier.invalInode(NodeID(999_999))

        // stop() unmounts; the workers end; nothing is left in /proc/mounts.
        session.stop()
        stopped = true
        session.wait()
        #expect(!Self.isMounted(dir))
    }
}

// sys/xattr.h is not in the Glibc module: look the functions up at run time.
private typealias GetxattrFn = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
private typealias SetxattrFn = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32

private func symbol<T>(_ name: String, as type: T.Type) -> T? {
    guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, name) else { return nil }
    return unsafeBitCast(sym, to: type)
}

private func getxattr(_ path: String, _ name: String, _ value: UnsafeMutableRawPointer?, _ size: Int) -> Int {
    guard let fn = symbol("getxattr", as: GetxattrFn.self) else { return -2 }
    return fn(path, name, value, size)
}

private func setxattr(_ path: String, _ name: String, _ value: String, _ size: Int, _ flags: Int32) -> Int32 {
    guard let fn = symbol("setxattr", as: SetxattrFn.self) else { return -2 }
    return value.withCString { fn(path, name, $0, size, flags) }
}
