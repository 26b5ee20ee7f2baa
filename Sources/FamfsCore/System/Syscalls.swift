#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The one place Core turns `-1` + `errno` into a typed error, retrying on EINTR.
@inline(__always)
func syscall<T: BinaryInteger>(_ op: String, _ path: String, _ body: () -> T) throws(CoreError) -> T {
    while true {
        let r = body()
        if r != -1 { return r }
        let e = Errno(rawValue: errno)
        if e == .interrupted { continue }
        throw CoreError.system(operation: op, path: path, errno: e)
    }
}

/// Reads a small text file such as a sysfs attribute.
func readSmallFile(_ path: String) throws(CoreError) -> String {
    let fd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
    defer { close(fd) }
    var buf = [UInt8](repeating: 0, count: 4096)
    let n = try syscall("read", path) { buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
    return String(decoding: buf[0..<n], as: UTF8.self)
}
