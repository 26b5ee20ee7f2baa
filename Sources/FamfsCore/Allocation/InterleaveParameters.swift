import FamfsFormat

/// `struct famfs_interleave_param`: how a file is striped across buckets of the device.
/// All zero means contiguous allocation.
public struct InterleaveParameters: Equatable, Sendable {
    public var nbuckets: UInt64
    public var nstrips: UInt64
    public var chunkSize: UInt64

    public static let contiguous = InterleaveParameters(nbuckets: 0, nstrips: 0, chunkSize: 0)
    /// The reference's chunk default as soon as any interleave option is given.
    public static let defaultChunkSize: UInt64 = 2 << 20

    public init(nbuckets: UInt64, nstrips: UInt64, chunkSize: UInt64) {
        self.nbuckets = nbuckets
        self.nstrips = nstrips
        self.chunkSize = chunkSize
    }

    public var isContiguous: Bool { self == .contiguous }

    /// The reference's rules (`famfs_validate_interleave_param` plus the CLI's 16-strip limit),
    /// and nstrips ≥ 1, which the reference forgets (it divides by it).
    public func validate(deviceSize: UInt64, allocationUnit: UInt64) throws(CoreError) {
        if isContiguous { return }
        func bad(_ s: String) -> CoreError { .invalidArgument("invalid interleave parameters (nbuckets \(nbuckets), nstrips \(nstrips), chunk \(chunkSize)): \(s)") }
        guard chunkSize > 0 else { throw bad("chunk size must be non-zero") }
        guard chunkSize & (chunkSize - 1) == 0 else { throw bad("chunk size must be a power of two") }
        guard chunkSize % allocationUnit == 0 else { throw bad("chunk size must be a multiple of the allocation unit (\(allocationUnit))") }
        guard nbuckets > 0 else { throw bad("nbuckets must be non-zero") }
        guard nbuckets <= UInt64(Media.maxBuckets) else { throw bad("at most \(Media.maxBuckets) buckets") }
        guard nstrips >= 1 else { throw bad("nstrips must be at least 1") }
        guard nstrips <= UInt64(Media.maxStrips) else { throw bad("at most \(Media.maxStrips) strips") }
        guard nstrips <= nbuckets else { throw bad("nstrips must not exceed nbuckets") }
        guard deviceSize / nbuckets >= 1 << 30 else { throw bad("each bucket must be at least 1 GiB (device \(deviceSize) bytes)") }
    }

    /// Parses the reference's `.alloc.cfg`:
    /// ```
    /// interleaved_alloc:
    ///   nbuckets: 8
    ///   nstrips: 4
    ///   chunk_size: 2m
    /// ```
    /// Unknown keys are errors; `chunk_size` takes a k/m/g suffix.
    public static func parseConfig(_ text: String) throws(CoreError) -> InterleaveParameters {
        var lines = MiniYAML.lines(text)
        let doc: MiniYAML.Node?
        do { doc = try MiniYAML.document(&lines) } catch { throw .invalidArgument("alloc config: \(error)") }
        guard let doc, case .map(let top) = doc.value,
              let section = top.first(where: { $0.key == "interleaved_alloc" }),
              case .map(let fields) = section.node.value else {
            throw .invalidArgument("alloc config: no 'interleaved_alloc' mapping")
        }
        var p = InterleaveParameters.contiguous
        for f in fields {
            guard case .scalar(let s) = f.node.value, let v = parseSize(s) else {
                throw .invalidArgument("alloc config line \(f.node.line): '\(f.key)' needs a number")
            }
            switch f.key {
            case "nbuckets": p.nbuckets = v
            case "nstrips": p.nstrips = v
            case "chunk_size": p.chunkSize = v
            default: throw .invalidArgument("alloc config line \(f.node.line): unknown key '\(f.key)'")
            }
        }
        return p
    }
}

/// The reference's size syntax: a `strtoull(…, 0)` number and an optional k/m/g (×1024ⁿ) suffix.
public func parseSize(_ text: String) -> UInt64? {
    var s = Substring(text)
    var shift: UInt64 = 0
    switch s.last {
    case "k", "K": shift = 10
    case "m", "M": shift = 20
    case "g", "G": shift = 30
    default: break
    }
    if shift > 0 { s = s.dropLast() }
    guard let v = MiniYAML.parseNumber(String(s)) else { return nil }
    let (r, overflow) = v.multipliedReportingOverflow(by: 1 << shift)
    return overflow ? nil : r
}
