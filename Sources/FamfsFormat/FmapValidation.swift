/// Why a file's map cannot be used on a device. Each case names the extent (or strip) at fault;
/// the descriptions are the one-line reasons the programs print.
public enum FmapError: Error, Equatable, Sendable, CustomStringConvertible {
    case noExtents
    case tooManyExtents(count: Int, limit: Int, strips: Bool)
    case otherDevice(extent: String, devIndex: UInt64)
    case emptyExtent(extent: String)
    case unaligned(extent: String, offset: UInt64, length: UInt64, alignment: UInt64)
    case pastDevice(extent: String, offset: UInt64, length: UInt64, deviceSize: UInt64)
    case inReservedArea(extent: String, offset: UInt64, dataStart: UInt64)
    case badChunkSize(chunkSize: UInt64, alignment: UInt64)
    case sizeExceedsMap(size: UInt64, capacity: UInt64)

    public var description: String {
        switch self {
        case .noExtents:
            return "no extents"
        case let .tooManyExtents(count, limit, strips):
            return "\(count) \(strips ? "strips" : "extents"), more than the \(limit) a map holds"
        case let .otherDevice(what, devIndex):
            return "\(what) is on device index \(devIndex); only device 0 exists"
        case let .emptyExtent(what):
            return "\(what) is empty"
        case let .unaligned(what, offset, length, alignment):
            return "\(what) (offset \(hex(offset)), length \(hex(length))) is not aligned to \(hex(alignment))"
        case let .pastDevice(what, offset, length, deviceSize):
            return "\(what) (offset \(hex(offset)), length \(hex(length))) ends past the device (\(hex(deviceSize)) bytes)"
        case let .inReservedArea(what, offset, dataStart):
            return "\(what) (offset \(hex(offset))) lies in the superblock and log area below \(hex(dataStart))"
        case let .badChunkSize(chunk, alignment):
            return "chunk size \(hex(chunk)) is not a non-zero multiple of \(hex(alignment))"
        case let .sizeExceedsMap(size, capacity):
            return "file size \(size) exceeds the \(capacity) bytes its map holds"
        }
    }
}

private func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

extension Fmap {
    /// The one check that a map may be used on a device of `deviceSize` bytes: 1 to 16 extents
    /// (or strips) on device 0, none empty, each offset and length a multiple of `alignment`
    /// (the allocation unit; the famfs kernel takes only 2 MiB), each inside the device and at
    /// or above `dataStart` (the superblock and log live below it), and an interleaved chunk
    /// size that is a multiple of `alignment`. No arithmetic here can overflow.
    ///
    /// The log replay, the allocator's collision check, the mapping library, the GET_FMAP
    /// replies and the daemon's data path all ask this one function.
    public func validate(deviceSize: UInt64, alignment: UInt64, dataStart: UInt64 = 0) throws(FmapError) {
        switch self {
        case .simple(let extents):
            try Self.validate(extents: extents, chunkSize: nil, deviceSize: deviceSize, alignment: alignment, dataStart: dataStart)
        case .interleaved(let ie):
            try Self.validate(extents: ie.strips, chunkSize: ie.chunkSize, deviceSize: deviceSize, alignment: alignment, dataStart: dataStart)
        }
    }

    /// `validate` on the extents (or, with `chunkSize`, the strips) of a map wherever they are
    /// stored: an `Fmap`'s arrays, or a log entry read in place (`FmapView`).
    public static func validate<E: Collection<SimpleExtent>>(extents: E, chunkSize: UInt64?, deviceSize: UInt64,
                                                             alignment: UInt64, dataStart: UInt64) throws(FmapError) {
        let unit = max(alignment, 1)
        let isStrip = chunkSize != nil
        let limit = isStrip ? Media.maxStrips : Media.maxSimpleExtents
        guard !extents.isEmpty else { throw .noExtents }
        guard extents.count <= limit else { throw .tooManyExtents(count: extents.count, limit: limit, strips: isStrip) }
        // Names are only built for the error: the data path validates on every request.
        func what(_ i: Int) -> String { isStrip ? "strip \(i)" : "extent \(i)" }
        for (i, e) in extents.enumerated() {
            guard e.devIndex == 0 else { throw .otherDevice(extent: what(i), devIndex: e.devIndex) }
            guard e.length > 0 else { throw .emptyExtent(extent: what(i)) }
            guard e.offset % unit == 0, e.length % unit == 0 else {
                throw .unaligned(extent: what(i), offset: e.offset, length: e.length, alignment: unit)
            }
            guard e.offset <= deviceSize, e.length <= deviceSize - e.offset else {
                throw .pastDevice(extent: what(i), offset: e.offset, length: e.length, deviceSize: deviceSize)
            }
            guard e.offset >= dataStart else {
                throw .inReservedArea(extent: what(i), offset: e.offset, dataStart: dataStart)
            }
        }
        if let chunkSize, chunkSize == 0 || chunkSize % unit != 0 {
            throw .badChunkSize(chunkSize: chunkSize, alignment: unit)
        }
    }
}

extension FileMeta {
    /// `Fmap.validate`, and the file's size fits the bytes its map can place.
    public func validate(deviceSize: UInt64, alignment: UInt64, dataStart: UInt64 = 0) throws(FmapError) {
        try fmap.validate(deviceSize: deviceSize, alignment: alignment, dataStart: dataStart)
        guard size <= fmap.capacity else { throw .sizeExceedsMap(size: size, capacity: fmap.capacity) }
    }
}

extension FmapView {
    /// `FileMeta.validate` for a file read in place from the log: the map, then `size` against
    /// the bytes the map can place.
    public func validate(size: UInt64, deviceSize: UInt64, alignment: UInt64, dataStart: UInt64 = 0) throws(FmapError) {
        try Fmap.validate(extents: self, chunkSize: isInterleaved ? chunkSize : nil, deviceSize: deviceSize,
                          alignment: alignment, dataStart: dataStart)
        let capacity = self.capacity
        guard size <= capacity else { throw .sizeExceedsMap(size: size, capacity: capacity) }
    }
}
