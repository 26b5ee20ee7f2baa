import FamfsCore
import FamfsFormat
import FamfsMemory
#if canImport(Glibc)
import Glibc
#endif

/// File data straight in the device mapping, through the file's map (no data through FUSE; the
/// reference mmaps the file). Writers flush the CPU cache afterwards, readers invalidate first.
enum FileData {
    /// The device ranges of the whole file, in file order.
    static func ranges(_ f: FileMeta) -> [DeviceRange] {
        f.fmap.deviceRanges(offset: 0, length: f.size)
    }

    /// The map is inside the device and holds the file (`FileMeta.validate`; a copy needs no
    /// alignment) before any byte is touched.
    static func checkBounds(_ f: FileMeta, _ device: Device) throws {
        do { try f.validate(deviceSize: device.size, alignment: 1) } catch {
            throw PathError(f.path, "bad map: \(error)")
        }
    }

    /// Writes the reference's random stream for `seed` over the whole file.
    static func randomize(_ f: FileMeta, _ device: Device, seed: UInt64) throws {
        try checkBounds(f, device)
        var g = RandomFill(seed: seed)
        for r in ranges(f) {
            let p = device.base + Int(r.offset)
            g.fill(UnsafeMutableRawBufferPointer(start: p, count: Int(r.length)))
            CacheControl.flush(p, Int(r.length))
        }
    }

    /// The file offset of the first 4-byte word that differs from the stream for `seed`, or nil.
    static func verify(_ f: FileMeta, _ device: Device, seed: UInt64) throws -> UInt64? {
        try checkBounds(f, device)
        var g = RandomFill(seed: seed)
        var fileOffset: UInt64 = 0
        for r in ranges(f) {
            let p = device.base + Int(r.offset)
            CacheControl.invalidate(p, Int(r.length))
            if let m = g.firstMismatch(UnsafeRawBufferPointer(start: p, count: Int(r.length))) {
                return fileOffset + UInt64(m)
            }
            fileOffset += r.length
        }
        return nil
    }

    /// Copies `f.size` bytes from `fd` (at offset 0) into the file, `progress` called with bytes done.
    static func copy(from fd: Int32, source: String, into f: FileMeta, _ device: Device,
                     progress: (UInt64) -> Void = { _ in }) throws {
        try checkBounds(f, device)
        var fileOffset: UInt64 = 0
        for r in ranges(f) {
            var done: UInt64 = 0
            while done < r.length {
                let n = Int(min(r.length - done, 1 << 20))
                let p = device.base + Int(r.offset + done)
                let got = pread(fd, p, n, off_t(fileOffset + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw CoreError.system(operation: "read", path: source, errno: .init(rawValue: errno))
                }
                if got == 0 { throw PathError(source, "file shrank while being copied") }
                CacheControl.flush(p, got)
                done += UInt64(got)
                progress(fileOffset + done)
            }
            fileOffset += r.length
        }
    }

    /// The file offset of the first byte where the file differs from `fd` (read again from
    /// offset 0), or nil: `famfs cp -c` checks each copy this way, as the original's does.
    static func compare(with fd: Int32, source: String, _ f: FileMeta, _ device: Device) throws -> UInt64? {
        try checkBounds(f, device)
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        var fileOffset: UInt64 = 0
        for r in ranges(f) {
            let p = device.base + Int(r.offset)
            CacheControl.invalidate(p, Int(r.length))
            var done: UInt64 = 0
            while done < r.length {
                let want = Int(min(r.length - done, UInt64(buf.count)))
                let got = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(fileOffset + done)) }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw CoreError.system(operation: "read", path: source, errno: .init(rawValue: errno))
                }
                if got == 0 { return fileOffset + done }
                if memcmp(buf, p + Int(done), got) != 0 {
                    let device = UnsafeRawBufferPointer(start: p + Int(done), count: got)
                    var i = 0
                    while i < got && buf[i] == device[i] { i += 1 }
                    return fileOffset + done + UInt64(i)
                }
                done += UInt64(got)
            }
            fileOffset += r.length
        }
        return nil
    }

    /// Flushes (and invalidates) the CPU cache over the file's bytes.
    static func flush(_ f: FileMeta, _ device: Device) throws {
        try checkBounds(f, device)
        for r in ranges(f) {
            let p = device.base + Int(r.offset)
            CacheControl.flush(p, Int(r.length))
            CacheControl.invalidate(p, Int(r.length))
        }
    }

    /// Bytes of the file as the device holds them.
    static func read(_ f: FileMeta, _ device: Device) throws -> [UInt8] {
        try checkBounds(f, device)
        var out: [UInt8] = []
        out.reserveCapacity(Int(f.size))
        for r in ranges(f) {
            let p = device.base + Int(r.offset)
            CacheControl.invalidate(p, Int(r.length))
            out += UnsafeRawBufferPointer(start: p, count: Int(r.length))
        }
        return out
    }
}
