import Foundation
import FamfsTestSupport
import Testing
import FamfsCore
import FamfsFormat
@testable import FamfsMap

private let MiB: UInt64 = 1 << 20

/// Zero-copy mapping of famfs files on a real formatted sparse device in /dev/shm.
@Suite("FamfsFileMapping on an emulated device")
struct MappingTests {
    @Test("simple file, size not a multiple of 4 KiB: mapped bytes equal the device bytes")
    func simpleFile() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        let meta = try #require(try v.createFile("simple-\(UUID().uuidString.prefix(6))", size: 5_000_001,
                                                 mode: 0o644, uid: 0, gid: 0).file)
        let expected = fillFile(meta, on: v.device, seed: 7)
        let m = try FamfsFileMapping(device: dev.path, meta: meta, writable: false)
        #expect(m.size == 5_000_001)
        #expect(m.mappedLength == Int(6 * MiB))
        #expect(Int(bitPattern: m.base) % Int(2 * MiB) == 0)
        #expect(firstDifference(m.bytes, expected) == nil)
        // Zero copy: a store to the device afterwards is visible through the mapping.
        (v.device.base + Int(meta.fmap.extents[0].offset) + 4_999_999).storeBytes(of: 0xA5, as: UInt8.self)
        #expect(m.bytes[4_999_999] == 0xA5)
        m.unmap()
        #expect(!m.isMapped)
        m.unmap()  // idempotent
    }

    @Test("interleaved files (2-4 strips, 2/4 MiB chunks) across chunk boundaries",
          arguments: [(2, 2 * MiB, 9 * MiB + 123), (3, 4 * MiB, 21 * MiB + 4097), (4, 2 * MiB, 17 * MiB + 1), (2, 4 * MiB, 13 * MiB + 5)])
    func interleavedFile(nstrips: Int, chunk: UInt64, size: UInt64) throws {
        let dev = try TestDevice()
        let v = try dev.open()
        let node = try v.createFile("striped-\(nstrips)-\(UUID().uuidString.prefix(6))", size: size, mode: 0o644, uid: 0, gid: 0,
                                    interleave: InterleaveParameters(nbuckets: 4, nstrips: UInt64(nstrips), chunkSize: chunk))
        let meta = try #require(node.file)
        guard case .interleaved(let ie) = meta.fmap else { Issue.record("not interleaved: \(meta.fmap)"); return }
        #expect(ie.strips.count == nstrips)
        #expect(ie.chunkSize == chunk)
        let expected = fillFile(meta, on: v.device, seed: UInt64(nstrips) * 1000 + chunk)
        let m = try FamfsFileMapping(device: dev.path, meta: meta, writable: false)
        #expect(m.size == Int(size))
        #expect(firstDifference(m.bytes, expected) == nil)
        // Spot-check the chunk formula directly at every chunk boundary (both sides).
        var c: UInt64 = 0
        while c * chunk < size {
            for fileOff in [c * chunk, min(size, (c + 1) * chunk) - 1] where fileOff < size {
                let strip = ie.strips[Int(c % UInt64(nstrips))]
                let devOff = strip.offset + (c / UInt64(nstrips)) * chunk + (fileOff - c * chunk)
                #expect(m.bytes[Int(fileOff)] == v.device.base.load(fromByteOffset: Int(devOff), as: UInt8.self))
            }
            c += 1
        }
    }

    @Test("multi-extent simple map, extents out of device order")
    func threeExtents() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        let base: UInt64 = 3 << 30  // far from the files this device holds (none)
        let meta = FileMeta(path: "crafted", size: 7 * MiB + 5, mode: 0o644, uid: 0, gid: 0, fmap: .simple([
            SimpleExtent(offset: base + 10 * MiB, length: 2 * MiB),
            SimpleExtent(offset: base, length: 4 * MiB),
            SimpleExtent(offset: base + 20 * MiB, length: 2 * MiB),
        ]))
        let expected = fillFile(meta, on: v.device, seed: 99)
        let m = try FamfsFileMapping(device: dev.path, meta: meta, writable: false)
        #expect(m.segmentCount == 3)
        #expect(m.mappedLength == Int(8 * MiB))
        #expect(firstDifference(m.bytes, expected) == nil)
        // Bytes right before and after each extent boundary.
        for off in [2 * MiB - 1, 2 * MiB, 6 * MiB - 1, 6 * MiB] {
            #expect(m.bytes[Int(off)] == expected[Int(off)])
        }
    }

    @Test("a store through a read-write mapping is visible in an independent read-only mapping")
    func writeVisibleToReader() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        let meta = try #require(try v.createFile("rw-\(UUID().uuidString.prefix(6))", size: 6 * MiB + 3, mode: 0o644, uid: 0, gid: 0,
                                                 interleave: InterleaveParameters(nbuckets: 4, nstrips: 2, chunkSize: 2 * MiB)).file)
        fillFile(meta, on: v.device, seed: 1)
        let writer = try FamfsFileMapping(device: dev.path, meta: meta, writable: true)
        let reader = try FamfsFileMapping(device: dev.path, meta: meta, writable: false)
        #expect(writer.base != reader.base)
        let message = Array("written by the producer across a chunk boundary".utf8)
        let at = Int(2 * MiB) - 10
        message.withUnsafeBytes { writer.base.advanced(by: at).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        writer.base.storeBytes(of: 0x1122_3344_5566_7788 as UInt64, toByteOffset: Int(6 * MiB) - 5, as: UInt64.self)
        writer.flush(offset: at, length: message.count)
        writer.flush(offset: Int(6 * MiB) - 5, length: 8)
        reader.invalidate()
        #expect(Array(reader.bytes[at..<(at + message.count)]) == message)
        #expect(reader.base.loadUnaligned(fromByteOffset: Int(6 * MiB) - 5, as: UInt64.self) == 0x1122_3344_5566_7788)
        // …and it is on the device, where the translated offsets say.
        let r = meta.fmap.deviceRanges(offset: UInt64(at) + 10, length: 1)[0]
        #expect(v.device.base.load(fromByteOffset: Int(r.offset), as: UInt8.self) == message[10])
    }

    @Test("init(path:) on a file that is not on a famfs mount fails with the not-famfs error")
    func notFamfs() throws {
        let path = "/dev/shm/famfs-maptest-plain-\(UUID().uuidString.prefix(8))"
        FileManager.default.createFile(atPath: path, contents: Data(repeating: 1, count: 4096))
        defer { unlink(path) }
        do {
            _ = try FamfsFileMapping(path: path, writable: false)
            Issue.record("mapped a non-famfs file")
        } catch {
            guard case .notFamfs(let p, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(p == path)
            #expect(error.description.hasPrefix("\(path): not a famfs file"))
            #expect(error.errnoValue == ENOTTY)
        }
        #expect(throws: FamfsMapError.system(path: path + ".missing", operation: "stat", errno: ENOENT)) {
            _ = try FamfsFileMapping(path: path + ".missing", writable: false)
        }
    }

    @Test("a device that cannot be opened fails with the access error")
    func deviceNotOpenable() throws {
        let meta = FileMeta(path: "f", size: 10, mode: 0o644, uid: 0, gid: 0,
                            fmap: .simple([SimpleExtent(offset: 0x100_0000, length: 2 * MiB)]))
        let missing = "/dev/shm/famfs-maptest-nodev-\(UUID().uuidString.prefix(8))"
        do {
            _ = try FamfsFileMapping(device: missing, meta: meta, writable: false, path: "/mnt/famfs/f")
            Issue.record("mapped a missing device")
        } catch {
            #expect(error == .noAccess(path: "/mnt/famfs/f", target: missing, errno: ENOENT))
            #expect(error.description == "/mnt/famfs/f: no access to \(missing): No such file or directory")
        }
        // EACCES as an unprivileged user would see it: a read-only device opened for writing.
        let dev = try TestDevice()
        chmod(dev.path, 0o444)
        if geteuid() != 0 {
            #expect(throws: FamfsMapError.noAccess(path: dev.path, target: dev.path, errno: EACCES)) {
                _ = try FamfsFileMapping(device: dev.path, meta: meta, writable: true)
            }
        }
    }

    @Test("a map outside the device, unaligned, too small or on another device is a bad map")
    func badMaps() throws {
        let dev = try TestDevice()
        func attempt(_ fmap: Fmap, size: UInt64 = 10) -> FamfsMapError? {
            let meta = FileMeta(path: "bad", size: size, mode: 0o644, uid: 0, gid: 0, fmap: fmap)
            do { _ = try FamfsFileMapping(device: dev.path, meta: meta, writable: false); return nil } catch { return error }
        }
        func isBadMap(_ e: FamfsMapError?, _ fragment: String) -> Bool {
            guard case .badMap(let p, let reason)? = e else { return false }
            return p == dev.path && reason.contains(fragment)
        }
        #expect(isBadMap(attempt(.simple([SimpleExtent(offset: 4 << 30, length: 2 * MiB)])), "ends past the device"))
        #expect(isBadMap(attempt(.simple([SimpleExtent(offset: (4 << 30) - 2 * MiB, length: 4 * MiB)])), "ends past the device"))
        #expect(isBadMap(attempt(.simple([SimpleExtent(offset: UInt64.max - MiB * 2 + 1, length: 2 * MiB)])), "ends past the device"))  // offset + length overflows
        #expect(isBadMap(attempt(.interleaved(InterleavedExtent(chunkSize: 2 * MiB, strips: [
            SimpleExtent(offset: 1 << 30, length: 2 * MiB), SimpleExtent(offset: 5 << 30, length: 2 * MiB),
        ]))), "strip 1"))
        #expect(isBadMap(attempt(.simple([SimpleExtent(offset: 0x100_1000, length: 2 * MiB)])), "not aligned"))
        #expect(isBadMap(attempt(.simple([SimpleExtent(offset: 0x100_0000, length: 2 * MiB)]), size: 2 * MiB + 1), "exceeds"))
        #expect(isBadMap(attempt(.simple([SimpleExtent(devIndex: 1, offset: 0x100_0000, length: 2 * MiB)])), "device index 1"))
        #expect(isBadMap(attempt(.interleaved(InterleavedExtent(chunkSize: 4096, strips: [
            SimpleExtent(offset: 1 << 30, length: 2 * MiB),
        ]))), "chunk size"))
        #expect(attempt(.simple([SimpleExtent(offset: 0x100_0000, length: 2 * MiB)])) == nil)
    }

    @Test("plan: one segment per chunk in the kernel's order, device-contiguous runs merged")
    func planOrder() throws {
        let cs = 2 * MiB
        let strips = [SimpleExtent(offset: 1 << 30, length: 4 * MiB), SimpleExtent(offset: 2 << 30, length: 4 * MiB),
                      SimpleExtent(offset: 3 << 30, length: 4 * MiB)]
        let meta = FileMeta(path: "p", size: 11 * MiB, mode: 0, uid: 0, gid: 0,
                            fmap: .interleaved(InterleavedExtent(chunkSize: cs, strips: strips)))
        let plan = try FamfsFileMapping.plan(meta: meta, deviceSize: 4 << 30, label: "p")
        #expect(plan.mappedLength == Int(12 * MiB))
        #expect(plan.segments == (0..<6).map { c in
            FamfsFileMapping.Segment(fileOffset: c * Int(cs), deviceOffset: strips[c % 3].offset + UInt64(c / 3) * cs, length: Int(cs))
        })
        // One strip: the chunks follow each other on the device → a single mmap.
        let one = FileMeta(path: "q", size: 5 * MiB, mode: 0, uid: 0, gid: 0,
                           fmap: .interleaved(InterleavedExtent(chunkSize: cs, strips: [SimpleExtent(offset: 1 << 30, length: 8 * MiB)])))
        #expect(try FamfsFileMapping.plan(meta: one, deviceSize: 4 << 30, label: "q").segments
                == [FamfsFileMapping.Segment(fileOffset: 0, deviceOffset: 1 << 30, length: Int(6 * MiB))])
    }
}

@Suite("C entry points")
struct CEntryPointTests {
    @Test("famfs_map_yaml / famfs_unmap_file / famfs_map_last_error")
    func yamlRoundTrip() throws {
        let dev = try TestDevice()
        let v = try dev.open()
        let meta = try #require(try v.createFile("c-\(UUID().uuidString.prefix(6))", size: 3 * MiB + 17, mode: 0o644, uid: 0, gid: 0).file)
        let expected = fillFile(meta, on: v.device, seed: 3)
        var addr: UnsafeMutableRawPointer?
        var size = 0
        #expect(famfs_map_yaml(dev.path, FmapYAML.emit(meta), 0, &addr, &size) == 0)
        #expect(famfs_map_last_error() == nil)
        #expect(size == Int(meta.size))
        let p = try #require(addr)
        #expect(firstDifference(UnsafeRawBufferPointer(start: p, count: size), expected) == nil)
        #expect(famfs_map_flush(p + 100, 4096) == 0)
        #expect(famfs_map_invalidate(p, size) == 0)
        #expect(famfs_map_flush(p + 8 * Int(MiB), 1) == -EINVAL)
        #expect(famfs_unmap_file(p) == 0)
        #expect(famfs_unmap_file(p) == -EINVAL)
        #expect(String(cString: try #require(famfs_map_last_error())).contains("is not a famfs mapping"))
    }

    @Test("famfs_map_file on a non-famfs file: -ENOTTY and a message naming the path")
    func notFamfsFromC() throws {
        let path = "/dev/shm/famfs-maptest-c-\(UUID().uuidString.prefix(8))"
        FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]))
        defer { unlink(path) }
        var addr: UnsafeMutableRawPointer?
        var size = 0
        #expect(famfs_map_file(path, 0, &addr, &size) == -ENOTTY)
        #expect(addr == nil)
        let message = String(cString: try #require(famfs_map_last_error()))
        #expect(message.hasPrefix("\(path): not a famfs file"))
        #expect(famfs_map_yaml("/nonexistent-famfs-dev", "---\nfile:\n  path: x\n...\n", 0, &addr, &size) == -EINVAL)
    }
}
