
/// A piece of a file's bytes on the device.
public struct DeviceRange: Equatable, Sendable {
    public var offset: UInt64
    public var length: UInt64
    public init(offset: UInt64, length: UInt64) {
        self.offset = offset
        self.length = length
    }
}

extension Fmap {
    /// Device ranges holding file bytes `[offset, offset+length)`, in file order; the math of the
    /// famfs kernel (`famfs_fileofs_to_daxofs` and `famfs_interleave_fileofs_to_daxofs` in `fs/fuse/famfs.c`). Stops at the end of the map.
    public func deviceRanges(offset: UInt64, length: UInt64) -> [DeviceRange] {
        var out: [DeviceRange] = []
        var off = offset
        var remaining = length
        switch self {
        case .simple(let extents):
            var extStart: UInt64 = 0
            for e in extents where remaining > 0 {
                let extEnd = extStart + e.length
                if off < extEnd {
                    let within = off - extStart
                    let n = min(e.length - within, remaining)
                    out.append(DeviceRange(offset: e.offset + within, length: n))
                    off += n
                    remaining -= n
                }
                extStart = extEnd
            }
        case .interleaved(let ie):
            let nstrips = UInt64(ie.strips.count)
            let cs = ie.chunkSize
            guard nstrips > 0, cs > 0 else { return [] }
            let stripLength = ie.strips.map(\.length).min() ?? 0
            while remaining > 0 {
                let chunk = off / cs
                let chunkOff = off % cs
                let stripe = chunk / nstrips
                let strip = Int(chunk % nstrips)
                let stripOff = stripe * cs + chunkOff
                guard stripOff < stripLength else { break }
                let n = min(cs - chunkOff, remaining, stripLength - stripOff)
                out.append(DeviceRange(offset: ie.strips[strip].offset + stripOff, length: n))
                off += n
                remaining -= n
            }
        }
        return out
    }

    /// How many file bytes the map can hold (interleaved: whole stripes only). Saturates
    /// instead of overflowing on maps that `validate` would refuse.
    public var capacity: UInt64 {
        switch self {
        case .simple(let e):
            return e.reduce(0) { sum, x in
                let (total, overflow) = sum.addingReportingOverflow(x.length)
                return overflow ? .max : total
            }
        case .interleaved(let ie):
            guard ie.chunkSize > 0 else { return 0 }
            let minStrip = ie.strips.map(\.length).min() ?? 0
            let (total, overflow) = ((minStrip / ie.chunkSize) * ie.chunkSize)
                .multipliedReportingOverflow(by: UInt64(ie.strips.count))
            return overflow ? .max : total
        }
    }
}
