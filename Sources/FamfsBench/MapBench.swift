import ArgumentParser
import FamfsCore
import FamfsFormat
import FamfsMap
import Foundation

/// `famfs-bench map`: reading a famfs file through the zero-copy mapping versus the raw device
/// mapping (and, with `--mount-path`, mmap and read() through a famfs mount).
///
/// Workload: the file is read as 4 KiB blocks, each block memcpy'd into one 4 KiB buffer (read()
/// fills that buffer directly), sequentially and in a fixed random order of all blocks; a u64 of
/// every copied block is summed so nothing is optimised away. "cold" is the first sequential pass
/// right after mapping/opening (page-table faults included); "warm" is the best of `--runs` later
/// passes. Ratios are throughput relative to (d).
struct MapBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map", abstract: "Zero-copy mapping vs raw device mapping (vs mount, with --mount-path).")
    @Option(help: "Scratch directory for the emulated device.") var dir = "/dev/shm"
    @Option(help: "Emulated device size in GiB (at least 4).") var deviceGiB: UInt64 = 4
    @Option(help: "File size in MiB.") var fileMiB: UInt64 = 1024
    @Option(help: "Warm passes per measurement (the best is printed).") var runs = 3
    @Option(help: "A file in a famfs mount, for rows (b) mmap and (c) read() through the mount.")
    var mountPath: String?

    static let block = 4096

    func validate() throws {
        guard deviceGiB >= 4 else { throw ValidationError("--device-gi-b must be at least 4 (famfs minimum)") }
        guard fileMiB >= 1, fileMiB << 20 <= (deviceGiB << 30) / 2 else { throw ValidationError("--file-mi-b out of range") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        let path = "\(dir)/famfs-bench-map-\(getpid()).img"
        let identityPath = "\(dir)/famfs-bench-map-\(getpid()).uuid"
        defer { unlink(path); unlink(identityPath) }
        FileManager.default.createFile(atPath: path, contents: nil)
        guard truncate(path, off_t(deviceGiB << 30)) == 0 else { throw ValidationError("cannot size \(path)") }
        let identity = try HostIdentity.load(path: identityPath)
        _ = try Mkfs.run(device: path, identity: identity, options: Mkfs.Options())
        let volume = try FamfsVolume(path: path, writable: true, identity: identity)
        let size = fileMiB << 20
        guard let meta = try volume.createFile("bench-map-\(getpid())", size: size, mode: 0o644, uid: 0, gid: 0).file else {
            throw ValidationError("created file has no map")
        }
        var rng = RandomFill(seed: 42)
        let ranges = meta.fmap.deviceRanges(offset: 0, length: size)
        for r in ranges { rng.fill(UnsafeMutableRawBufferPointer(start: volume.device.base + Int(r.offset), count: Int(r.length))) }

        let blocks = Int(size) / Self.block
        let order = Self.shuffled(blocks, seed: 0x5eed)
        print("famfs map benchmark: \(fileMiB) MiB file on an emulated \(deviceGiB) GiB device (\(path)),")
        print("4 KiB blocks memcpy'd into a 4 KiB buffer (read() for (c)); GB/s = 1e9 bytes/s; best of \(runs) warm passes\n")
        print(Self.row("method", "cold seq", "warm seq", "vs (d)", "warm rand", "vs (d)"))

        // (d) baseline: memcpy out of a fresh raw mapping of the whole device.
        guard ranges.count == 1 else { throw ValidationError("benchmark file is not contiguous on the device") }
        let raw = try Device(path: path, writable: false)
        let d = measure(blocks: blocks, order: order, setup: { 0 }) { i, buf in
            buf.copyMemory(from: raw.base + Int(ranges[0].offset) + i * Self.block, byteCount: Self.block)
        }

        // (a) the zero-copy mapping of the file.
        var mapping: FamfsFileMapping?
        var a = try measure(blocks: blocks, order: order, setup: {
            let t = Self.now()
            mapping = try FamfsFileMapping(device: path, meta: meta, writable: false)
            return Self.now() - t
        }) { i, buf in
            buf.copyMemory(from: mapping!.base + i * Self.block, byteCount: Self.block)
        }
        a.segments = mapping?.segmentCount ?? 0
        mapping?.unmap()

        // (b) and (c): through a famfs mount, when one is given.
        var b: Result?
        var c: Result?
        var mountBlocks = 0
        if let mountPath {
            let fd = open(mountPath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw ValidationError("\(mountPath): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            var st = stat()
            fstat(fd, &st)
            mountBlocks = Int(st.st_size) / Self.block
            let mountOrder = Self.shuffled(mountBlocks, seed: 0x5eed)
            var p: UnsafeMutableRawPointer?
            b = try measure(blocks: mountBlocks, order: mountOrder, setup: {
                let t = Self.now()
                let m = mmap(nil, Int(st.st_size), PROT_READ, MAP_SHARED, fd, 0)
                guard let m, m != MAP_FAILED else { throw ValidationError("mmap \(mountPath): \(String(cString: strerror(errno)))") }
                p = m
                return Self.now() - t
            }) { i, buf in
                buf.copyMemory(from: p! + i * Self.block, byteCount: Self.block)
            }
            if let p { munmap(p, Int(st.st_size)) }
            c = measure(blocks: mountBlocks, order: mountOrder, setup: { 0 }) { i, buf in
                _ = pread(fd, buf, Self.block, off_t(i * Self.block))
            }
        }

        func cells(_ r: Result?) -> [String] {
            guard let r else { return ["-", "-", "-", "-", "-"] }
            return [Self.gbps(r.coldSeq), Self.gbps(r.warmSeq), String(format: "%.2f", r.warmSeq / d.warmSeq),
                    Self.gbps(r.warmRand), String(format: "%.2f", r.warmRand / d.warmRand)]
        }
        let noMount = mountPath == nil ? " [needs --mount-path]" : ""
        for (name, r) in [("(a) zero-copy FamfsFileMapping", a), ("(b) mmap via mount\(noMount)", b),
                          ("(c) read() via mount\(noMount)", c), ("(d) memcpy from raw device mapping", d)] {
            let v = cells(r)
            print(Self.row(name, v[0], v[1], v[2], v[3], v[4]))
        }
        if let mountPath { print("\n(b)/(c) read \(mountPath): \(mountBlocks) blocks of 4 KiB") }
        print("\nsetup: (a) FamfsFileMapping init \(String(format: "%.1f", a.setup * 1e6)) us"
              + (b.map { ", (b) mmap \(String(format: "%.1f", $0.setup * 1e6)) us" } ?? "")
              + "; (a) \(a.segments) mmap segment(s)")
        _ = blackhole
    }

    struct Result {
        var setup: Double
        var coldSeq: Double
        var warmSeq: Double
        var warmRand: Double
        var segments = 1
    }

    /// Throughputs in bytes/s of `copy(block, buffer)` over all blocks.
    func measure(blocks: Int, order: [Int], setup: () throws -> Double,
                 copy: (Int, UnsafeMutableRawPointer) -> Void) rethrows -> Result {
        let buf = UnsafeMutableRawPointer.allocate(byteCount: Self.block, alignment: 4096)
        defer { buf.deallocate() }
        let setupTime = try setup()
        let bytes = Double(blocks * Self.block)
        var sum: UInt64 = 0
        func pass(_ indices: some Sequence<Int>) -> Double {
            let t = Self.now()
            for i in indices {
                copy(i, buf)
                sum &+= buf.load(as: UInt64.self)
            }
            return bytes / (Self.now() - t)
        }
        let cold = pass(0..<blocks)
        var warmSeq = 0.0, warmRand = 0.0
        for _ in 0..<runs {
            warmSeq = max(warmSeq, pass(0..<blocks))
            warmRand = max(warmRand, pass(order))
        }
        blackhole &+= sum
        return Result(setup: setupTime, coldSeq: cold, warmSeq: warmSeq, warmRand: warmRand)
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func shuffled(_ n: Int, seed: UInt64) -> [Int] {
        var a = Array(0..<n)
        var s = seed
        for i in stride(from: n - 1, to: 0, by: -1) {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            let j = Int((s >> 33) % UInt64(i + 1))
            a.swapAt(i, j)
        }
        return a
    }

    static func gbps(_ v: Double) -> String { String(format: "%.2f", v / 1e9) }

    static func row(_ cols: String...) -> String {
        let widths = [48, 10, 10, 8, 11, 8]
        return zip(cols, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined()
    }
}

/// Sink for checksums so the copies are not optimised away.
nonisolated(unsafe) private var blackhole: UInt64 = 0
