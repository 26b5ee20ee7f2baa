#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage
import SystemSupport

/// `SystemCall.retrying` with Core's error, which names the operation and the path.
@inline(__always)
func syscall<T: BinaryInteger>(_ op: String, _ path: String, _ body: () -> T) throws(CoreError) -> T {
    do {
        return try SystemCall.retrying(body)
    } catch {
        throw CoreError.system(operation: op, path: path, errno: error)
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
