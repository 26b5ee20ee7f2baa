#if canImport(Glibc)
import Glibc
#endif

/// Reads /proc/mounts to tell whether a device is mounted, by the device column (our mounts use
/// the device path as the source), not by a "famfs" substring as the original does.
public enum MountTable {
    public struct Mount: Sendable { public var source: String; public var mountPoint: String; public var type: String }

    public static func mounts() -> [Mount] {
        guard let text = try? readLargeFile("/proc/self/mounts") else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ")
            guard f.count >= 3 else { return nil }
            return Mount(source: unescape(String(f[0])), mountPoint: unescape(String(f[1])), type: String(f[2]))
        }
    }

    public static func mountPoint(ofDevice path: String) -> String? {
        let real = realPath(path) ?? path
        return mounts().first { ($0.type.hasPrefix("fuse") || $0.type == "famfs") && (realPath($0.source) ?? $0.source) == real }?.mountPoint
    }

    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\040", with: " ").replacingOccurrences(of: "\\011", with: "\t")
            .replacingOccurrences(of: "\\012", with: "\n").replacingOccurrences(of: "\\134", with: "\\")
    }
}

public func realPath(_ path: String) -> String? {
    guard let p = realpath(path, nil) else { return nil }
    defer { free(p) }
    return String(cString: p)
}

func readLargeFile(_ path: String) throws(CoreError) -> String {
    let fd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = try syscall("read", path) { buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
        if n == 0 { break }
        out += buf[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            result += rest[..<r.lowerBound]
            result += replacement
            rest = rest[r.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Index>? {
        let t = Array(target.utf8)
        var i = startIndex
        while i < endIndex {
            if self[i...].utf8.starts(with: t) {
                return i..<self.utf8.index(i, offsetBy: t.count)
            }
            i = index(after: i)
        }
        return nil
    }
}
