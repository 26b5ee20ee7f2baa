import FamfsFormat

/// Allocates device space for new files from a bitmap built from the log (as the original's
/// `src/famfs_alloc.c` does; docs/ARCHITECTURE.md, "The life of a famfs creat").
///
/// Contiguous: first fit from the start of the device, one extent per file, rounded up to the
/// allocation unit. Interleaved: the device is cut into `nbuckets` equal buckets; a file gets
/// `nstrips` equal strips, each contiguous inside a different bucket, visited in random order.
public struct Allocator: Sendable {
    public let deviceSize: UInt64
    public let allocationUnit: UInt64
    public let reservedBytes: UInt64
    public private(set) var bitmap: Bitmap
    /// Bits that were set twice while the bitmap was built (allocation collisions).
    public private(set) var collisions: Int = 0

    public init(deviceSize: UInt64, allocationUnit: UInt64, reservedBytes: UInt64) {
        self.deviceSize = deviceSize
        self.allocationUnit = allocationUnit
        self.reservedBytes = reservedBytes
        // A partial trailing unit is never allocated (the reference rounds up and can overrun).
        bitmap = Bitmap(count: Int(deviceSize / allocationUnit))
        let reservedUnits = Int((reservedBytes + allocationUnit - 1) / allocationUnit)
        for i in 0..<min(reservedUnits, bitmap.count) { bitmap.set(i) }
    }

    public var unitCount: Int { bitmap.count }
    public var usedBytes: UInt64 { UInt64(bitmap.setCount) * allocationUnit }
    public var freeBytes: UInt64 { UInt64(bitmap.count - bitmap.setCount) * allocationUnit }

    /// Marks an existing file's extents (from the log) as used, counting collisions.
    public mutating func markUsed(_ fmap: Fmap) { markUsed(extents: fmap.extents) }

    /// `markUsed` for extents read in place from the log (no array).
    public mutating func markUsed<S: Sequence<SimpleExtent>>(extents: S) {
        for e in extents {
            guard e.length > 0 else { continue }
            // Extents past the end of the device (a corrupt or foreign map) claim nothing here;
            // no arithmetic on the device's values may overflow.
            guard e.offset / allocationUnit < UInt64(bitmap.count) else { continue }
            let first = Int(e.offset / allocationUnit)
            let n = Int(min(e.length / allocationUnit + (e.length % allocationUnit == 0 ? 0 : 1), UInt64(bitmap.count)))
            for i in first..<min(first + n, bitmap.count) where !bitmap.set(i) { collisions += 1 }
        }
    }

    /// `problem(with:)` for a file read in place from the log (no arrays).
    public func problem(size: UInt64, fmap: FmapView) -> FmapError? {
        do {
            try fmap.validate(size: size, deviceSize: deviceSize, alignment: allocationUnit, dataStart: reservedBytes)
            return nil
        } catch {
            return error
        }
    }

    /// Why `file` cannot live on this device, or nil: `FileMeta.validate` with the allocation
    /// unit, inside the device's data area (above the superblock and log).
    public func problem(with file: FileMeta) -> FmapError? {
        do {
            try file.validate(deviceSize: deviceSize, alignment: allocationUnit, dataStart: reservedBytes)
            return nil
        } catch {
            return error
        }
    }

    /// Whether every extent is unit-aligned and lies inside the data area of the device.
    public func isPlausible(_ fmap: Fmap) -> Bool {
        (try? fmap.validate(deviceSize: deviceSize, alignment: allocationUnit, dataStart: reservedBytes)) != nil
    }

    /// Allocates space for `size` bytes. Nothing changes on failure.
    public mutating func allocate<R: RandomNumberGenerator>(
        size: UInt64, interleave: InterleaveParameters, random: inout R
    ) -> Fmap? {
        guard size > 0, size <= deviceSize else { return nil }
        if interleave.isContiguous || size < interleave.chunkSize {
            return contiguous(size).map { .simple([$0]) }
        }
        return strided(size, interleave, &random)
    }

    public mutating func allocate(size: UInt64, interleave: InterleaveParameters = .contiguous) -> Fmap? {
        var rng = SystemRandomNumberGenerator()
        return allocate(size: size, interleave: interleave, random: &rng)
    }

    private func units(_ bytes: UInt64) -> Int {
        Int(min(bytes / allocationUnit + (bytes % allocationUnit == 0 ? 0 : 1), UInt64(Int.max)))
    }

    private mutating func contiguous(_ size: UInt64) -> SimpleExtent? {
        let need = units(size)
        guard let first = bitmap.firstClearRun(of: need, from: 0, end: bitmap.count) else { return nil }
        for i in first..<first + need { bitmap.set(i) }
        return SimpleExtent(offset: UInt64(first) * allocationUnit, length: UInt64(need) * allocationUnit)
    }

    private mutating func strided<R: RandomNumberGenerator>(
        _ size: UInt64, _ p: InterleaveParameters, _ random: inout R
    ) -> Fmap? {
        let chunkUnits = Int(p.chunkSize / allocationUnit)
        let nstrips = Int(p.nstrips)
        let bucketUnits = bitmap.count / Int(p.nbuckets)
        let stripeUnits = nstrips * chunkUnits
        let nstripes = (units(size) + stripeUnits - 1) / stripeUnits
        let stripUnits = nstripes * chunkUnits
        guard stripUnits <= bucketUnits else { return nil }
        var strips: [SimpleExtent] = []
        var taken: [Int] = []
        for bucket in Array(0..<Int(p.nbuckets)).shuffled(using: &random) where strips.count < nstrips {
            let start = bucket * bucketUnits
            guard let first = bitmap.firstClearRun(of: stripUnits, from: start, end: start + bucketUnits) else { continue }
            for i in first..<first + stripUnits { bitmap.set(i) }
            taken.append(first)
            strips.append(SimpleExtent(offset: UInt64(first) * allocationUnit, length: UInt64(stripUnits) * allocationUnit))
        }
        guard strips.count == nstrips else {
            for first in taken { for i in first..<first + stripUnits { bitmap.clear(i) } }
            return nil
        }
        return .interleaved(InterleavedExtent(chunkSize: p.chunkSize, strips: strips))
    }
}
